import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const admin = 'it@musterstadt.example';

/** German Excel's CSV: `;`, CRLF, Windows-1252. */
const excel = (rows: string[][]) =>
  Buffer.from(rows.map((r) => r.join(';')).join('\r\n') + '\r\n', 'latin1').toString('base64');
const utf8 = (rows: string[][]) => Buffer.from('\uFEFF' + rows.map((r) => r.join(',')).join('\n')).toString('base64');

describe.each(backends)('CSV import on %s', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  const run = (cookie: string, body: Record<string, unknown>) =>
    api(server.url, 'POST', '/api/admin/import', { cookie, body });

  it('imports rooms, people and hostname mappings: preview first, German errors per line, the same plan applied, a second run unchanged', async () => {
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);

    // Rooms, with buildings, floors and departments created on the way.
    const roomsFile = excel([
      ['Gebäude', 'Etage', 'Raum', 'Abteilung'],
      ['Stadthaus Süd', 'EG', 'S.001', 'Straßenverkehrsamt'],
      ['Stadthaus Süd', '1. OG', 'S.101', 'Straßenverkehrsamt'],
      ['Stadthaus Süd', '1. OG', 'S.101', 'Straßenverkehrsamt'],
      ['Stadthaus Süd', '', 'S.102', ''],
    ]);
    const preview = await run(cookie, { kind: 'rooms', file: roomsFile });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      counts: { create: 2, update: 0, unchanged: 0, error: 2 },
      applied: false,
    });
    expect(preview.body.alsoCreated).toEqual(
      expect.arrayContaining(['Gebäude Stadthaus Süd', 'Etage EG (Stadthaus Süd)', 'Abteilung Straßenverkehrsamt']),
    );
    const errors = preview.body.lines.filter((l: { action: string }) => l.action === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ line: 4, errors: ['doppelt in der Datei (wie Zeile 3)'] }),
      expect.objectContaining({ line: 5, errors: ['Etage: darf nicht leer sein'] }),
    ]);
    // Nothing was written by the preview.
    const before = (await api(server.url, 'GET', '/api/admin/rooms', { cookie })).body.length;

    // Lines with errors stop the import unless they are to be skipped.
    const refused = await run(cookie, { kind: 'rooms', file: roomsFile, apply: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('2 Zeile(n) mit Fehlern');
    expect((await api(server.url, 'GET', '/api/admin/rooms', { cookie })).body.length).toBe(before);
    const applied = await run(cookie, { kind: 'rooms', file: roomsFile, apply: true, skipErrors: true });
    expect(applied.body).toMatchObject({ applied: true, counts: { create: 2, error: 2 } });
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie })).body as Array<{
      id: string;
      name: string;
      floorId: string;
    }>;
    expect(rooms.length).toBe(before + 2);
    const floors = (await api(server.url, 'GET', '/api/admin/floors', { cookie })).body as Array<{
      id: string;
      name: string;
      level: number;
    }>;
    const s101 = rooms.find((r) => r.name === 'S.101')!;
    expect(floors.find((f) => f.id === s101.floorId)).toMatchObject({ name: '1. OG', level: 1 });
    const again = await run(cookie, { kind: 'rooms', file: roomsFile, apply: true, skipErrors: true });
    expect(again.body.counts).toMatchObject({ create: 0, update: 0, unchanged: 2 });

    // People, UTF-8 with BOM and commas; the login is the key, groups are added.
    const peopleFile = (phone: string) =>
      utf8([
        ['Anmeldename', 'Vorname', 'Nachname', 'Telefon', 'Gebäude', 'Raum', 'Alarmgruppen'],
        ['JMeyer', 'Jürgen', 'Meyer', phone, 'Stadthaus Süd', 'S.101', '"Stadthaus Süd, Ersthelfer"'],
        ['bschulz', 'Birgit', 'Schulz', '0221 99', '', 'S.001', ''],
        ['x', 'Kurz', 'Name', 'abc', '', 'Nirgendwo', ''],
        ['anna.schmidt@musterstadt.example', 'Anna', 'Schmidt', '', '', '', ''],
      ]);
    const pp = await run(cookie, { kind: 'people', file: peopleFile('0221 12') });
    expect(pp.body.encoding).toBe('utf-8');
    const byLine = new Map(pp.body.lines.map((l: { line: number }) => [l.line, l]));
    expect(byLine.get(2)).toMatchObject({ action: 'create', label: 'Meyer, Jürgen (jmeyer)' });
    expect(byLine.get(3)).toMatchObject({ action: 'create' });
    expect(byLine.get(4)).toMatchObject({
      action: 'error',
      errors: [
        'Anmeldename: mindestens 3 Zeichen',
        'Telefon: nur Ziffern, Leerzeichen und + ( ) / -',
        'Raum „Nirgendwo“ ist unbekannt (erst Räume importieren)',
      ],
    });
    // The demo's Anna exists: her phone is emptied by the file and nothing else changes.
    expect(byLine.get(5)).toMatchObject({ action: 'update' });
    expect(pp.body.alsoCreated).toEqual(
      expect.arrayContaining(['Alarmgruppe Stadthaus Süd', 'Alarmgruppe Ersthelfer']),
    );
    await run(cookie, { kind: 'people', file: peopleFile('0221 12'), apply: true, skipErrors: true });
    const changed = await run(cookie, { kind: 'people', file: peopleFile('0221 13') });
    expect(changed.body.lines[0]).toMatchObject({ action: 'update', changes: ['Telefon: 0221 12 → 0221 13'] });
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
      id: string;
      login: string | null;
      roomId: string | null;
      roles: string[];
    }>;
    const jmeyer = people.find((p) => p.login === 'jmeyer')!;
    expect(jmeyer).toMatchObject({ roomId: s101.id, roles: ['employee'] });
    const groups = (await api(server.url, 'GET', '/api/admin/groups', { cookie })).body as Array<{
      name: string;
      memberIds: string[];
    }>;
    expect(groups.find((g) => g.name === 'Ersthelfer')?.memberIds).toEqual([jmeyer.id]);

    // Hostname mappings: a PC already enrolled (unmapped) gets its room, and raises there.
    const token = await api(server.url, 'POST', '/api/admin/enrolment-tokens', { cookie, body: { name: 'GPO' } });
    const pc = await api(server.url, 'POST', '/api/devices/enrol', {
      body: { orgToken: token.body.secret, hostname: 'SUED-PC-7' },
    });
    expect(pc.body.workstation.room).toBe('');
    const hosts = excel([
      ['Rechnername', 'Raum', 'Person'],
      ['SUED-PC-7', 'S.101', 'jmeyer'],
      ['SUED-PC-8', 'S.001', 'niemand'],
      ['kaputt name', 'S.001', ''],
    ]);
    const hp = await run(cookie, { kind: 'hosts', file: hosts, apply: true, skipErrors: true });
    expect(hp.body.lines).toEqual([
      expect.objectContaining({
        action: 'create',
        label: 'sued-pc-7',
        changes: ['registrierter Rechner ohne Zuordnung bekommt seinen Raum'],
      }),
      expect.objectContaining({
        action: 'error',
        errors: ['Person „niemand“ ist unbekannt (erst Personen importieren)'],
      }),
      expect.objectContaining({ action: 'error' }),
    ]);
    const alarm = await api(server.url, 'POST', '/api/alarms', {
      token: pc.body.token,
      body: { source: 'hotkey' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(alarm.body.alarm.location).toMatchObject({ room: 'S.101', building: 'Stadthaus Süd' });
    expect(alarm.body.alarm.sender).toMatchObject({ lastName: 'Meyer' });

    const audit = (await api(server.url, 'GET', '/api/admin/audit?limit=50', { cookie })).body as Array<{
      action: string;
      subject: string;
    }>;
    expect(audit.filter((a) => a.action === 'import.applied').map((a) => a.subject)).toEqual(
      expect.arrayContaining(['CSV-Import rooms', 'CSV-Import people', 'CSV-Import hosts']),
    );
  });

  it('only an administrator imports, and a bad mapping or file is named', async () => {
    server = await startTestServer({ backend });
    const desk = await server.login('pforte@musterstadt.example');
    const file = excel([['Rechnername', 'Raum']]);
    expect((await run(desk, { kind: 'hosts', file })).status).toBe(403);
    const cookie = await server.login(admin);
    const missing = await run(cookie, { kind: 'people', file });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('Spalte nicht gefunden: Anmeldename, Vorname, Nachname');
    const wrong = await run(cookie, { kind: 'hosts', file, mapping: { room: 'Zimmer' } });
    expect(wrong.body.error.message).toContain('„Zimmer“');
    expect((await run(cookie, { kind: 'hosts', file: 'kein base64!' })).status).toBe(400);
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { auditLog, registerAccessLog, registerEntries } from '../db/schema.js';
import { seedDemo } from '../org/demo.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, entryInput, insertReport, login } from './testing.js';

const lookupBody = { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'appointment', caseReference: 'AZ 32-1' };

describe.each(backends)('register entries and lookup on %s', (backend) => {
  let server: TestServer;
  let central = '';
  let lookup = '';
  let dp = '';
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  const logCount = async () => (await server.database.db.select().from(registerAccessLog)).length;

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    [central, lookup, dp] = await Promise.all([
      server.login(login('sicherheit')),
      server.login(login('stefan.neumann')),
      server.login(login('datenschutz')),
    ]);
  });
  afterAll(() => server?.close());

  it('refuses an entry without a legal basis (§ 3 (2) BSchG NRW) and stores nothing', async () => {
    const res = await api(server.url, 'POST', '/api/register/entries', {
      cookie: central,
      body: entryInput({ legalBases: [] }),
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('legal_basis_missing');
    expect(res.body.error.message).toMatch(/Hausverbot, Strafanzeige oder Strafantrag/);
    expect(await server.database.db.select().from(registerEntries)).toEqual([]);
    // An update cannot remove the last legal basis either.
    const e = await createEntry(server, central, { lastName: 'Ohnegrund' });
    const upd = await api(server.url, 'PUT', `/api/register/entries/${e.id}`, {
      cookie: central,
      body: entryInput({ lastName: 'Ohnegrund', legalBases: [] }),
    });
    expect(upd.body.error.code).toBe('legal_basis_missing');
    expect((await api(server.url, 'DELETE', `/api/register/entries/${e.id}`, { cookie: central })).status).toBe(204);
  });

  it('creates an entry with review and deletion dates from the settings and an open Art. 14 task', async () => {
    const e = await createEntry(server, central);
    expect(e).toMatchObject({
      reviewAt: '2027-11-23',
      deleteAt: '2028-11-23',
      notification: { status: 'open', sentAt: null, deferral: null },
      due: { review: false, deletion: false },
    });
    const audit = await server.database.db.select().from(auditLog).where(eq(auditLog.subject, e.id));
    expect(audit.map((a) => a.action)).toContain('register.entry_created');
    // The audit (read by admins) holds no person data.
    expect(JSON.stringify(audit.map((a) => [a.detail, a.subject]))).not.toMatch(/Krawallo|Hafenstraße/);
  });

  it('refuses a lookup without a purpose, and logs nothing for it', async () => {
    const before = await logCount();
    const { purpose: _p, ...noPurpose } = lookupBody;
    const res = await api(server.url, 'POST', '/api/register/lookup', { cookie: lookup, body: noPurpose });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain('body.purpose');
    const other = await api(server.url, 'POST', '/api/register/lookup', {
      cookie: lookup,
      body: { ...lookupBody, purpose: 'other' },
    });
    expect(other.status).toBe(400);
    expect(await logCount()).toBe(before);
  });

  it('answers the lookup role with the minimum and logs exactly one row in the same transaction', async () => {
    const before = await logCount();
    const res = await api(server.url, 'POST', '/api/register/lookup', {
      cookie: lookup,
      body: { ...lookupBody, lastName: 'KRAWALLO ', firstName: 'kurt', birthDate: '1980-05-17' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      outcome: 'hint',
      level: 2,
      measures: ['Termine nur zu zweit', 'Sicherheitsdienst hinzuziehen'],
      entries: null,
      logSeq: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Stuhl|Hafenstraße|Glatze/);
    const rows = await server.database.db.select().from(registerAccessLog);
    expect(rows.length).toBe(before + 1);
    const row = rows.find((r) => r.seq.toString() === res.body.logSeq)!;
    expect(row).toMatchObject({
      actor: expect.stringContaining('Stefan Neumann'),
      action: 'lookup',
      purpose: 'appointment',
      caseReference: 'AZ 32-1',
      legalBasis: expect.stringContaining('§ 3 BSchG NRW'),
    });
    expect(row.query).toMatchObject({ lastName: 'KRAWALLO', firstName: 'kurt', birthDate: '1980-05-17' });
    expect(row.result).toMatchObject({ outcome: 'hint', level: 2, details: false });
    expect((row.result.entryIds as string[]).length).toBe(1);

    // A different birth date is a different person: no hint, and that is logged too.
    const miss = await api(server.url, 'POST', '/api/register/lookup', {
      cookie: lookup,
      body: { ...lookupBody, birthDate: '1990-01-01', purpose: 'home_visit' },
    });
    expect(miss.body).toMatchObject({ outcome: 'none', level: null, measures: [] });
    expect(await logCount()).toBe(before + 2);
  });

  it('shows the full entry to the central unit only, and logs its reads', async () => {
    const res = await api(server.url, 'POST', '/api/register/lookup', { cookie: central, body: lookupBody });
    expect(res.body.outcome).not.toBe('none');
    expect(res.body.entries[0]).toMatchObject({ details: expect.stringContaining('Stuhl'), aliases: ['K. K.'] });
    const id = res.body.entries[0].id;
    const before = await logCount();
    const got = await api(server.url, 'GET', `/api/register/entries/${id}`, { cookie: central });
    expect(got.body.details).toContain('Stuhl');
    const list = await api(server.url, 'GET', '/api/register/entries?name=kraw', { cookie: central });
    expect(list.body.entries.map((e: { id: string }) => e.id)).toEqual([id]);
    const rows = await server.database.db.select().from(registerAccessLog);
    expect(rows.slice(before).map((r) => [r.action, r.purpose])).toEqual([
      ['read_entry', 'administration'],
      ['list_entries', 'administration'],
    ]);
    // The lookup role can read neither the entry nor the list nor the log.
    for (const path of [`/api/register/entries/${id}`, '/api/register/entries', '/api/register/access-log'])
      expect((await api(server.url, 'GET', path, { cookie: lookup })).status).toBe(403);
  });

  it('a failing read leaves no log row', async () => {
    const before = await logCount();
    const res = await api(server.url, 'GET', `/api/register/entries/${crypto.randomUUID()}`, { cookie: central });
    expect(res.status).toBe(404);
    expect(await logCount()).toBe(before);
  });

  it('refuses lookups to roles without a documented need', async () => {
    for (const who of ['anna.schmidt', 'jonas.becker', 'personal', 'claudia.hartmann', 'it', 'datenschutz']) {
      const cookie = await server.login(login(who));
      const res = await api(server.url, 'POST', '/api/register/lookup', { cookie, body: lookupBody });
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
    expect((await api(server.url, 'GET', '/api/register/access-log', { cookie: dp })).status).toBe(200);
  });

  it('keeps organisations apart: another organisation finds nothing and sees none of the log', async () => {
    await seedDemo(server.database.db, {
      dataDir: server.dataDir,
      publicUrl: server.url,
      slug: 'nachbarstadt',
      name: 'Gemeinde Nachbarstadt',
    });
    const otherLookup = await server.login(login('stefan.neumann', 'nachbarstadt'));
    const otherCentral = await server.login(login('sicherheit', 'nachbarstadt'));
    const otherDp = await server.login(login('datenschutz', 'nachbarstadt'));
    const res = await api(server.url, 'POST', '/api/register/lookup', { cookie: otherLookup, body: lookupBody });
    expect(res.body).toMatchObject({ outcome: 'none', level: null, measures: [] });
    const central2 = await api(server.url, 'POST', '/api/register/lookup', { cookie: otherCentral, body: lookupBody });
    expect(central2.body).toMatchObject({ outcome: 'none', entries: [] });
    expect((await api(server.url, 'GET', '/api/register/entries', { cookie: otherCentral })).body.entries).toEqual([]);
    const ours = (await api(server.url, 'GET', '/api/register/entries', { cookie: central })).body.entries;
    const foreign = await api(server.url, 'GET', `/api/register/entries/${ours[0].id}`, { cookie: otherCentral });
    expect(foreign.status).toBe(404);
    // B's data protection sees only B's two lookups and B's list, none of A's rows.
    const log = (await api(server.url, 'GET', '/api/register/access-log', { cookie: otherDp })).body.entries;
    expect(log.map((e: { actor: string }) => e.actor).every((a: string) => a.includes('nachbarstadt'))).toBe(true);
    expect(log.length).toBe(3);
  });

  it('prefills an entry from a published report without the reporter', async () => {
    const report = await insertReport(server, { lastName: 'Vorlage', firstName: 'Volker', birthDate: '1975-03-03' });
    const res = await api(server.url, 'GET', `/api/register/prefill/${report.id}`, { cookie: central });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      lastName: 'Vorlage',
      firstName: 'Volker',
      birthDate: '1975-03-03',
      level: 2,
      sourceReportId: report.id,
      legalBases: [
        { kind: 'hausverbot', date: '2026-10-01', reference: 'HV-2026-17' },
        { kind: 'strafanzeige', date: '2026-10-02', reference: 'StA-4711' },
      ],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Anna|Schmidt|Becker/);
    const created = await createEntry(server, central, res.body);
    expect(created.sourceReportId).toBe(report.id);
  });

  it('lists due entries, keeps them at review, and the job deletes expired ones for real with a content-free audit', async () => {
    const e = await createEntry(server, central, { lastName: 'Fristablauf', firstName: 'Frieda' });
    // Sessions expire with the fake clock's months: log in again after each jump.
    const later = async (days: number) => {
      clock.advance(days * 24 * 3600 * 1000);
      central = await server.login(login('sicherheit'));
    };
    await later(366); // past the review date
    let due = (await api(server.url, 'GET', '/api/register/due', { cookie: central })).body;
    expect(due.find((d: { id: string }) => d.id === e.id)?.due).toEqual({ review: true, deletion: false });

    const kept = await api(server.url, 'POST', `/api/register/entries/${e.id}/review`, {
      cookie: central,
      body: { comment: 'weiterhin erforderlich' },
    });
    expect(kept.body).toMatchObject({ reviewAt: '2028-11-24', deleteAt: '2029-11-24' });
    expect(kept.body.reviews[0].comment).toBe('weiterhin erforderlich');

    await later(340); // 2028-10-29: the other entries' deletion (2028-11-23) is within 30 days
    due = (await api(server.url, 'GET', '/api/register/due', { cookie: central })).body;
    expect(
      due.some((d: { lastName: string; due: { deletion: boolean } }) => d.lastName === 'Krawallo' && d.due.deletion),
    ).toBe(true);
    await server.wachsam.tick();
    const warned = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'register.deletion_warning'));
    expect(warned.length).toBeGreaterThan(0);

    await later(40); // 2028-12-08: past 2028-11-23
    const doomed = (await server.database.db.select().from(registerEntries)).filter((r) => r.deleteAt <= '2028-12-08');
    expect(doomed.length).toBeGreaterThan(0);
    await server.wachsam.tick();
    const left = await server.database.db.select().from(registerEntries);
    expect(left.map((r) => r.id)).toContain(e.id);
    for (const d of doomed) {
      expect(left.some((r) => r.id === d.id)).toBe(false);
      const deletion = (await server.database.db.select().from(auditLog).where(eq(auditLog.subject, d.id))).find(
        (x) => x.action === 'register.entry_deleted',
      )!;
      expect(deletion.detail).toEqual({ reason: 'retention', deleteAt: d.deleteAt, date: '2028-12-08' });
      expect(JSON.stringify(deletion.detail)).not.toContain(d.lastName);
    }
  });
});

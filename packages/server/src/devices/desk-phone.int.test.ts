import { and, eq } from 'drizzle-orm';
import type { Alarm } from '@wachsam/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema.js';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import { sourceAllowed } from './desk-phone.js';

const admin = 'it@musterstadt.example';

/** What a phone sends when its key is pressed: the request as the phone's firmware builds it. */
const phone = {
  /** Yealink: DSS key of type URL; the phone fills in its variables ($mac, $ip, $model) and sends a GET. */
  yealink: (url: string) =>
    fetch(`${url}?mac=805EC0A1B2C3&ip=10.20.30.40&model=SIP-T46S`, {
      headers: { 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:a1:b2:c3', accept: '*/*' },
    }),
  /** Snom: function key of type "Action URL": a plain GET of the URL as entered. */
  snom: (url: string) => fetch(url, { headers: { 'user-agent': 'Mozilla/4.0 (compatible; snom D785 10.1.141.13)' } }),
  /** A phone that posts a form (Auerswald COMfortel HTTP request with a body): the test flag in the form. */
  form: (url: string, body: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'COMfortel 2600 IP' },
      body,
    }),
};
const answer = async (res: Response) => ({ status: res.status, text: await res.text() });

describe.each(backends)('the desk phone as a trigger on %s', (backend) => {
  let server: TestServer;
  const clock = new FakeClock();
  let cookie: string;
  let desk: string;
  const logLines: string[] = [];
  let phoneId: string;
  let url: string;
  let room: { id: string; name: string };
  let anna: { id: string; firstName: string };

  beforeAll(async () => {
    // Request lines are logged at info: the secret in the path must not reach them.
    server = await startTestServer({
      backend,
      // The 30 s in which a repeat is the same alarm run on this clock, not on a loaded machine's.
      clock,
      // A guesser is stopped after 10 wrong secrets a minute (the test server's default is 1,000).
      env: { LOG_LEVEL: 'info', LOGIN_ATTEMPTS_PER_MINUTE: '10' },
      logStream: { write: (l) => logLines.push(l) },
    });
    cookie = await server.login(admin);
    desk = await server.login('pforte@musterstadt.example');
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie })).body;
    room = rooms.find((r: { name: string }) => r.name.startsWith('E.01'));
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie })).body;
    anna = people.find((p: { login: string }) => p.login === 'anna.schmidt@musterstadt.example');
    const created = await api(server.url, 'POST', '/api/admin/devices', {
      cookie,
      body: { kind: 'desk_phone', name: 'Tischtelefon Bürgerbüro 1', roomId: room.id, personId: anna.id },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'desk_phone', enrolled: false, allowedSources: null });
    phoneId = created.body.id;
    const made = await api(server.url, 'POST', `/api/admin/devices/${phoneId}/action-url`, { cookie });
    expect(made.status).toBe(201);
    url = made.body.url;
  });
  afterAll(() => server?.close());

  const alarmsOf = async () =>
    ((await api(server.url, 'GET', '/api/alarms', { cookie: desk })).body.alarms ?? []) as Array<Alarm>;
  const refusals = () =>
    server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'desk_phone.refused'), eq(auditLog.subject, `Gerät ${phoneId}`)));

  it('raises the alarm of the phone (its room, its person) from the exact GET a Yealink sends; a retry is the same alarm', async () => {
    expect(url).toMatch(new RegExp(`^${server.url}/api/desk-phone/[A-Za-z0-9_-]{30,}$`));
    const listed = (await api(server.url, 'GET', '/api/admin/devices', { cookie })).body.find(
      (d: { id: string }) => d.id === phoneId,
    );
    expect(listed).toMatchObject({ enrolled: true, online: false });

    const receiver = await TestRealtime.connect(server.url, {
      cookie: await server.login('jonas.becker@musterstadt.example'),
    });
    const first = await phone.yealink(url);
    expect(await answer(first)).toEqual({ status: 200, text: 'Alarm ausgelöst' });
    const [raised] = await alarmsOf();
    expect(raised).toMatchObject({ source: 'desk_phone', test: false, deviceId: phoneId });
    expect(raised!.location.room).toBe(room.name);
    expect(raised!.sender).toMatchObject({ personId: anna.id, firstName: anna.firstName });
    await receiver.next((f) => f.kind === 'event' && f.event.type === 'alarm.raised', 30_000);
    await receiver.close();

    // The phone did not see the answer in time and sends again; the person presses twice.
    expect(await answer(await phone.yealink(url))).toEqual({ status: 200, text: 'Alarm läuft bereits' });
    expect(await answer(await phone.snom(url))).toEqual({ status: 200, text: 'Alarm läuft bereits' });
    const both = await Promise.all([phone.yealink(url), phone.yealink(url)].map(async (r) => answer(await r)));
    expect(both.map((a) => a.status)).toEqual([200, 200]);
    expect((await alarmsOf()).filter((a) => a.deviceId === phoneId)).toHaveLength(1);

    // Still open 31 s later, a press is a new alarm: somebody needs help again.
    clock.advance(31_000);
    expect(await answer(await phone.yealink(url))).toEqual({ status: 200, text: 'Alarm ausgelöst' });
    const [again] = await alarmsOf();
    expect(again!.id).not.toBe(raised!.id);
    await api(server.url, 'POST', `/api/alarms/${again!.id}/resolve`, {
      cookie: desk,
      body: { outcome: 'false_alarm' },
    });

    // Resolved, the next press is a new alarm (from a Snom's plain GET).
    const resolved = await api(server.url, 'POST', `/api/alarms/${raised!.id}/resolve`, {
      cookie: desk,
      body: { outcome: 'false_alarm' },
    });
    expect(resolved.status).toBe(200);
    expect(await answer(await phone.snom(url))).toEqual({ status: 200, text: 'Alarm ausgelöst' });
    expect((await alarmsOf()).filter((a) => a.deviceId === phoneId && !a.test)).toHaveLength(3);
  });

  it('raises a test alarm from a POST form with test=1, and from ?test=1', async () => {
    expect(await answer(await phone.form(url, 'test=1&mac=000413A1B2C3'))).toEqual({
      status: 200,
      text: 'Testalarm ausgelöst',
    });
    expect(await answer(await phone.snom(`${url}?test=1`))).toEqual({ status: 200, text: 'Testalarm läuft bereits' });
    const tests = (await alarmsOf()).filter((a) => a.deviceId === phoneId && a.test);
    expect(tests).toHaveLength(1);
    // The test key is the phone's function test.
    const listed = (await api(server.url, 'GET', '/api/admin/devices', { cookie })).body.find(
      (d: { id: string }) => d.id === phoneId,
    );
    expect(listed.lastFunctionTest).toMatchObject({ result: 'passed' });
  });

  it('refuses a wrong secret, an address not allowed and a revoked phone, and audits the refusals', async () => {
    const wrong = `${server.url}/api/desk-phone/${'x'.repeat(43)}`;
    expect(await answer(await phone.yealink(wrong))).toEqual({ status: 404, text: 'Unbekanntes Telefon' });

    const update = (allowedSources: string | null) =>
      api(server.url, 'PUT', `/api/admin/devices/${phoneId}`, {
        cookie,
        body: {
          kind: 'desk_phone',
          name: 'Tischtelefon Bürgerbüro 1',
          roomId: room.id,
          personId: anna.id,
          allowedSources,
        },
      });
    // Other kinds keep no senders: the form sends the field for every kind.
    const button = await api(server.url, 'POST', '/api/admin/devices', {
      cookie,
      body: { kind: 'button', name: 'Taster E.01', roomId: room.id, allowedSources: '10.1.2.3' },
    });
    expect([button.status, button.body.allowedSources]).toEqual([201, null]);
    const bad = await update('10.1.2.3, Bürgerbüro');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('IP-Adressen oder Netze mit Komma trennen');
    expect((await update('10.9.9.0/24,  fd00::/8')).body.allowedSources).toBe('10.9.9.0/24, fd00::/8');
    const before = (await alarmsOf()).length;
    expect(await answer(await phone.yealink(url))).toEqual({ status: 403, text: 'Absender nicht erlaubt' });
    expect((await update('127.0.0.0/8')).status).toBe(200);
    expect((await phone.form(url, 'test=1')).status).toBe(200);

    const revoked = await api(server.url, 'POST', `/api/admin/devices/${phoneId}/revoke`, { cookie });
    expect(revoked.status).toBe(200);
    expect(await answer(await phone.snom(url))).toEqual({ status: 403, text: 'Telefon gesperrt' });
    expect((await alarmsOf()).length).toBe(before);
    expect((await refusals()).map((r) => (r.detail as { reason: string }).reason).sort()).toEqual([
      'revoked',
      'source',
    ]);

    // A new URL lifts the block; the old one no longer works.
    const renewed = await api(server.url, 'POST', `/api/admin/devices/${phoneId}/action-url`, { cookie });
    expect(renewed.body.url).not.toBe(url);
    expect((await phone.snom(url)).status).toBe(404);
    expect(await answer(await phone.form(renewed.body.url, 'test=1'))).toEqual({
      status: 200,
      text: 'Testalarm läuft bereits',
    });
    url = renewed.body.url;
  });

  it('keeps the secret out of the log, and a desk phone out of the offline list', async () => {
    const secrets = logLines.join('\n').match(/api\/desk-phone\/[A-Za-z0-9_-]{20,}/g);
    expect(logLines.some((l) => l.includes('/api/desk-phone/(Geheimnis)'))).toBe(true);
    expect(secrets).toBeNull();
    const offline = (await api(server.url, 'GET', '/api/devices/offline', { cookie })).body as Array<{ id: string }>;
    expect(offline.map((d) => d.id)).not.toContain(phoneId);
  });

  it('answers a guesser 429 after the allowed number of wrong requests in a minute, never the phone itself', async () => {
    const wrong = () => phone.snom(`${server.url}/api/desk-phone/${crypto.randomUUID()}`);
    // Four wrong requests came from this address before (two unknown secrets, two refusals).
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await wrong()).status);
    expect(statuses).toEqual([...Array<number>(6).fill(404), 429, 429]);
    // The phone with its secret, from the same address, still raises its alarm.
    clock.advance(31_000);
    expect(await answer(await phone.snom(url))).toEqual({ status: 200, text: 'Alarm ausgelöst' });
  });
});

describe('allowed senders', () => {
  it('match addresses and networks, IPv4 (also as IPv6-mapped) and IPv6', () => {
    expect(sourceAllowed([], '203.0.113.9')).toBe(true);
    expect(sourceAllowed(['10.1.2.0/24'], '10.1.2.77')).toBe(true);
    expect(sourceAllowed(['10.1.2.0/24'], '::ffff:10.1.2.77')).toBe(true);
    expect(sourceAllowed(['10.1.2.0/24'], '10.1.3.1')).toBe(false);
    expect(sourceAllowed(['10.1.2.30'], '10.1.2.30')).toBe(true);
    expect(sourceAllowed(['fd00::/8'], 'fd12::1')).toBe(true);
    expect(sourceAllowed(['fd00::/8'], '2001:db8::1')).toBe(false);
    expect(sourceAllowed(['10.1.2.30'], 'not an address')).toBe(false);
  });
});

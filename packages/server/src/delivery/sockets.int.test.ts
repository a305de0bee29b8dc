import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@wachsam/protocol';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Wait for the server's closing frame and the close itself; returns the reason. */
async function closedWith(ws: TestRealtime): Promise<string> {
  const frame = (await ws.next((f) => f.kind === 'closing', 15_000)) as Extract<ServerFrame, { kind: 'closing' }>;
  await new Promise<void>((resolve) =>
    ws.ws.readyState === ws.ws.CLOSED ? resolve() : ws.ws.once('close', () => resolve()),
  );
  return frame.reason;
}

describe.each(backends)('a socket belongs to its session, person and device, on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const connect = async (auth: { cookie?: string; token?: string }) => {
    const c = await TestRealtime.connect(server.url, auth);
    clients.push(c);
    return c;
  };

  it('ends at logout, password reset, role change and removal of the person, and says why', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const jonas = await server.login(login('jonas.becker'));
    const jonasWs = await connect({ cookie: jonas });
    const other = await connect({ cookie: await server.login(login('jonas.becker')) });

    // Logout ends that session's socket, not the other session of the same person.
    await api(server.url, 'POST', '/api/auth/logout', { cookie: jonas });
    expect(await closedWith(jonasWs)).toBe('session_ended');
    expect(other.ws.readyState).toBe(other.ws.OPEN);

    // A password reset ends every session, and the old cookie no longer works.
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: admin })).body;
    const becker = people.find((p: { lastName: string }) => p.lastName === 'Becker');
    const third = await server.login(login('jonas.becker'));
    const thirdWs = await connect({ cookie: third });
    await api(server.url, 'PUT', `/api/admin/people/${becker.id}/password`, {
      cookie: admin,
      body: { password: 'ganz-neues-passwort-1' },
    });
    expect(await closedWith(other)).toBe('password_changed');
    expect(await closedWith(thirdWs)).toBe('password_changed');
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: third })).status).toBe(401);

    // Taking a role away: the socket must not go on receiving with the old rights.
    const fresh = await server.login(login('jonas.becker'), 'ganz-neues-passwort-1');
    const freshWs = await connect({ cookie: fresh });
    const { id, ...input } = becker;
    await api(server.url, 'PUT', `/api/admin/people/${id}`, { cookie: admin, body: { ...input, roles: ['employee'] } });
    expect(await closedWith(freshWs)).toBe('roles_changed');

    // A person removed: gone everywhere.
    const created = await api(server.url, 'POST', '/api/admin/people', {
      cookie: admin,
      body: {
        firstName: 'Tina',
        lastName: 'Test',
        phone: '',
        departmentId: null,
        roomId: null,
        login: login('tina.test'),
        roles: ['helper'],
      },
    });
    await api(server.url, 'PUT', `/api/admin/people/${created.body.id}/password`, {
      cookie: admin,
      body: { password: 'tina-passwort-123' },
    });
    const tinaWs = await connect({ cookie: await server.login(login('tina.test'), 'tina-passwort-123') });
    expect((await api(server.url, 'DELETE', `/api/admin/people/${created.body.id}`, { cookie: admin })).status).toBe(
      204,
    );
    expect(await closedWith(tinaWs)).toBe('person_removed');
  });

  it('ends when the device is revoked, re-enrolled or removed', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const room = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: admin })).body[0];
    const enrolled = async () => {
      const dev = (
        await api(server.url, 'POST', '/api/admin/devices', {
          cookie: admin,
          body: { kind: 'workstation', name: `PC-${randomUUID().slice(0, 6)}`, roomId: room.id, functionTestHours: 0 },
        })
      ).body;
      const code = (await api(server.url, 'POST', `/api/admin/devices/${dev.id}/enrolment-code`, { cookie: admin }))
        .body.code;
      const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token as string;
      return { id: dev.id as string, token, ws: await connect({ token }) };
    };
    const a = await enrolled();
    await api(server.url, 'POST', `/api/admin/devices/${a.id}/revoke`, { cookie: admin });
    expect(await closedWith(a.ws)).toBe('token_revoked');
    const b = await enrolled();
    await api(server.url, 'POST', `/api/admin/devices/${b.id}/enrolment-code`, { cookie: admin });
    expect(await closedWith(b.ws)).toBe('token_revoked');
    const c = await enrolled();
    await api(server.url, 'DELETE', `/api/admin/devices/${c.id}`, { cookie: admin });
    expect(await closedWith(c.ws)).toBe('device_removed');
  });

  it('ends when the session expires (found by the revalidation)', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock, env: { SESSION_HOURS: '1' } });
    const ws = await connect({ cookie: await server.login(login('jonas.becker')) });
    clock.advance(3600_000 + 61_000);
    await server.wachsam.tick();
    expect(await closedWith(ws)).toBe('session_expired');
  });

  it('stays open when the wall clock steps forward (an NTP correction): silence is judged on the monotonic clock', async () => {
    const clock = new FakeClock();
    // A 12 s offline limit: the server pings every socket at every tick (see `pingAfterMs`).
    server = await startTestServer({ backend, clock, env: { DEVICE_OFFLINE_SECONDS: '12' } });
    const ws = await connect({ cookie: await server.login(login('jonas.becker')) });
    const pingsBefore = ws.frames.filter((f) => f.kind === 'ping').length;
    clock.advance(10 * 60_000);
    // The next heartbeat tick judges silence: the socket gets its ping instead of being cut off.
    await ws.next(() => ws.frames.filter((f) => f.kind === 'ping').length > pingsBefore, 30_000);
    expect(ws.ws.readyState).toBe(ws.ws.OPEN);
  });

  it('keeps nothing of the upgrade request once the socket is set up, and the socket still works', async () => {
    server = await startTestServer({ backend });
    const upgrades: Array<WeakRef<object>> = [];
    server.wachsam.app.server.prependListener('upgrade', (req: object) => upgrades.push(new WeakRef(req)));
    const anna = await server.login(login('anna.schmidt'));
    const ws = await connect({ cookie: await server.login(login('pforte')) });
    await ws.next((f) => f.kind === 'replayed');
    expect(upgrades).toHaveLength(1);
    // The request (with its headers, reply and logger) was most of an idle connection's memory.
    await expect
      .poll(
        () => {
          collectGarbage();
          return upgrades.filter((r) => r.deref() !== undefined).length;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    await ws.alarmEvent('alarm.raised', raised.body.alarm.id);
    // A frame the protocol refuses still ends just that socket, with its close code.
    const closed = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));
    ws.ws.send('x'.repeat(20_000));
    expect(await closed).toBe(1009);
  });

  it('pings only a client it has not heard for a while: one that pings itself gets pongs, not pings', async () => {
    // The default offline limit (20 s): a connection unheard for 5 s is pinged at the next tick (every 5 s).
    server = await startTestServer({ backend });
    const talking = await connect({ cookie: await server.login(login('jonas.becker')) });
    const quiet = await connect({ cookie: await server.login(login('anna.schmidt')) });
    // Like the agent and the web app, but every second.
    let at = 0;
    const pinging = setInterval(() => talking.send({ kind: 'ping', at: ++at }), 1_000);
    try {
      // The quiet one is pinged within a tick or two of going quiet, and stays open.
      await quiet.next((f) => f.kind === 'ping', 45_000);
      expect(quiet.ws.readyState).toBe(quiet.ws.OPEN);
      // The same tick left the talking one alone (it used to ping every socket): it got an
      // answer to each of its pings and no ping of the server's.
      expect(talking.frames.filter((f) => f.kind === 'pong').length).toBeGreaterThanOrEqual(4);
      expect(talking.frames.filter((f) => f.kind === 'ping')).toEqual([]);
    } finally {
      clearInterval(pinging);
    }
  });

  it('counts a receipt only from an alerted receiver of that alarm', async () => {
    server = await startTestServer({ backend });
    const [anna, jonas, olgaAdmin, leitstelle] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'it', 'leitstelle'].map((n) => server.login(login(n))),
    );
    const annaWs = await connect({ cookie: anna });
    const jonasWs = await connect({ cookie: jonas });
    // The control centre sees the alarm but is not alerted before step 3; Anna is its sender.
    const controlWs = await connect({ cookie: leitstelle });
    const { body } = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    const id = body.alarm.id;
    controlWs.send({ kind: 'receipt', alarmId: id });
    annaWs.send({ kind: 'receipt', alarmId: id });
    // A receipt for an alarm of nobody's: nothing happens.
    controlWs.send({ kind: 'receipt', alarmId: randomUUID() });
    jonasWs.send({ kind: 'receipt', alarmId: id });
    await annaWs.alarmEvent('alarm.delivered', id, 10_000);
    // Delivered by Jonas's receipt: the two sent before it (a non-receiver, the sender) did not count.
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: olgaAdmin })).body;
    const becker = people.find((p: { lastName: string }) => p.lastName === 'Becker');
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: olgaAdmin })).body;
    const delivered = audit.filter((e: { action: string; subject: string }) => e.action === 'alarm.delivered');
    expect(delivered.map((e: { detail: { firstReceiver: string } }) => e.detail.firstReceiver)).toEqual([becker.id]);
  });

  it('leaves nothing behind of sockets closed during their setup', async () => {
    server = await startTestServer({ backend });
    const cookie = await server.login(login('jonas.becker'));
    const url = `${server.url.replace(/^http/, 'ws')}/api/realtime?since=0`;
    const { WebSocket } = await import('ws');
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const ws = new WebSocket(url, { headers: { cookie } });
        await new Promise<void>((resolve) => ws.once('open', () => resolve()));
        ws.terminate();
      }),
    );
    const deadline = Date.now() + 20_000;
    while (server.wachsam.hub.connectionCount > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(server.wachsam.hub.connectionCount).toBe(0);
    const { connections } = await import('../db/schema.js');
    for (;;) {
      const rows = await server.database.db.select().from(connections);
      if (rows.length === 0) break;
      if (Date.now() > deadline) throw new Error(`connection rows left: ${rows.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('replays the last 24 hours and the open alarms, not the whole history', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock, env: { SESSION_HOURS: '48' } });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server.login(login(n))));
    const raiseOne = async () =>
      (
        await api(server.url, 'POST', '/api/alarms', {
          cookie: anna,
          body: { source: 'console', test: true },
          headers: { 'idempotency-key': randomUUID() },
        })
      ).body.alarm.id as string;
    const closed = await raiseOne();
    await api(server.url, 'POST', `/api/alarms/${closed}/resolve`, { cookie: jonas, body: { outcome: 'test' } });
    const stillOpen = await raiseOne();
    clock.advance(25 * 3600_000);
    const recent = await raiseOne();
    const ws = await TestRealtime.connect(server.url, { cookie: jonas }, '0');
    clients.push(ws);
    const replayed = new Set(ws.events().flatMap((e) => ('alarm' in e.event ? [e.event.alarm.id] : [])));
    expect(replayed.has(stillOpen)).toBe(true);
    expect(replayed.has(recent)).toBe(true);
    expect(replayed.has(closed)).toBe(false);
  });
});

describe('a socket ends on every instance', () => {
  it('logout on one instance closes the socket on another', async () => {
    const a = await startTestServer({ backend: 'postgres' });
    const b = await startTestServer({ backend: 'postgres', databaseUrl: a.databaseUrl!, demo: false });
    try {
      const cookie = await a.login(login('jonas.becker'));
      const onB = await TestRealtime.connect(b.url, { cookie });
      await api(a.url, 'POST', '/api/auth/logout', { cookie });
      expect(await closedWith(onB)).toBe('session_ended');
    } finally {
      await b.close();
      await a.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../org/demo.js';
import { api, backends, startTestServer, TestRealtime, throwawayPostgres, type TestServer } from '../testing.js';

const login = (name: string, domain = 'musterstadt') => `${name}@${domain}.example`;
const raise = (url: string, cookie: string, key = randomUUID()) =>
  api(url, 'POST', '/api/alarms', { cookie, body: { source: 'console' }, headers: { 'idempotency-key': key } });

describe.each(backends)('realtime delivery on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });

  it('a receiver that reconnects with its last id gets everything it missed, once', async () => {
    server = await startTestServer({ backend });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server.login(login(n))));
    const first = await TestRealtime.connect(server.url, { cookie: jonas! });
    const a1 = (await raise(server.url, anna!)).body.alarm.id;
    const seen = await first.alarmEvent('alarm.raised', a1);
    await first.close();

    // While the receiver is away: two more alarms and a response.
    const a2 = (await raise(server.url, anna!)).body.alarm.id;
    const a3 = (await raise(server.url, anna!)).body.alarm.id;
    await api(server.url, 'POST', `/api/alarms/${a2}/respond`, { cookie: jonas, body: { response: 'coming' } });

    const again = await TestRealtime.connect(server.url, { cookie: jonas! }, seen.event.id);
    clients.push(again);
    const replayed = again.events().map((e) => [e.event.type, 'alarm' in e.event ? e.event.alarm.id : '']);
    expect(replayed).toEqual([
      ['alarm.raised', a2],
      ['alarm.raised', a3],
      ['alarm.responded', a2],
    ]);
    const ids = again.events().map((e) => BigInt(e.event.id));
    expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : 1)));
    expect(ids.every((id) => id > BigInt(seen.event.id))).toBe(true);

    // And it is live again afterwards.
    const a4 = (await raise(server.url, anna!)).body.alarm.id;
    expect((await again.alarmEvent('alarm.raised', a4)).forYou).toBe(true);
  });

  it('keeps organisations apart: no event, alarm, person or device crosses', async () => {
    server = await startTestServer({ backend });
    await seedDemo(server.database.db, {
      dataDir: server.dataDir,
      publicUrl: server.url,
      slug: 'nachbarstadt',
      name: 'Gemeinde Nachbarstadt',
    });
    const annaA = await server.login(login('anna.schmidt'));
    const [pforteB, adminB, adminA] = await Promise.all([
      server.login(login('pforte', 'nachbarstadt')),
      server.login(login('it', 'nachbarstadt')),
      server.login(login('it')),
    ]);
    const watcherB = await TestRealtime.connect(server.url, { cookie: pforteB });
    clients.push(watcherB);
    const alarmA = (await raise(server.url, annaA)).body.alarm.id;

    // B's overview sees nothing of A: not in the list, not by id, not live.
    expect((await api(server.url, 'GET', '/api/alarms', { cookie: pforteB })).body.alarms).toEqual([]);
    expect((await api(server.url, 'GET', `/api/alarms/${alarmA}`, { cookie: pforteB })).status).toBe(404);
    expect(
      (await api(server.url, 'POST', `/api/alarms/${alarmA}/resolve`, { cookie: pforteB, body: { outcome: 'real' } }))
        .status,
    ).toBe(404);
    const b1 = (await raise(server.url, await server.login(login('anna.schmidt', 'nachbarstadt')))).body.alarm.id;
    await watcherB.alarmEvent('alarm.raised', b1);
    expect(watcherB.events().some((e) => 'alarm' in e.event && e.event.alarm.id === alarmA)).toBe(false);

    // Administration of B cannot read or change A's records.
    const peopleA = (await api(server.url, 'GET', '/api/admin/people', { cookie: adminA })).body;
    const peopleB = (await api(server.url, 'GET', '/api/admin/people', { cookie: adminB })).body;
    expect(peopleB.map((p: { id: string }) => p.id)).not.toContain(peopleA[0].id);
    const put = await api(server.url, 'PUT', `/api/admin/people/${peopleA[0].id}`, {
      cookie: adminB,
      body: { firstName: 'X', lastName: 'Y' },
    });
    expect(put.status).toBe(404);
    const devicesA = (await api(server.url, 'GET', '/api/admin/devices', { cookie: adminA })).body;
    expect(
      (await api(server.url, 'POST', `/api/admin/devices/${devicesA[0].id}/revoke`, { cookie: adminB })).status,
    ).toBe(404);
    // B cannot point its records at A's rooms.
    const roomA = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: adminA })).body[0].id;
    const dev = await api(server.url, 'POST', '/api/admin/devices', {
      cookie: adminB,
      body: { kind: 'workstation', name: 'PC', roomId: roomA },
    });
    expect(dev.status).toBe(400);
    expect(dev.body.error.issues[0].path).toBe('body.roomId');
  });
});

describe('two server instances on one PostgreSQL', () => {
  it('an alarm raised on one reaches a receiver connected to the other', async () => {
    const db = await throwawayPostgres();
    const one = await startTestServer({ backend: 'postgres', databaseUrl: db.url });
    const two = await startTestServer({ backend: 'postgres', databaseUrl: db.url, demo: false });
    const clients: TestRealtime[] = [];
    try {
      const anna = await one.login(login('anna.schmidt'));
      const jonasOnTwo = await TestRealtime.connect(two.url, { cookie: await two.login(login('jonas.becker')) });
      clients.push(jonasOnTwo);
      const raised = await raise(one.url, anna);
      expect(raised.body.receiversOnline).toBe(1);
      const got = await jonasOnTwo.alarmEvent('alarm.raised', raised.body.alarm.id);
      expect(got.forYou).toBe(true);
      // And back: acknowledging on two is seen by the sender's view on one.
      const annaOnOne = await TestRealtime.connect(one.url, { cookie: anna });
      clients.push(annaOnOne);
      await api(two.url, 'POST', `/api/alarms/${raised.body.alarm.id}/respond`, {
        cookie: await two.login(login('jonas.becker')),
        body: { response: 'coming' },
      });
      const ack = await annaOnOne.alarmEvent('alarm.responded', raised.body.alarm.id);
      expect(ack.forYou).toBe(false);
    } finally {
      for (const c of clients) await c.close();
      await two.close();
      await one.close();
      await db.drop();
    }
  });
});

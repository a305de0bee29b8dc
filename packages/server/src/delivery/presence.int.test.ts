/**
 * Presence writes grow with the instances, not with the connections (issue 10): while
 * connections are simply alive, each tick writes the instance's heartbeat row and leaves the
 * connection rows alone; "online" is a connection row on an instance heard within the limit.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { FakeClock } from '../clock.js';
import { rawRows } from '../db/raw.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(backends)('presence on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });

  it('ticks write the instance heartbeat, not the rows of live connections', async () => {
    server = await startTestServer({ backend });
    const { db } = server.database;
    for (const name of ['jonas.becker', 'anna.schmidt', 'pforte'])
      clients.push(await TestRealtime.connect(server.url, { cookie: await server.login(login(name)) }));
    // xmin: the transaction that last wrote the row; an update gives the row a new one.
    const rows = () =>
      rawRows<{ id: string; xmin: string }>(db, sql`select id, xmin::text as xmin from connections order by id`);
    const heard = async () =>
      (await rawRows<{ at: string }>(db, sql`select heard_at::text as at from instances`)).map((r) => r.at);
    const before = await until(rows, (r) => r.length === 3);
    const first = await until(heard, (h) => h.length === 1);
    // Two ticks (5 s apart) later: the heartbeat moved, the connection rows were not touched.
    const second = await until(heard, (h) => h.length === 1 && h[0] !== first[0]);
    await until(heard, (h) => h.length === 1 && h[0] !== second[0]);
    expect(await rows()).toEqual(before);
    // Everyone connected counts as online (the one definition, on the instance's heartbeat).
    const [online] = await rawRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from connections c join instances i on i.id = c.instance_id
          where i.heard_at > now() - interval '20 seconds'`,
    );
    expect(online!.n).toBe(3);
    // A connection that closes takes its row with it; the instance's row stays.
    await clients.pop()!.close();
    await until(rows, (r) => r.length === 2);
    expect(await heard()).toHaveLength(1);
  });

  it("a dead instance's connections stop counting, and its rows go after two minutes", async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const { db } = server.database;
    const [anna] = await Promise.all(['anna.schmidt'].map((n) => server.login(login(n))));
    const jonas = (
      await rawRows<{ id: string; org_id: string }>(
        db,
        sql`select id, org_id from people where login = 'jonas.becker@musterstadt.example'`,
      )
    )[0]!;
    // Another instance had Jonas connected and was last heard 30 s ago: it died.
    const heard = new Date(clock.now().getTime() - 30_000).toISOString();
    await db.execute(sql`insert into instances (id, heard_at) values ('dead-instance', ${heard}::timestamptz)`);
    await db.execute(sql`
      insert into connections (id, org_id, instance_id, person_id, last_seen_at)
      values ('dead-conn', ${jonas.org_id}, 'dead-instance', ${jonas.id}, ${heard}::timestamptz)`);
    // Anna's alarm (her floor and department: Jonas among them) finds nobody online.
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    expect(raised.body.receiversOnline).toBe(0);
    // Heard 20 s ago instead: still alive, Jonas counts.
    await db.execute(
      sql`update instances set heard_at = ${clock.now().toISOString()}::timestamptz where id = 'dead-instance'`,
    );
    const again = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(again.body.receiversOnline).toBe(1);
    // Two minutes without a heartbeat: the next tick of a live instance removes its rows.
    clock.advance(121_000);
    await until(
      () =>
        rawRows<{ n: number }>(db, sql`select count(*)::int as n from connections where instance_id = 'dead-instance'`),
      (r) => r[0]!.n === 0,
    );
    expect(await rawRows(db, sql`select id from instances where id = 'dead-instance'`)).toEqual([]);
  });
});

/**
 * Presence writes grow with the instances, not with the connections (issue 10): while
 * connections are simply alive, each tick writes the instance's heartbeat row and leaves the
 * connection rows alone; "online" is a connection row on an instance heard within the limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rawRows } from '../db/raw.js';
import { backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

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
});

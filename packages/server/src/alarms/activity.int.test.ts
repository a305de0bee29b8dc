import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heavyWorkOf } from '../http/heavy.js';
import { api, startTestServer, type TestServer } from '../testing.js';

// The alarm service and the hub tell the server's heavy work when an alarm is under way: the
// same `AlarmActivity` the heavy requests and the export pages wait on.
describe('heavy work sees the alarms of its server', () => {
  let server: TestServer;
  beforeAll(async () => {
    // On PostgreSQL the raise waits for the network: the event loop turns while it runs.
    server = await startTestServer({ backend: 'postgres' });
  });
  afterAll(() => server?.close());

  it('marks a raise as under way until it has committed and answered, then quiet', async () => {
    const activity = heavyWorkOf(server.wachsam.app).alarms;
    const cookie = await server.login('anna.schmidt@musterstadt.example');
    // Nobody is connected, so the hub has nothing to fan out: what is seen is the raise itself.
    // The raise spans turns of the event loop (it waits for the database): every turn sees it.
    let seen = 0;
    let watching = true;
    const watch = () => {
      seen = Math.max(seen, activity.underWay);
      if (watching) setImmediate(watch);
    };
    watch();
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    await activity.quiet(60_000);
    watching = false;
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(activity.underWay).toBe(0);

    // A raise that fails (here: its key reused for another request) leaves nothing under way,
    // or every heavy request would wait its full second from then on.
    const key = randomUUID();
    const send = (test: boolean) =>
      api(server.url, 'POST', '/api/alarms', {
        cookie,
        body: { source: 'console', test },
        headers: { 'idempotency-key': key },
      });
    expect((await send(true)).status).toBe(201);
    expect((await send(false)).status).toBe(409);
    expect(activity.underWay).toBe(0);
  });
});

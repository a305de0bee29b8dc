import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

describe.each(backends)('alarm list on %s', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('pages through every alarm with a cursor, newest first, and refuses a forged cursor', async () => {
    server = await startTestServer({ backend });
    const anna = await server.login('anna.schmidt@musterstadt.example');
    const desk = await server.login('pforte@musterstadt.example');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await api(server.url, 'POST', '/api/alarms', {
        cookie: anna,
        body: { source: 'console', test: true },
        headers: { 'idempotency-key': randomUUID() },
      });
      ids.push(r.body.alarm.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/api/alarms?open=true&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api(server.url, 'GET', q, { cookie: desk });
      expect(page.status).toBe(200);
      expect(page.body.alarms.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.alarms.map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const forged = await api(server.url, 'GET', '/api/alarms?cursor=bm90LWEtY3Vyc29y', { cookie: desk });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('validation_failed');
  });
});

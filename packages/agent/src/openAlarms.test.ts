import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmList } from '@wachsam/protocol';
import { ApiClient } from './client.js';
import { fetchOpenAlarms } from './openAlarms.js';
import { sampleAlarm } from './testing.js';

/** The real client against a loopback server that pages like `GET /api/alarms` does. */
let server: Server;
let url: string;
let pages: Record<string, { status: number; body: AlarmList | object }>;
const requests: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    requests.push(query);
    const page = pages[query.get('cursor') ?? 'first'] ?? { status: 404, body: {} };
    res.writeHead(page.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(page.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const a = sampleAlarm({ id: 'a0000000-0000-4000-8000-000000000001' });
const b = sampleAlarm({ id: 'b0000000-0000-4000-8000-000000000002' });
const c = sampleAlarm({ id: 'c0000000-0000-4000-8000-000000000003' });

describe('fetchOpenAlarms', () => {
  it('reads every page of open alarms; the first page says up to which event the list is', async () => {
    requests.length = 0;
    pages = {
      first: { status: 200, body: { alarms: [a, b], nextCursor: 'p2', forYou: [b.id], lastEventId: '10' } },
      p2: { status: 200, body: { alarms: [c], nextCursor: null, forYou: [c.id], lastEventId: '12' } },
    };
    const result = await fetchOpenAlarms(new ApiClient(url, 'token'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.alarms.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect([...result.data.forYou]).toEqual([b.id, c.id]);
    expect(result.data.lastEventId).toBe('10');
    expect(requests.map((q) => [q.get('open'), q.get('cursor')])).toEqual([
      ['true', null],
      ['true', 'p2'],
    ]);
  });

  it('fails as a whole when a page fails: an incomplete list is never "all open alarms"', async () => {
    pages = {
      first: { status: 200, body: { alarms: [a], nextCursor: 'p2', forYou: [], lastEventId: '10' } },
      p2: { status: 503, body: { error: { code: 'service_unavailable', message: 'später' } } },
    };
    const result = await fetchOpenAlarms(new ApiClient(url, 'token'));
    expect(result).toMatchObject({ ok: false, status: 503, code: 'service_unavailable' });
  });
});

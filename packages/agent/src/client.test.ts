import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './client.js';
import { deliverOnce } from './delivery.js';
import { Outbox } from './outbox.js';

/**
 * The real HTTP client against a real HTTP server on loopback that answers like the Wachsam
 * server or like a proxy in between would: what the client makes of each answer decides
 * whether an alarm is retried or given up.
 */
let server: Server;
let url: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const wachsamError = (status: number, code: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message: `Fehler ${code}` } }));
};
const bare = (status: number) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end('<html>Anmeldung am WLAN erforderlich</html>');
};

async function outcomeOf(respond: typeof answer) {
  answer = respond;
  const dir = await mkdtemp(join(tmpdir(), 'wachsam-client-'));
  try {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const outcome = await deliverOnce(new ApiClient(url, 'token'), outbox, entry);
    return { outcome, pending: (await outbox.pending()).entries.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('ApiClient answers and the one retry rule', () => {
  it('gives up only on the server refusing in its own words', async () => {
    const { outcome, pending } = await outcomeOf(wachsamError(401, 'token_revoked'));
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.record).toMatchObject({ code: 'token_revoked', status: 401 });
    expect(pending).toBe(0);
  });

  it.each([
    ['a bare 404 from a proxy', bare(404)],
    ['a bare 403 from a captive portal', bare(403)],
    ['503 service_unavailable', wachsamError(503, 'service_unavailable')],
    ['409 conflict (an earlier attempt is still committing)', wachsamError(409, 'conflict')],
    ['429 rate_limited', wachsamError(429, 'rate_limited')],
  ])('keeps the alarm pending on %s', async (_what, respond) => {
    const { outcome, pending } = await outcomeOf(respond);
    expect(outcome.kind).toBe('pending');
    expect(pending).toBe(1);
  });

  it('marks a bare status as not from the server', async () => {
    answer = bare(404);
    const result = await new ApiClient(url).call('listAlarms', {});
    expect(result).toMatchObject({ ok: false, status: 404, code: 'http_404', fromServer: false });
  });

  it('sends the query of a route with a querystring', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ alarms: [], nextCursor: null, forYou: [], lastEventId: '7' }));
    };
    const result = await new ApiClient(url).call('listAlarms', { query: { open: 'true', limit: 50, cursor: 'abc' } });
    expect(result.ok).toBe(true);
    expect(requests.at(-1)).toBe('/api/alarms?open=true&limit=50&cursor=abc');
  });
});

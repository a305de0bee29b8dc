import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxMaxAgeMs, tooOldCode, type RaiseAlarmResponse } from '@wachsam/protocol';
import type { ApiClient, ApiResult } from './client.js';
import { deliverOnce, deliverWithin } from './delivery.js';
import { FailedEntry, Outbox } from './outbox.js';

/**
 * A stand-in for the HTTP client (not for the server): it records what would be sent and
 * answers with scripted results, so the outbox rules can be checked answer by answer.
 */
function scriptedClient(answers: Array<ApiResult<unknown>>) {
  const sent: Array<{ key: string | undefined; body: unknown }> = [];
  const client = {
    async call(_name: string, options: { body?: unknown; headers?: Record<string, string> }) {
      sent.push({ key: options.headers?.['idempotency-key'], body: options.body });
      const answer = answers.shift();
      if (!answer) throw new Error('no scripted answer left');
      return answer;
    },
  };
  return { client: client as unknown as ApiClient, sent };
}

const noAnswer: ApiResult<unknown> = {
  ok: false,
  status: null,
  code: 'network_error',
  message: 'ECONNREFUSED',
  fromServer: false,
};
const committed = (replayed = false): ApiResult<unknown> => ({
  ok: true,
  status: replayed ? 200 : 201,
  data: { alarm: {}, receiversOnline: 2, replayed } as unknown as RaiseAlarmResponse,
});
/** A failed answer; `http_*` codes stand for a bare status from something in between. */
const failure = (status: number, code: string, fromServer = !code.startsWith('http_')): ApiResult<unknown> => ({
  ok: false,
  status,
  code,
  message: code,
  fromServer,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wachsam-delivery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deliverOnce', () => {
  it('removes the entry only after the server confirmed the commit', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client, sent } = scriptedClient([committed()]);
    const outcome = await deliverOnce(client, outbox, entry);
    expect(outcome.kind).toBe('delivered');
    expect(sent).toEqual([{ key: entry.key, body: entry.request }]);
    expect((await outbox.pending()).entries).toEqual([]);
  });

  it('keeps the entry without an answer and retries with the same key and body', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client, sent } = scriptedClient([noAnswer, failure(503, 'service_unavailable'), committed(true)]);

    expect((await deliverOnce(client, outbox, entry)).kind).toBe('pending');
    expect((await outbox.pending()).entries).toEqual([entry]);
    expect((await deliverOnce(client, outbox, entry)).kind).toBe('pending');
    // The third try is answered as a replay of the first (which the server had committed).
    expect((await deliverOnce(client, outbox, entry)).kind).toBe('delivered');

    expect(new Set(sent.map((s) => s.key))).toEqual(new Set([entry.key]));
    expect(sent.every((s) => JSON.stringify(s.body) === JSON.stringify(entry.request))).toBe(true);
    expect((await outbox.pending()).entries).toEqual([]);
  });

  it('treats a committed status with an unreadable body as delivered (a retry would only replay)', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client } = scriptedClient([failure(201, 'invalid_response', false)]);
    expect((await deliverOnce(client, outbox, entry)).kind).toBe('delivered');
    expect((await outbox.pending()).entries).toEqual([]);
  });

  it('moves a final 4xx to failed/', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client } = scriptedClient([failure(401, 'token_revoked')]);
    const outcome = await deliverOnce(client, outbox, entry);
    expect(outcome.kind).toBe('failed');
    expect((await outbox.pending()).entries).toEqual([]);
    expect((await outbox.failed()).map((f) => f.code)).toEqual(['token_revoked']);
  });

  it.each([
    [408, 'http_408'],
    [429, 'rate_limited'],
    [500, 'internal_error'],
    [503, 'service_unavailable'],
    [409, 'idempotency_conflict'],
    [409, 'conflict'],
    [404, 'http_404'],
    [403, 'http_403'],
  ])('keeps the entry on %i %s', async (status, code) => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client } = scriptedClient([failure(status, code)]);
    expect((await deliverOnce(client, outbox, entry)).kind).toBe('pending');
    expect((await outbox.pending()).entries).toEqual([entry]);
  });
});

describe('the outbox age rule', () => {
  it('does not send a press older than 15 minutes: it is kept in failed/ as too_old', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' }, new Date(Date.now() - outboxMaxAgeMs - 1_000));
    const { client, sent } = scriptedClient([committed()]);
    const outcome = await deliverOnce(client, outbox, entry);
    expect(outcome.kind).toBe('failed');
    expect(sent).toEqual([]);
    expect((await outbox.pending()).entries).toEqual([]);
    const [failed] = await outbox.failed();
    expect(failed).toMatchObject({ key: entry.key, request: entry.request, status: null, code: tooOldCode });
    expect(FailedEntry.safeParse(failed).success).toBe(true);
  });

  it('still sends a press younger than 15 minutes, with its key', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' }, new Date(Date.now() - outboxMaxAgeMs + 60_000));
    const { client, sent } = scriptedClient([committed()]);
    expect((await deliverOnce(client, outbox, entry)).kind).toBe('delivered');
    expect(sent.map((s) => s.key)).toEqual([entry.key]);
  });

  it('stops retrying a press once it becomes too old, whatever the network does', async () => {
    const outbox = new Outbox(dir);
    // Pressed 14 min 57 s ago: the first attempt goes out, the retry is already too old.
    const entry = await outbox.add({ source: 'hotkey' }, new Date(Date.now() - outboxMaxAgeMs + 3_000));
    const { client, sent } = scriptedClient(Array.from({ length: 20 }, () => noAnswer));
    const outcome = await deliverWithin(client, outbox, entry, 20_000);
    expect(outcome.kind === 'failed' && outcome.record.code).toBe(tooOldCode);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect((await outbox.pending()).entries).toEqual([]);
  });
});

describe('deliverWithin', () => {
  it('retries until the budget is spent, then leaves the entry pending', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client, sent } = scriptedClient(Array.from({ length: 20 }, () => noAnswer));
    const started = Date.now();
    const outcome = await deliverWithin(client, outbox, entry, 1_000);
    expect(outcome.kind).toBe('pending');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect((await outbox.pending()).entries).toEqual([entry]);
  });

  it('stops at the first confirmation', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    const { client, sent } = scriptedClient([noAnswer, committed()]);
    expect((await deliverWithin(client, outbox, entry, 5_000)).kind).toBe('delivered');
    expect(sent).toHaveLength(2);
  });
});

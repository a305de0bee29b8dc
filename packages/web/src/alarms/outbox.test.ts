import { outboxMaxAgeMs } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { RequestError } from '../api/http.js';
import {
  clearPending,
  judgeAnswer,
  judgeFailure,
  loadPending,
  newPendingRaise,
  retryDelay,
  savePending,
  type KeyValueStore,
} from './outbox.js';
import { testAlarm } from './testAlarm.js';

function memory(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const pressedAt = '2026-01-01T10:00:00.000Z';
const at = (ms: number): number => Date.parse(pressedAt) + ms;

describe('outbox', () => {
  it('resumes the same key for the same person only, however old (a too-old press is shown, not dropped)', () => {
    const store = memory();
    const pending = newPendingRaise('p1', new Date(pressedAt));
    savePending(store, pending);
    expect(loadPending(store, 'p1')).toEqual(pending);
    expect(loadPending(store, 'p2')).toBeNull();
    clearPending(store);
    expect(loadPending(store, 'p1')).toBeNull();
  });

  it('makes keys without crypto.randomUUID (not there over plain HTTP) that the API accepts', () => {
    const a = newPendingRaise('p1').key;
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newPendingRaise('p1').key).not.toBe(a);
  });

  it('retries with the same key whatever says nothing final: no answer, 5xx, 503, 408, 409, 429, a proxy’s bare 404', () => {
    const retried = [
      new RequestError(0, 'network_error', 'Keine Verbindung'),
      new RequestError(500, 'internal_error', 'x'),
      new RequestError(503, 'service_unavailable', 'x'),
      new RequestError(408, 'bad_request', 'x'),
      new RequestError(409, 'conflict', 'x'),
      new RequestError(429, 'rate_limited', 'x'),
      new RequestError(404, 'bad_response', 'Unerwartete Antwort des Servers (HTTP 404)'),
      new TypeError('boom'),
    ];
    for (const err of retried) expect(judgeFailure(err, pressedAt, at(1000)).kind, String(err)).toBe('retry');
  });

  it('gives up only on the Wachsam server’s own final no', () => {
    const verdict = judgeFailure(new RequestError(403, 'forbidden', 'Nicht erlaubt'), pressedAt, at(1000));
    expect(verdict).toEqual({ kind: 'refused', message: 'Nicht erlaubt', code: 'forbidden' });
    expect(judgeFailure(new RequestError(401, 'token_revoked', 'gesperrt'), pressedAt, at(1000)).kind).toBe('refused');
  });

  it('stops retrying on its own once the press is older than the one outbox age', () => {
    const err = new RequestError(503, 'service_unavailable', 'x');
    expect(judgeFailure(err, pressedAt, at(outboxMaxAgeMs)).kind).toBe('retry');
    expect(judgeFailure(err, pressedAt, at(outboxMaxAgeMs + 1)).kind).toBe('too_old');
  });

  it('sends the same press under a new key when the server knows the key from another press', () => {
    const conflict = new RequestError(409, 'idempotency_conflict', 'anderer Auslöser');
    expect(judgeFailure(conflict, pressedAt, at(1000)).kind).toBe('other_press');
  });

  it('never takes a repeat of an alarm that is over for a confirmation of this press', () => {
    const open = testAlarm({ status: 'acknowledged' });
    expect(judgeAnswer({ alarm: open, receiversOnline: 2, replayed: true }).kind).toBe('confirmed');
    expect(judgeAnswer({ alarm: open, receiversOnline: 2, replayed: false }).kind).toBe('confirmed');
    const over = testAlarm({ status: 'resolved', resolvedAt: pressedAt, outcome: 'real' });
    expect(judgeAnswer({ alarm: over, receiversOnline: 0, replayed: true })).toEqual({
      kind: 'already_closed',
      alarm: over,
    });
  });

  it('retries quickly first, then every 5 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelay)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
});

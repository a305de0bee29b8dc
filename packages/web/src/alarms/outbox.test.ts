import { describe, expect, it } from 'vitest';
import {
  clearPending,
  isRetryable,
  loadPending,
  newPendingRaise,
  retryDelay,
  savePending,
  type KeyValueStore,
} from './outbox.js';

function memory(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

describe('outbox', () => {
  it('resumes the same key for the same person only, and only while recent', () => {
    const store = memory();
    const now = new Date('2026-01-01T10:00:00Z');
    const pending = newPendingRaise('p1', now);
    savePending(store, pending);
    expect(loadPending(store, 'p1', now.getTime() + 1000)).toEqual(pending);
    expect(loadPending(store, 'p2', now.getTime() + 1000)).toBeNull();
    expect(loadPending(store, 'p1', now.getTime() + 16 * 60_000)).toBeNull();
    clearPending(store);
    expect(loadPending(store, 'p1', now.getTime())).toBeNull();
  });

  it('retries network errors, 5xx and rate limits, not validation errors', () => {
    expect(isRetryable(0, 'network_error')).toBe(true);
    expect(isRetryable(503, 'internal_error')).toBe(true);
    expect(isRetryable(429, 'rate_limited')).toBe(true);
    expect(isRetryable(400, 'validation_failed')).toBe(false);
    expect(isRetryable(403, 'forbidden')).toBe(false);
  });

  it('retries quickly first, then every 5 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelay)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
});

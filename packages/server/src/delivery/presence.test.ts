import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { pingAfterMs, Presence, presenceTickMs, receiptBatchMax, silenceLookAheadMs } from './presence.js';

const log = { error: () => undefined } as unknown as ConstructorParameters<typeof Presence>[6];

describe('receipts', () => {
  it('hundreds of thousands are written in bounded batches; a failed one is kept and retried, without a crash', async () => {
    const batches: number[] = [];
    let fail = true;
    const alarms = {
      recordReceipts: async (batch: unknown[]) => {
        batches.push(batch.length);
        if (fail) {
          fail = false;
          throw new Error('canceling statement due to statement timeout');
        }
      },
    };
    const presence = new Presence(null as never, systemClock, 'i', 20, alarms as never, null as never, log);
    const count = 300_000;
    for (let i = 0; i < count; i++) presence.receipt({ alarmId: 'a', personId: `p${i}`, deviceId: null });
    const deadline = Date.now() + 10_000;
    const written = () => batches.slice(1).reduce((n, b) => n + b, 0);
    while (written() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // The first batch failed; then all of them, in batches of at most receiptBatchMax.
    expect(batches[0]).toBe(receiptBatchMax);
    expect(written()).toBe(count);
    expect(Math.max(...batches)).toBe(receiptBatchMax);
  });
});

describe('silence', () => {
  it('is decided a tick ahead of the limit, never so early that a healthy client looks silent', () => {
    expect(silenceLookAheadMs(20)).toBe(5_000);
    expect(silenceLookAheadMs(12)).toBe(2_000);
    expect(silenceLookAheadMs(10)).toBe(0);
    expect(silenceLookAheadMs(5)).toBe(0);
  });
});

describe('pinging', () => {
  it('leaves the answer a tick (two pings for a client that does not ping itself) before the connection would be taken as silent', () => {
    // The default limit (20 s): silent from 15 s on.
    expect(pingAfterMs(20)).toEqual({ selfPinging: 10_000, other: 5_000 });
    for (const offline of [5, 8, 10, 12, 15, 20, 30, 60, 300]) {
      const silentAfter = offline * 1000 - silenceLookAheadMs(offline);
      const { selfPinging, other } = pingAfterMs(offline);
      expect(selfPinging + presenceTickMs).toBeLessThanOrEqual(Math.max(presenceTickMs, silentAfter));
      expect(other + 2 * presenceTickMs).toBeLessThanOrEqual(Math.max(2 * presenceTickMs, silentAfter));
      expect(other).toBeLessThanOrEqual(selfPinging);
      // A peer is never left unpinged longer than a heartbeat interval (cut off after three).
      expect(selfPinging).toBeLessThanOrEqual(10_000);
    }
    // A short limit: every socket every tick, as before.
    expect(pingAfterMs(5)).toEqual({ selfPinging: 0, other: 0 });
  });
});

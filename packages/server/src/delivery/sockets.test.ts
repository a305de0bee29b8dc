import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import type { Db } from '../db/client.js';
import { pingSlice, Sockets, type Live } from './sockets.js';

/** A socket that only counts what it is sent. */
function live(i: number, heardAgoMs: number, pingedAgoMs: number | null = null): Live & { sent: string[] } {
  const sent: string[] = [];
  const ws = { OPEN: 1, readyState: 1, send: (f: string) => sent.push(f), terminate: () => undefined };
  return {
    sent,
    conn: {
      id: `c${i}`,
      orgId: 'org',
      listener: { personId: `p${i}`, deviceId: null, roles: [] },
      send: () => undefined,
      drained: async () => undefined,
      isClosed: () => false,
      buffer: null,
    },
    ws: ws as unknown as WebSocket,
    owner: { orgId: 'org', sessionHash: null, personId: `p${i}`, deviceId: null, roles: [], tokenHash: null },
    lastHeard: 0,
    heardMonotonic: performance.now() - heardAgoMs,
    clientPingMonotonic: pingedAgoMs === null ? null : performance.now() - pingedAgoMs,
    expiry: null,
    receipts: new Set(),
  };
}

describe('pinging the sockets', () => {
  it('goes through them in slices, so other work gets the event loop in between, and skips those heard lately', async () => {
    const sockets = new Sockets({} as Db, new FakeClock(), {} as FastifyBaseLogger);
    const quiet = Array.from({ length: 4 * pingSlice }, (_, i) => live(i, 6_000));
    const talking = Array.from({ length: 10 }, (_, i) => live(10_000 + i, 1_000));
    for (const l of [...quiet, ...talking]) sockets.add(l, null);
    const after = { selfPinging: 10_000, other: 5_000 };
    const pass = sockets.ping(Date.now(), after);
    // Synchronously, only the first slice was sent before the pass yielded.
    const first = quiet.filter((l) => l.sent.length).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(pingSlice);
    // A second pass while this one runs is not started.
    await sockets.ping(Date.now(), after);
    await pass;
    expect(quiet.every((l) => l.sent.length === 1)).toBe(true);
    expect(talking.every((l) => l.sent.length === 0)).toBe(true);
    expect(JSON.parse(quiet[0]!.sent[0]!)).toMatchObject({ kind: 'ping' });
  });
});

describe('a client that pings by itself', () => {
  it('is pinged after an interval unheard, one that does not after half of one', async () => {
    const sockets = new Sockets({} as Db, new FakeClock(), {} as FastifyBaseLogger);
    const self6 = live(1, 6_000, 6_000); // pings by itself, heard 6 s ago
    const self11 = live(2, 11_000, 11_000); // pings by itself, heard 11 s ago
    const other6 = live(3, 6_000); // only answers the server's pings, heard 6 s ago
    const stale = live(4, 6_000, 20_000); // its own pings stopped 20 s ago (throttled)
    for (const l of [self6, self11, other6, stale]) sockets.add(l, null);
    await sockets.ping(Date.now(), { selfPinging: 10_000, other: 5_000 });
    expect([self6, self11, other6, stale].map((l) => l.sent.length)).toEqual([0, 1, 1, 1]);
  });
});

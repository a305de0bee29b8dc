import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import {
  heartbeatIntervalMs,
  socketEndCloseCode,
  type Role,
  type ServerFrame,
  type SocketEndReason,
} from '@wachsam/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { endMessages, matches, parseAccessEnd, type AccessEnd, type SocketOwner } from './access.js';
import type { Conn } from './hub.js';
import { stillValid } from './repository.js';

/** One open realtime connection and what it was opened with. */
export interface Live {
  conn: Conn;
  ws: WebSocket;
  owner: SocketOwner & { orgId: string; roles: readonly Role[]; tokenHash: string | null };
  /** Last frame heard from the client (the clock's time): "online" is heard from within the limit. */
  lastHeard: number;
  /**
   * The same moment on the monotonic clock (`performance.now()`): the silence cut-off must not
   * end every socket when the wall clock steps forward (an NTP correction, a test clock).
   */
  heardMonotonic: number;
  /** When the client last sent a ping of its own (monotonic clock); null: never. */
  clientPingMonotonic: number | null;
  expiry: NodeJS.Timeout | null;
  /** Alarms this connection sent a receipt for: a repeat is ignored, and there is a cap. */
  receipts: Set<string>;
}

/** Sockets pinged between two yields to the event loop. */
export const pingSlice = 500;

export const send = (ws: WebSocket, frame: ServerFrame): void => {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
};

/**
 * Every realtime connection of this instance, findable by session, person and device, so that
 * ending any of them ends its sockets at once: a logged-out console, a revoked PC, a person
 * whose roles were taken away must not keep receiving names, phones and positions.
 */
export class Sockets {
  private readonly lives = new Set<Live>();
  private pinging = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  get size(): number {
    return this.lives.size;
  }

  all(): Live[] {
    return [...this.lives];
  }

  add(live: Live, sessionExpiresAt: Date | null): void {
    this.lives.add(live);
    if (sessionExpiresAt) {
      const ms = sessionExpiresAt.getTime() - this.clock.now().getTime();
      // setTimeout holds 24.8 days at most; sessions are shorter (SESSION_HOURS ≤ 720 → revalidated).
      live.expiry = setTimeout(() => this.endLive(live, 'session_expired'), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    }
  }

  remove(live: Live): void {
    if (live.expiry) clearTimeout(live.expiry);
    this.lives.delete(live);
  }

  /** Close every socket opened with what ended. */
  end(end: AccessEnd, reason: SocketEndReason): number {
    let n = 0;
    for (const l of this.lives) {
      if (!matches(end, l.owner)) continue;
      this.endLive(l, reason);
      n++;
    }
    return n;
  }

  /** An `access:` announcement (this instance's commit, or another's by NOTIFY). */
  onAccess(payload: string): void {
    const parsed = parseAccessEnd(payload);
    if (parsed) this.end(parsed.end, parsed.reason);
  }

  /**
   * Ask the database whether every socket's session, device and roles are still what they were
   * opened with. The safety net for an announcement that was missed (a listener that was away).
   */
  async revalidate(): Promise<void> {
    const lives = [...this.lives];
    if (lives.length === 0) return;
    const verdicts = await stillValid(
      this.db,
      lives.map((l) => l.owner),
      this.clock.now(),
    );
    lives.forEach((l, i) => {
      const reason = verdicts[i];
      if (reason) this.endLive(l, reason);
    });
  }

  endLive(live: Live, reason: SocketEndReason): void {
    this.remove(live);
    send(live.ws, { kind: 'closing', reason, message: endMessages[reason] });
    live.ws.close(socketEndCloseCode, reason);
    // A client that does not answer the close handshake is cut off.
    setTimeout(() => live.ws.terminate(), 2_000).unref();
    this.log.info({ reason, connection: live.conn.id }, 'realtime connection ended');
  }

  /**
   * Ping every peer unheard for longer than `after` allows (see `pingAfterMs`: longer for a
   * client that pings by itself); cut off a peer silent for three heartbeat intervals. The frame
   * is the same for all and encoded once. The sockets are gone through in slices with a yield in
   * between: 20,000 sends in one go would hold an alarm's fan-out back for as long. A pass still
   * under way when the next is due is not doubled.
   */
  async ping(now: number, after: { selfPinging: number; other: number }): Promise<void> {
    if (this.pinging) return;
    this.pinging = true;
    try {
      const frame = JSON.stringify({ kind: 'ping', at: now } satisfies ServerFrame);
      let n = 0;
      for (const l of [...this.lives]) {
        if (++n % pingSlice === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (!this.lives.has(l)) continue;
        const monotonic = performance.now();
        const silence = monotonic - l.heardMonotonic;
        if (silence > 3 * heartbeatIntervalMs) {
          l.ws.terminate();
          continue;
        }
        // Pinging by itself: its own ping came within the last interval and a half.
        const selfPinging =
          l.clientPingMonotonic !== null && monotonic - l.clientPingMonotonic <= 1.5 * heartbeatIntervalMs;
        const quietMs = selfPinging ? after.selfPinging : after.other;
        if (silence >= quietMs && l.ws.readyState === l.ws.OPEN) l.ws.send(frame);
      }
    } finally {
      this.pinging = false;
    }
  }

  terminateAll(): void {
    for (const l of this.lives) {
      if (l.expiry) clearTimeout(l.expiry);
      l.ws.terminate();
    }
    this.lives.clear();
  }
}

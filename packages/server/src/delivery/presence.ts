import { eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { heartbeatIntervalMs } from '@wachsam/protocol';
import type { AlarmService, Receipt } from '../alarms/service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { connections, instances } from '../db/schema.js';
import type { DeviceService } from '../devices/service.js';

/** How often presence is written (the realtime timer also pings the sockets that need it then). */
export const presenceTickMs = heartbeatIntervalMs / 2;

/**
 * How far ahead of the offline limit a tick takes a connection as silent: one tick, as long as the
 * limit leaves room for the pings of `pingAfterMs` and their answers; with a limit of under three
 * ticks, none (then a connection may count as online up to a tick longer than the limit).
 */
export function silenceLookAheadMs(offlineSeconds: number): number {
  return Math.max(0, Math.min(presenceTickMs, offlineSeconds * 1000 - 2 * presenceTickMs));
}

/**
 * How long a connection may have been unheard before the tick pings it. A quiet city of agents
 * costs about one frame each way per interval instead of three:
 * - a client that pings by itself (the agent, the web app: every heartbeat interval) is pinged
 *   when it has been unheard for an interval; it will be heard again before it could count as
 *   silent, and the server's ping still leaves a tick for the answer;
 * - a client that does not (a browser tab whose timers are throttled, an old client) gets two
 *   pings, a tick apart, before the tick that would take it as silent, so one late answer under
 *   load does not make it look offline.
 * With a short offline limit every socket is pinged every tick.
 */
export function pingAfterMs(offlineSeconds: number): { selfPinging: number; other: number } {
  const silentAfter = offlineSeconds * 1000 - silenceLookAheadMs(offlineSeconds);
  const before = (ticks: number) => Math.max(0, Math.min(heartbeatIntervalMs, silentAfter - ticks * presenceTickMs));
  return { selfPinging: before(1), other: before(2) };
}

/** Receipts written in one transaction at most (the rest follow at once, in order). */
export const receiptBatchMax = 5_000;

/** Rows of an instance not heard for this long belong to an instance that died. */
const deadInstanceMs = 120_000;

/** What the tick knows of one live connection of this instance. */
export interface LiveConnection {
  connectionId: string;
  orgId: string;
  personId: string | null;
  deviceId: string | null;
  /** Last frame heard from the client (the clock's time, ms). */
  heardAt: number;
}

/**
 * Writes what this instance knows about liveness to the database: its own heartbeat (one row,
 * every tick), a row per connection being heard (written when it opens or is heard again after
 * a silence, deleted when it closes or goes silent), devices' last heartbeat, and receivers'
 * receipts. Presence writes thus grow with the instances and with changes, not with the
 * connections: 20,000 quiet agents cost one row a tick.
 *
 * "Online" everywhere means a connection row whose instance was heard within
 * DEVICE_OFFLINE_SECONDS (see `onlineSql`): a connection that merely stays open without
 * answering loses its row at the last tick before it has been unheard that long, so the SMS/push
 * fallback reaches its person.
 */
export class Presence {
  private receipts: Receipt[] = [];
  private receiptTimer: NodeJS.Timeout | null = null;
  private receiptFlush: Promise<void> = Promise.resolve();
  private closed = false;
  /** Connections of this instance whose row was removed because they went silent. */
  private readonly silent = new Set<string>();
  private announced = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly instanceId: string,
    private readonly offlineSeconds: number,
    private readonly alarms: AlarmService,
    private readonly devicesService: DeviceService,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** How long a connection may be unheard before it is pinged (see `pingAfterMs`). */
  get pingAfterMs(): { selfPinging: number; other: number } {
    return pingAfterMs(this.offlineSeconds);
  }

  /** This instance is alive: its connections count. */
  private async heartbeat(now: Date): Promise<void> {
    await this.db
      .insert(instances)
      .values({ id: this.instanceId, heardAt: now })
      .onConflictDoUpdate({ target: instances.id, set: { heardAt: now } });
    this.announced = true;
  }

  async connected(
    c: { id: string; orgId: string; personId: string | null; deviceId: string | null },
    heardAt: Date,
  ): Promise<void> {
    // The instance's row first: a connection row never belongs to an instance nobody heard.
    if (!this.announced) await this.heartbeat(this.clock.now());
    await this.db
      .insert(connections)
      .values({ ...c, instanceId: this.instanceId, lastSeenAt: heardAt })
      .onConflictDoNothing();
    if (c.deviceId) await this.devicesService.heard([{ deviceId: c.deviceId, at: heardAt }]);
  }

  /** The connection closed; a device keeps the time it was last heard (for "offline since"). */
  async disconnected(id: string, last?: { deviceId: string | null; heardAt: Date }): Promise<void> {
    this.silent.delete(id);
    // After close() the instance's rows were removed in one go; the database may be gone.
    if (this.closed) return;
    await this.db.delete(connections).where(eq(connections.id, id));
    if (last?.deviceId) await this.devicesService.lastHeard([{ deviceId: last.deviceId, at: last.heardAt }]);
  }

  receipt(r: Omit<Receipt, 'at'>): void {
    this.receipts.push({ ...r, at: this.clock.now() });
    this.flushReceiptsIn(20);
  }

  /** Write the receipts received so far now, not after the batching delay (tests). */
  async flushReceiptsNow(): Promise<void> {
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = null;
    this.receiptFlush = this.receiptFlush.then(() => (this.receipts.length ? this.flushReceipts() : undefined));
    await this.receiptFlush;
  }

  private flushReceiptsIn(ms: number): void {
    this.receiptTimer ??= setTimeout(() => {
      this.receiptTimer = null;
      this.receiptFlush = this.receiptFlush.then(() => this.flushReceipts());
    }, ms);
  }

  /**
   * Write the receipts that came, at most `receiptBatchMax` in one transaction: after a large
   * alarm (or a burst of them) tens of thousands arrive at once, and one statement for all of
   * them could outlast the alarm path's statement timeout and then fail again on every retry.
   */
  private async flushReceipts(): Promise<void> {
    const batch = this.receipts.slice(0, receiptBatchMax);
    this.receipts = this.receipts.slice(batch.length);
    try {
      await this.alarms.recordReceipts(batch);
      if (this.receipts.length) this.flushReceiptsIn(0);
    } catch (err) {
      if (this.closed) return;
      this.log.error({ err }, 'recording receipts failed; will retry');
      // Before what came meanwhile, and without spreading: a batch may hold more receipts than
      // a call's arguments may.
      this.receipts = batch.concat(this.receipts);
      this.flushReceiptsIn(500);
    }
  }

  /**
   * Every tick (5 s): this instance's heartbeat; connections that went silent lose their row and
   * those heard again get it back (devices among them come back online); rows of instances that
   * died are removed.
   */
  async tick(lives: LiveConnection[]): Promise<void> {
    const now = this.clock.now();
    await this.heartbeat(now);
    // Silent is decided a tick ahead: a connection that will have been unheard for the limit
    // before the next tick loses its row now, so nobody counts as online past the limit.
    const fresh = onlineSince(now, this.offlineSeconds).getTime() + silenceLookAheadMs(this.offlineSeconds);
    const quiet = lives.filter((l) => l.heardAt <= fresh && !this.silent.has(l.connectionId));
    const back = lives.filter((l) => l.heardAt > fresh && this.silent.has(l.connectionId));
    if (quiet.length) {
      await this.db.delete(connections).where(
        inArray(
          connections.id,
          quiet.map((l) => l.connectionId),
        ),
      );
      for (const l of quiet) this.silent.add(l.connectionId);
      await this.devicesService.lastHeard(
        quiet.flatMap((l) => (l.deviceId ? [{ deviceId: l.deviceId, at: new Date(l.heardAt) }] : [])),
      );
    }
    if (back.length) {
      await this.db
        .insert(connections)
        .values(
          back.map((l) => ({
            id: l.connectionId,
            orgId: l.orgId,
            instanceId: this.instanceId,
            personId: l.personId,
            deviceId: l.deviceId,
            lastSeenAt: new Date(l.heardAt),
          })),
        )
        .onConflictDoNothing();
      for (const l of back) this.silent.delete(l.connectionId);
      await this.devicesService.heard(
        back.flatMap((l) => (l.deviceId ? [{ deviceId: l.deviceId, at: new Date(l.heardAt) }] : [])),
      );
    }
    const dead = new Date(now.getTime() - deadInstanceMs);
    await this.db.execute(sql`
      delete from connections c
      where not exists (select from instances i where i.id = c.instance_id and i.heard_at >= ${dead.toISOString()}::timestamptz)`);
    await this.db.delete(instances).where(lt(instances.heardAt, dead));
  }

  async close(): Promise<void> {
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = null;
    await this.receiptFlush;
    // Every receipt that came is written before the rows go, batch after batch; a batch that
    // fails now is not retried (the database is on its way out).
    while (this.receipts.length > 0) {
      const before = this.receipts.length;
      await this.flushReceipts();
      if (this.receiptTimer) clearTimeout(this.receiptTimer);
      this.receiptTimer = null;
      if (this.receipts.length >= before) break;
    }
    this.closed = true;
    await this.db.delete(connections).where(eq(connections.instanceId, this.instanceId));
    await this.db.delete(instances).where(eq(instances.id, this.instanceId));
  }
}

/**
 * The one definition of "online" in SQL: the person (or device) whose id is the SQL expression
 * `id` has a connection row on an instance heard since `since` (see `onlineSince`, `Presence`).
 */
export const onlineSql = (id: SQL, since: Date, of: 'person' | 'device' = 'person'): SQL =>
  sql`exists (select from connections c join instances i on i.id = c.instance_id
    where ${of === 'person' ? sql`c.person_id` : sql`c.device_id`} = ${id}
      and i.heard_at > ${since.toISOString()}::timestamptz)`;

/**
 * The one definition of "online": heard from within the offline limit (DEVICE_OFFLINE_SECONDS,
 * 20 s by default, EN 50136 SP6). Receivers online, the SMS/push fallback and device status all
 * use it.
 */
export function onlineSince(now: Date, offlineSeconds: number): Date {
  return new Date(now.getTime() - offlineSeconds * 1000);
}

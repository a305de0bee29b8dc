import { eq, lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AlarmService, Receipt } from '../alarms/service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { connections } from '../db/schema.js';
import type { DeviceService } from '../devices/service.js';

/** Rows of an instance not refreshed for this long belong to an instance that died. */
const deadInstanceMs = 120_000;

/**
 * Writes what this instance knows about liveness to the database, in batches: when each
 * connection was last HEARD (so any instance can count receivers online), devices' last
 * heartbeat, and receivers' receipts. "Online" everywhere means heard from within
 * DEVICE_OFFLINE_SECONDS (see `onlineSince`): a connection that merely stays open without
 * answering counts as offline, so the SMS/push fallback reaches its person.
 */
export class Presence {
  private receipts: Receipt[] = [];
  private receiptTimer: NodeJS.Timeout | null = null;
  private receiptFlush: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly instanceId: string,
    private readonly offlineSeconds: number,
    private readonly alarms: AlarmService,
    private readonly devicesService: DeviceService,
    private readonly log: FastifyBaseLogger,
  ) {}

  async connected(
    c: { id: string; orgId: string; personId: string | null; deviceId: string | null },
    heardAt: Date,
  ): Promise<void> {
    await this.db
      .insert(connections)
      .values({ ...c, instanceId: this.instanceId, lastSeenAt: heardAt })
      .onConflictDoNothing();
    if (c.deviceId) await this.devicesService.heard([{ deviceId: c.deviceId, at: heardAt }]);
  }

  async disconnected(id: string): Promise<void> {
    // After close() the instance's rows were removed in one go; the database may be gone.
    if (this.closed) return;
    await this.db.delete(connections).where(eq(connections.id, id));
  }

  receipt(r: Omit<Receipt, 'at'>): void {
    this.receipts.push({ ...r, at: this.clock.now() });
    this.receiptTimer ??= setTimeout(() => {
      this.receiptTimer = null;
      this.receiptFlush = this.receiptFlush.then(() => this.flushReceipts());
    }, 20);
  }

  private async flushReceipts(): Promise<void> {
    const batch = this.receipts;
    this.receipts = [];
    try {
      await this.alarms.recordReceipts(batch);
    } catch (err) {
      if (this.closed) return;
      this.log.error({ err }, 'recording receipts failed; will retry');
      this.receipts.push(...batch);
      this.receiptTimer ??= setTimeout(() => {
        this.receiptTimer = null;
        this.receiptFlush = this.receiptFlush.then(() => this.flushReceipts());
      }, 500);
    }
  }

  /**
   * Write when each live connection of this instance was last heard (one statement), mark the
   * devices heard recently as alive, and drop rows of dead instances.
   */
  async tick(lives: Array<{ connectionId: string; deviceId: string | null; heardAt: number }>): Promise<void> {
    const now = this.clock.now();
    if (lives.length) {
      const rows = JSON.stringify(lives.map((l) => ({ id: l.connectionId, at: new Date(l.heardAt).toISOString() })));
      await this.db.execute(sql`
        update connections c set last_seen_at = x.at
        from jsonb_to_recordset(${rows}::jsonb) as x(id text, at timestamptz)
        where c.id = x.id and c.instance_id = ${this.instanceId}`);
    }
    const since = onlineSince(now, this.offlineSeconds);
    const heard = new Map<string, number>();
    for (const l of lives)
      if (l.deviceId && l.heardAt > since.getTime())
        heard.set(l.deviceId, Math.max(heard.get(l.deviceId) ?? 0, l.heardAt));
    if (heard.size)
      await this.devicesService.heard([...heard].map(([deviceId, at]) => ({ deviceId, at: new Date(at) })));
    await this.db.delete(connections).where(lt(connections.lastSeenAt, new Date(now.getTime() - deadInstanceMs)));
  }

  async close(): Promise<void> {
    if (this.receiptTimer) {
      clearTimeout(this.receiptTimer);
      this.receiptTimer = null;
      this.receiptFlush = this.receiptFlush.then(() => this.flushReceipts());
    }
    await this.receiptFlush;
    this.closed = true;
    await this.db.delete(connections).where(eq(connections.instanceId, this.instanceId));
  }
}

/**
 * The one definition of "online": heard from within the offline limit (DEVICE_OFFLINE_SECONDS,
 * 20 s by default, EN 50136 SP6). Receivers online, the SMS/push fallback and device status all
 * use it.
 */
export function onlineSince(now: Date, offlineSeconds: number): Date {
  return new Date(now.getTime() - offlineSeconds * 1000);
}

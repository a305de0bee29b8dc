import { eq, lt } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AlarmService } from '../alarms/service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { connections } from '../db/schema.js';
import type { DeviceService } from '../devices/service.js';

/**
 * Writes what this instance knows about liveness to the database, in batches: which
 * connections are alive (so any instance can count receivers online), devices' last
 * heartbeat, and receivers' receipts. Per-message writes would not keep up at 10,000 receivers.
 */
export class Presence {
  private receipts: Array<{ alarmId: string; personId: string; at: Date }> = [];
  private receiptTimer: NodeJS.Timeout | null = null;
  private receiptFlush: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly instanceId: string,
    private readonly alarms: AlarmService,
    private readonly devicesService: DeviceService,
    private readonly log: FastifyBaseLogger,
  ) {}

  async connected(c: { id: string; orgId: string; personId: string | null; deviceId: string | null }): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insert(connections)
      .values({ ...c, instanceId: this.instanceId, lastSeenAt: now })
      .onConflictDoNothing();
    if (c.deviceId) await this.devicesService.seen([c.deviceId], now);
  }

  async disconnected(id: string): Promise<void> {
    // After close() the instance's rows were removed in one go; the database may be gone.
    if (this.closed) return;
    await this.db.delete(connections).where(eq(connections.id, id));
  }

  receipt(alarmId: string, personId: string): void {
    this.receipts.push({ alarmId, personId, at: this.clock.now() });
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
   * Refresh this instance's live connections and their devices; drop rows of dead instances.
   * Every row of this instance is a live connection (a closed one is deleted at once), so one
   * statement by instance refreshes them all, however many there are.
   */
  async tick(liveDeviceIds: string[]): Promise<void> {
    const now = this.clock.now();
    await this.db.update(connections).set({ lastSeenAt: now }).where(eq(connections.instanceId, this.instanceId));
    if (liveDeviceIds.length) await this.devicesService.seen([...new Set(liveDeviceIds)], now);
    await this.db.delete(connections).where(lt(connections.lastSeenAt, new Date(now.getTime() - 120_000)));
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

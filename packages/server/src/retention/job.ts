import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { everyAtMost } from '../domain.js';
import { organisationIds } from '../org/service.js';
import { cutoffsFor, defaultCutoffs, type Cutoffs } from './policy.js';

/** What one batch deleted: `deleted` counts against the batch size, `counts` go into the audit by kind. */
export interface BatchResult {
  deleted: number;
  counts: Record<string, number>;
}

/** A batch that found nothing (or a retainer asked about what it does not keep). */
export const nothingDeleted: BatchResult = { deleted: 0, counts: {} };

/**
 * One domain's share of the retention. The domain deletes its own rows through its own
 * repository; the job only asks, organisation by organisation, batch by batch.
 */
export interface Retainer {
  name: string;
  /**
   * Delete up to `limit` expired items in one short transaction. `orgId` null is what belongs to
   * no organisation; only a retainer that declares `installationWide` is asked for it.
   */
  deleteBatch(orgId: string | null, c: Cutoffs, limit: number): Promise<BatchResult>;
  installationWide?: boolean;
  /** After a run in which this retainer deleted something (e.g. rewrite a table so the bytes leave the disk). */
  afterRun?(counts: Record<string, number>): Promise<void>;
}

/** Retention works in days; the server's job loop ticks every second, so this runs at most this often. */
const everyMs = 10 * 60 * 1000;
export const retentionBatchSize = 1000;
const system = { system: 'Aufbewahrung' };

/**
 * The retention job (Medplum's `queue/retention.ts` in spirit): its own pace (at most every ten
 * minutes), run by the server's housekeeping loop, which has its own timer and `running` guard
 * and uses the bulk connections, so an alarm never waits behind it. Each retainer deletes in
 * batches of 1,000, one transaction each, until a batch comes back short. Per organisation and
 * run one audit entry records how many of each kind went and the periods applied: counts,
 * never names, ids or content.
 */
export class RetentionJob {
  readonly job: () => Promise<void>;

  constructor(
    private readonly db: Db,
    clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly retainers: Retainer[],
    private readonly batchSize = retentionBatchSize,
  ) {
    this.job = everyAtMost(clock, everyMs, (now) => this.run(now));
  }

  private async run(now: Date): Promise<void> {
    const deletedBy = new Map<Retainer, Record<string, number>>();
    for (const orgId of await organisationIds(this.db))
      await this.sweep(orgId, await cutoffsFor(this.db, orgId, now), now, deletedBy);
    await this.sweep(null, defaultCutoffs(now), now, deletedBy);
    for (const [r, counts] of deletedBy)
      await r.afterRun?.(counts).catch((err: unknown) => this.log.warn({ err, retainer: r.name }, 'after retention'));
  }

  private async sweep(orgId: string | null, c: Cutoffs, now: Date, deletedBy: Map<Retainer, Record<string, number>>) {
    const counts: Record<string, number> = {};
    for (const r of this.retainers) {
      if (orgId === null && !r.installationWide) continue;
      try {
        for (;;) {
          const batch = await r.deleteBatch(orgId, c, this.batchSize);
          for (const [k, n] of Object.entries(batch.counts)) {
            if (n === 0) continue;
            counts[k] = (counts[k] ?? 0) + n;
            const mine = deletedBy.get(r) ?? {};
            mine[k] = (mine[k] ?? 0) + n;
            deletedBy.set(r, mine);
          }
          if (batch.deleted < this.batchSize) break;
        }
      } catch (err) {
        // One domain failing does not stop the others; the next run tries again.
        this.log.error({ err, orgId, retainer: r.name }, 'retention failed');
      }
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0) return;
    await appendAudit(this.db, {
      orgId,
      at: now,
      actor: system,
      action: 'retention.deleted',
      subject: orgId ? `org:${orgId}` : 'installation',
      detail: { counts, cutoffs: Object.fromEntries(Object.entries(c).map(([k, d]) => [k, d.toISOString()])) },
    });
    this.log.info({ orgId, counts }, 'retention deleted expired data');
  }
}

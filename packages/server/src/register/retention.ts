import { fixedRetention } from '@wachsam/protocol';
import { everyAtMost } from '../domain.js';
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { chainTransaction, pruneChain } from './chain.js';
import type { RegisterLogKey } from './log-key.js';
import { prunable } from './log-repository.js';
import { addDays, addMonths, dayOf } from '../dates.js';
import { allOrgIds, deleteExpired, markDeletionWarned, settingsOf } from './repository.js';

/** Retention works in days; the server's job loop ticks every half second, so it runs at most this often. */
const everyMs = 10 * 60 * 1000;
const system = { system: 'Register: Fristen' };
/**
 * Access-log rows are deleted after one year unless held for a control. Fixed, not a setting: the
 * central unit, whose lookups the log controls, must not be able to shorten it.
 */
export const accessLogRetentionMonths = fixedRetention.accessLogMonths;

/**
 * The register's periodic job: entries past their deletion date are deleted for real (the audit
 * keeps id, reason and date, never the content); entries nearing it are marked as warned; access
 * log rows older than the retention are deleted unless held for a control, through a prune record
 * appended to the chain itself (`pruneChain`), so the chain check verifies across the gap.
 */
export class RegisterRetention {
  /** The periodic job: at most every ten minutes of clock time. */
  readonly job: () => Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly logKey: RegisterLogKey,
  ) {
    this.job = everyAtMost(clock, everyMs, (now) => this.run(now));
  }

  private async run(now: Date): Promise<void> {
    const today = dayOf(now);

    await this.db.transaction(async (tx) => {
      for (const d of await deleteExpired(tx, today))
        await appendAudit(tx, {
          orgId: d.orgId,
          at: now,
          actor: system,
          action: 'register.entry_deleted',
          subject: d.id,
          detail: { reason: 'retention', deleteAt: d.deleteAt, date: today },
        });
    });

    for (const orgId of await allOrgIds(this.db)) {
      const s = await settingsOf(this.db, orgId);
      await this.db.transaction(async (tx) => {
        for (const w of await markDeletionWarned(tx, orgId, addDays(today, s.deletionWarningDays), now))
          await appendAudit(tx, {
            orgId,
            at: now,
            actor: system,
            action: 'register.deletion_warning',
            subject: w.id,
            detail: { deleteAt: w.deleteAt },
          });
      });
      await this.pruneLog(orgId, accessLogRetentionMonths, now, today);
    }
  }

  private async pruneLog(orgId: string, months: number, now: Date, today: string): Promise<void> {
    const cutoff = new Date(`${addMonths(today, -months)}T00:00:00Z`);
    // Without the key nothing is pruned: a prune record must be keyed like every row.
    if (this.logKey.problem) return;
    const key = this.logKey.require();
    // Appends and holds wait for the chain's lock: the rows chosen here are exactly the rows deleted.
    await chainTransaction(this.db, orgId, async (tx) => {
      const rows = await prunable(tx, orgId, cutoff, today);
      if (rows.length === 0) return;
      await pruneChain(tx, key, orgId, rows, { at: now, actor: `System: ${system.system}`, cutoff });
      this.log.info({ orgId, count: rows.length }, 'register access log pruned');
    });
  }
}

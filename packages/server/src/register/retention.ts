import { fixedRetention } from '@wachsam/protocol';
import { everyAtMost } from '../domain.js';
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { chainTransaction, prunedAction, prunedRuns } from './chain.js';
import { deleteRows, prunable } from './log-repository.js';
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
 * log rows older than the retention are deleted unless held for a control. Each deleted run of
 * log rows is recorded in the audit log so the chain check can still verify across the gap.
 */
export class RegisterRetention {
  /** The periodic job: at most every ten minutes of clock time. */
  readonly job: () => Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
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
    // Appends and holds wait for the chain's lock: the rows chosen here are exactly the rows deleted.
    await chainTransaction(this.db, orgId, async (tx) => {
      const rows = await prunable(tx, orgId, cutoff, today);
      if (rows.length === 0) return;
      await deleteRows(
        tx,
        orgId,
        rows.map((r) => r.seq),
      );
      await appendAudit(tx, {
        orgId,
        at: now,
        actor: system,
        action: prunedAction,
        subject: orgId,
        detail: { cutoff: cutoff.toISOString(), count: rows.length, runs: prunedRuns(rows) },
      });
      this.log.info({ orgId, count: rows.length }, 'register access log pruned');
    });
  }
}

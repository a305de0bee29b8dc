import { addMonths, dayOf } from '../dates.js';
import { everyAtMost } from '../domain.js';
import { systemRole } from '@wachsam/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { systemActor } from './presenter.js';
import * as repo from './repository.js';
import { loadSettings } from './settings.js';

/** Retention works in months; the server's job loop ticks every half second, so this runs at most this often. */
const everyMs = 10 * 60 * 1000;

/** A warning published before this is past the register's retention: archived, and not shown before the job ran. */
export const warningCutoff = (registerRetentionMonths: number, now: Date): Date =>
  new Date(`${addMonths(dayOf(now), -registerRetentionMonths)}T00:00:00Z`);

/**
 * The reports domain's periodic job: a published warning is archived once it is older than the
 * organisation's register retention (`registerRetentionMonths`), so it drops out of the list
 * every employee reads. The warning names a person; it is shown no longer than a register
 * entry about that person would be kept. Each archiving is a workflow step by the system and
 * audited without content (no names, no text, not the warning's id).
 */
export class WarningRetention {
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
    for (const orgId of await repo.orgsWithWarnings(this.db)) {
      const { registerRetentionMonths: months } = await loadSettings(this.db, orgId);
      const cutoff = warningCutoff(months, now);
      const count = await this.db.transaction(async (tx) => {
        const expired = await repo.expiredWarnings(tx, orgId, cutoff);
        for (const { id } of expired) {
          await repo.updateReport(tx, id, { status: 'archived', updatedAt: now });
          await repo.insertTransition(tx, {
            orgId,
            reportId: id,
            fromStatus: 'published',
            toStatus: 'archived',
            at: now,
            actorPersonId: null,
            actorRole: systemRole,
            comment: `Aufbewahrungsfrist von ${months} Monaten abgelaufen`,
          });
          await appendAudit(tx, {
            orgId,
            at: now,
            actor: { system: systemActor },
            action: 'report.warning_expired',
            subject: `report:${id}`,
            detail: { from: 'published', to: 'archived', retentionMonths: months, cutoff: cutoff.toISOString() },
          });
        }
        return expired.length;
      });
      if (count > 0) this.log.info({ orgId, count }, 'expired warnings archived');
    }
  }
}

import { forgetSubjects } from '../audit/repository.js';
import type { Db, Tx } from '../db/client.js';
import { nothingDeleted, type BatchResult, type Retainer } from '../retention/job.js';
import type { Cutoffs } from '../retention/policy.js';
import { deleteReports } from './repository.js';
import { compactAttachments, deleteAlarmTasks, expiredReports } from './retention-repository.js';

/**
 * The reports' retention: a report past its period is deleted with its workflow, evidence files,
 * debrief task and what the audit says about them (`deleteReports`); its anonymous fact stays.
 * Drafts and reports are counted apart in the retention's audit entry; names never.
 */
export class ReportRetention implements Retainer {
  readonly name = 'reports';

  constructor(private readonly db: Db) {}

  async deleteBatch(orgId: string | null, c: Cutoffs, limit: number): Promise<BatchResult> {
    if (!orgId) return nothingDeleted;
    return this.db.transaction(async (tx) => {
      const rows = await expiredReports(tx, orgId, c, limit);
      const { attachments } = await deleteReports(
        tx,
        orgId,
        rows.map((r) => r.id),
      );
      const drafts = rows.filter((r) => r.status === 'draft').length;
      return { deleted: rows.length, counts: { reports: rows.length - drafts, drafts, attachments } };
    });
  }

  /** Evidence was deleted: rewrite its table so the file contents leave the disk now, not at some later vacuum. */
  async afterRun(counts: Record<string, number>): Promise<void> {
    if (counts.attachments) await compactAttachments(this.db);
  }
}

/**
 * The reports domain's share of the alarm retention: the debrief task of an alarm goes with the
 * alarm, and so does what the audit log says about the task.
 */
export async function forgetAlarmTasks(tx: Tx, orgId: string, alarmIds: string[]): Promise<number> {
  const tasks = await deleteAlarmTasks(tx, orgId, alarmIds);
  await forgetSubjects(
    tx,
    orgId,
    tasks.map((id) => `task:${id}`),
  );
  return tasks.length;
}

import { and, asc, eq, gte, inArray, ne, not, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { aftercareTasks, incidentReports } from '../db/schema.js';
import type { Cutoffs } from '../retention/policy.js';

/** SQL of the reports' retention. */

type ReportCutoffs = Pick<Cutoffs, 'reportsChangedBefore' | 'draftsChangedBefore'>;

/**
 * SQL: the report in the current row is within its retention. A published warning is kept
 * until it is archived (after the register's retention, `WarningRetention`); the clock of every
 * other report runs from its last workflow step (`updated_at`, which every step sets: for an
 * archived report the archiving), of a draft from its last change. Relies on the statuses
 * `draft` and `published` and on `updated_at`; any other status takes the report period.
 */
export function keptReport(c: ReportCutoffs): SQL {
  return or(
    eq(incidentReports.status, 'published'),
    and(eq(incidentReports.status, 'draft'), gte(incidentReports.updatedAt, c.draftsChangedBefore)),
    and(ne(incidentReports.status, 'draft'), gte(incidentReports.updatedAt, c.reportsChangedBefore)),
  )!;
}

/** SQL: a kept report (draft included) names the alarm with this id; the alarm is kept as long. */
export const reportNamesAlarm = (alarmId: AnyColumn, c: ReportCutoffs): SQL =>
  sql`exists (select 1 from ${incidentReports} where ${incidentReports.alarmId} = ${alarmId} and ${keptReport(c)})`;

/** Up to `limit` reports of the organisation past their retention, oldest first, locked until commit. */
export async function expiredReports(ex: Executor, orgId: string, c: ReportCutoffs, limit: number) {
  return ex
    .select({ id: incidentReports.id, status: incidentReports.status })
    .from(incidentReports)
    .where(and(eq(incidentReports.orgId, orgId), not(keptReport(c))))
    .orderBy(asc(incidentReports.updatedAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Delete the aftercare tasks of these alarms; returns their ids (for the audit entries about them). */
export async function deleteAlarmTasks(ex: Executor, orgId: string, alarmIds: string[]): Promise<string[]> {
  const rows = await ex
    .delete(aftercareTasks)
    .where(and(eq(aftercareTasks.orgId, orgId), inArray(aftercareTasks.alarmId, alarmIds)))
    .returning({ id: aftercareTasks.id });
  return rows.map((r) => r.id);
}

/**
 * Rewrite the evidence table so the bytes of deleted files leave the database's files at once
 * (a plain DELETE only marks them dead; PGlite has no autovacuum at all). The WAL keeps them
 * until its segments are recycled.
 */
export async function compactAttachments(ex: Executor): Promise<void> {
  await ex.execute(sql`vacuum full report_attachments`);
}

import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { ReportStatus } from '@wachsam/protocol';
import { forgetSubjects } from '../audit/repository.js';
import type { Executor } from '../db/client.js';
import {
  aftercareTasks,
  incidentFacts,
  incidentReports,
  people,
  reportAttachments,
  reportTransitions,
  zemagSettings,
} from '../db/schema.js';
import { hasOtherSupervisor } from './org-repository.js';
import { statusesFrom, type ReviewState, type Viewer } from './workflow.js';

export type ReportRow = typeof incidentReports.$inferSelect;
export type NewReport = typeof incidentReports.$inferInsert;
export type AttachmentMeta = Omit<typeof reportAttachments.$inferSelect, 'content'>;

// People, rooms and alarms a report refers to (read only).
export * from './org-repository.js';

// --- review ---

/** A report row as the workflow judges it: with whether its department has another supervisor. */
export async function reviewStateOf(ex: Executor, row: ReportRow): Promise<ReviewState> {
  return { ...row, supervised: await hasOtherSupervisor(ex, row.orgId, row.departmentId, row.reporterPersonId) };
}

/** The SQL twin of `!hasOtherSupervisor` for a report row: where the central unit (or HR) stands in. */
export const unsupervised = (): SQL => sql`not exists (
  select 1 from ${people}
  where ${people.orgId} = ${incidentReports.orgId}
    and ${people.departmentId} = ${incidentReports.departmentId}
    and 'supervisor' = any(${people.roles})
    and ${people.id} is distinct from ${incidentReports.reporterPersonId})`;

// --- reports ---

export async function insertReport(ex: Executor, row: NewReport): Promise<ReportRow> {
  const [r] = await ex.insert(incidentReports).values(row).returning();
  return r!;
}

/** The report this reporter created under an idempotency key, if any. */
export async function reportByKey(ex: Executor, orgId: string, personId: string, key: string) {
  const [r] = await ex
    .select()
    .from(incidentReports)
    .where(
      and(
        eq(incidentReports.orgId, orgId),
        eq(incidentReports.reporterPersonId, personId),
        eq(incidentReports.idempotencyKey, key),
      ),
    );
  return r ?? null;
}

/**
 * Insert unless this reporter already created a report under the same idempotency key; then
 * that report is returned. A concurrent twin waits on the unique index and finds the winner.
 */
export async function insertReportOnce(
  ex: Executor,
  row: NewReport & { reporterPersonId: string; idempotencyKey: string },
): Promise<ReportRow> {
  const [r] = await ex
    .insert(incidentReports)
    .values(row)
    .onConflictDoNothing({
      target: [incidentReports.orgId, incidentReports.reporterPersonId, incidentReports.idempotencyKey],
    })
    .returning();
  return r ?? (await reportByKey(ex, row.orgId, row.reporterPersonId, row.idempotencyKey))!;
}

export async function updateReport(ex: Executor, id: string, patch: Partial<NewReport>): Promise<ReportRow> {
  const [r] = await ex.update(incidentReports).set(patch).where(eq(incidentReports.id, id)).returning();
  return r!;
}

/**
 * Read a report within its retention (`kept`, see `keptReport`); `lock` holds its row until
 * commit, so two steps on it run one after the other.
 */
export async function findReport(
  ex: Executor,
  orgId: string,
  id: string,
  kept: SQL,
  lock = false,
): Promise<ReportRow | null> {
  const q = ex
    .select()
    .from(incidentReports)
    .where(and(eq(incidentReports.orgId, orgId), eq(incidentReports.id, id), kept));
  const [r] = lock ? await q.for('update') : await q;
  return r ?? null;
}

/**
 * Deletes the reports and, by cascade, their transitions, attachments (the evidence files: they
 * live in `report_attachments.content`, nowhere else) and aftercare tasks, and every audit entry
 * about them or their debriefs (submission with the reporter as actor and the evidence hashes,
 * evidence added, returns with their comments, the debrief done): a report that ends below the
 * threshold, even after an earlier submission, or that ran out its retention, leaves nothing
 * that leads to who reported. Its fact, which names no person, loses the link by `set null`,
 * as does a register entry prepared from it. Returns how many evidence files went with them.
 */
export async function deleteReports(ex: Executor, orgId: string, ids: string[]): Promise<{ attachments: number }> {
  if (ids.length === 0) return { attachments: 0 };
  const tasks = await ex
    .select({ id: aftercareTasks.id })
    .from(aftercareTasks)
    .where(and(eq(aftercareTasks.orgId, orgId), inArray(aftercareTasks.reportId, ids)));
  await forgetSubjects(ex, orgId, [...ids.map((id) => `report:${id}`), ...tasks.map((t) => `task:${t.id}`)]);
  const [files] = await ex
    .select({ n: count() })
    .from(reportAttachments)
    .where(inArray(reportAttachments.reportId, ids));
  await ex.delete(incidentReports).where(and(eq(incidentReports.orgId, orgId), inArray(incidentReports.id, ids)));
  return { attachments: files?.n ?? 0 };
}

/** A draft of this person following up this alarm, if one exists (within its retention). */
export async function draftForAlarm(ex: Executor, orgId: string, alarmId: string, personId: string, kept: SQL) {
  const [r] = await ex
    .select()
    .from(incidentReports)
    .where(
      and(
        eq(incidentReports.orgId, orgId),
        eq(incidentReports.alarmId, alarmId),
        eq(incidentReports.reporterPersonId, personId),
        eq(incidentReports.status, 'draft'),
        kept,
      ),
    );
  return r ?? null;
}

const complaintOnly = eq(incidentReports.complaintOnly, true);
const registerTrack = eq(incidentReports.complaintOnly, false);

/** The SQL twin of `maySee` (workflow.ts): the reports a viewer may read. */
function visibleTo(v: Viewer): SQL {
  const conditions: Array<SQL | undefined> = [eq(incidentReports.reporterPersonId, v.personId)];
  if (v.roles.includes('supervisor') && v.departmentId)
    conditions.push(
      and(eq(incidentReports.departmentId, v.departmentId), inArray(incidentReports.status, statusesFrom('submitted'))),
    );
  if (v.roles.includes('hr'))
    conditions.push(
      inArray(incidentReports.status, statusesFrom('approved')),
      and(complaintOnly, eq(incidentReports.status, 'submitted'), unsupervised()),
    );
  if (v.roles.includes('security_management')) conditions.push(and(ne(incidentReports.status, 'draft'), registerTrack));
  return or(...conditions)!;
}

/**
 * What waits for the viewer: their own drafts that came back from review, and the reports in
 * the state where their role acts next (never their own: nobody reviews their own report).
 */
function waitingFor(v: Viewer): SQL {
  const own = eq(incidentReports.reporterPersonId, v.personId);
  const notOwn = or(isNull(incidentReports.reporterPersonId), ne(incidentReports.reporterPersonId, v.personId));
  const conditions: Array<SQL | undefined> = [
    and(own, eq(incidentReports.status, 'draft'), isNotNull(incidentReports.submittedAt)),
  ];
  if (v.roles.includes('supervisor') && v.departmentId)
    conditions.push(
      and(notOwn, eq(incidentReports.departmentId, v.departmentId), eq(incidentReports.status, 'submitted')),
    );
  if (v.roles.includes('hr'))
    conditions.push(
      and(notOwn, eq(incidentReports.status, 'approved')),
      and(notOwn, complaintOnly, eq(incidentReports.status, 'submitted'), unsupervised()),
    );
  if (v.roles.includes('security_management'))
    conditions.push(
      and(notOwn, inArray(incidentReports.status, ['complaint_filed', 'quality_checked'])),
      and(notOwn, registerTrack, eq(incidentReports.status, 'submitted'), unsupervised()),
    );
  return or(...conditions)!;
}

export async function listReports(
  ex: Executor,
  orgId: string,
  v: Viewer,
  scope: 'mine' | 'inbox' | 'all',
  status: ReportStatus | undefined,
  kept: SQL,
): Promise<ReportRow[]> {
  const scoped =
    scope === 'mine'
      ? eq(incidentReports.reporterPersonId, v.personId)
      : scope === 'inbox'
        ? and(visibleTo(v), waitingFor(v))
        : visibleTo(v);
  return ex
    .select()
    .from(incidentReports)
    .where(and(eq(incidentReports.orgId, orgId), scoped, kept, status ? eq(incidentReports.status, status) : undefined))
    .orderBy(desc(incidentReports.updatedAt))
    .limit(500);
}

/** Published reports whose warning went out before the cutoff: due for archiving. Locked until commit. */
export async function expiredWarnings(ex: Executor, orgId: string, cutoff: Date) {
  return ex
    .select({ id: incidentReports.id })
    .from(incidentReports)
    .where(
      and(
        eq(incidentReports.orgId, orgId),
        eq(incidentReports.status, 'published'),
        lt(incidentReports.publishedAt, cutoff),
      ),
    )
    .for('update');
}

/** Organisations with a published warning: the ones the archiving job looks at. */
export async function orgsWithWarnings(ex: Executor): Promise<string[]> {
  const rows = await ex
    .selectDistinct({ orgId: incidentReports.orgId })
    .from(incidentReports)
    .where(eq(incidentReports.status, 'published'));
  return rows.map((r) => r.orgId);
}

/** Published (not archived) warnings of the organisation published since `since`, newest first. */
export async function publishedWarnings(ex: Executor, orgId: string, since: Date) {
  return ex
    .select({ warning: incidentReports.warning })
    .from(incidentReports)
    .where(
      and(
        eq(incidentReports.orgId, orgId),
        eq(incidentReports.status, 'published'),
        isNotNull(incidentReports.warning),
        gte(incidentReports.publishedAt, since),
      ),
    )
    .orderBy(desc(incidentReports.publishedAt));
}

// --- transitions ---

export async function insertTransition(ex: Executor, row: typeof reportTransitions.$inferInsert): Promise<void> {
  await ex.insert(reportTransitions).values(row);
}

export async function transitionsOf(ex: Executor, reportId: string) {
  return ex
    .select()
    .from(reportTransitions)
    .where(eq(reportTransitions.reportId, reportId))
    .orderBy(asc(reportTransitions.id));
}

// --- attachments ---

const attachmentMeta = {
  id: reportAttachments.id,
  orgId: reportAttachments.orgId,
  reportId: reportAttachments.reportId,
  name: reportAttachments.name,
  mime: reportAttachments.mime,
  size: reportAttachments.size,
  sha256: reportAttachments.sha256,
  uploadedAt: reportAttachments.uploadedAt,
  uploadedBy: reportAttachments.uploadedBy,
};

export async function attachmentsOf(ex: Executor, reportId: string): Promise<AttachmentMeta[]> {
  return ex
    .select(attachmentMeta)
    .from(reportAttachments)
    .where(eq(reportAttachments.reportId, reportId))
    .orderBy(asc(reportAttachments.uploadedAt), asc(reportAttachments.id));
}

export async function insertAttachment(
  ex: Executor,
  row: typeof reportAttachments.$inferInsert,
): Promise<AttachmentMeta> {
  const [a] = await ex.insert(reportAttachments).values(row).returning(attachmentMeta);
  return a!;
}

export async function attachmentFile(ex: Executor, reportId: string, attachmentId: string) {
  const [a] = await ex
    .select()
    .from(reportAttachments)
    .where(and(eq(reportAttachments.reportId, reportId), eq(reportAttachments.id, attachmentId)));
  return a ?? null;
}

// --- anonymous facts ---

/** The anonymous fact a report counts as, if it was submitted. */
export async function factOf(ex: Executor, reportId: string): Promise<string | null> {
  const [f] = await ex.select({ id: incidentFacts.id }).from(incidentFacts).where(eq(incidentFacts.reportId, reportId));
  return f?.id ?? null;
}

/** One fact per report: a resubmitted report replaces its fact instead of counting twice. */
export async function upsertFact(ex: Executor, row: typeof incidentFacts.$inferInsert): Promise<string> {
  const { orgId: _org, reportId: _report, ...values } = row;
  const [f] = await ex
    .insert(incidentFacts)
    .values(row)
    .onConflictDoUpdate({ target: incidentFacts.reportId, set: values })
    .returning({ id: incidentFacts.id });
  return f!.id;
}

// --- settings ---

export async function settingsValue(ex: Executor, orgId: string): Promise<Record<string, unknown> | null> {
  const [s] = await ex.select().from(zemagSettings).where(eq(zemagSettings.orgId, orgId));
  return s?.value ?? null;
}

export async function storeSettings(ex: Executor, orgId: string, value: Record<string, unknown>): Promise<void> {
  await ex
    .insert(zemagSettings)
    .values({ orgId, value })
    .onConflictDoUpdate({ target: zemagSettings.orgId, set: { value } });
}

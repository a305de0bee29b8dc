import { and, asc, desc, eq, gte, inArray, isNull, lt, notInArray } from 'drizzle-orm';
import { anonymousReporter, type AuditEntry } from '@wachsam/protocol';
import { actorLabel, type Actor } from '../auth/actor.js';
import type { Executor } from '../db/client.js';
import { auditLog } from '../db/schema.js';

export interface AuditInput {
  orgId: string | null;
  at: Date;
  actor: Actor | { system: string };
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
  /**
   * The entry records an act of the person who reported an incident (or what their act set off):
   * it is stored as "Meldende Person", without their person or device, and never listed to the
   * administration. The report keeps its reporter for those who may know.
   */
  reporterSide?: boolean;
}

/** The row an entry is stored as (who acted, named as the log shows it). */
export function auditRow(e: AuditInput): typeof auditLog.$inferInsert {
  const actor = 'system' in e.actor || e.reporterSide ? null : e.actor;
  return {
    orgId: e.orgId,
    at: e.at,
    actor: e.reporterSide
      ? anonymousReporter
      : actor
        ? actorLabel(actor)
        : 'system' in e.actor
          ? e.actor.system
          : 'System',
    actorPersonId: actor?.kind === 'person' ? actor.personId : actor?.kind === 'device' ? actor.personId : null,
    actorDeviceId: actor?.kind === 'device' ? actor.deviceId : null,
    action: e.action,
    subject: e.subject,
    detail: e.detail ?? {},
    reporterSide: e.reporterSide ?? false,
  };
}

/** Append one entry. Callers pass their transaction, so the entry commits with the change. */
export async function appendAudit(ex: Executor, e: AuditInput): Promise<void> {
  await ex.insert(auditLog).values(auditRow(e));
}

/**
 * The administration's view of the log (IT), newest first: every entry but those on a reporter's
 * own acts (see `reporterSide`), each built from the same allow-list of columns. Entries older
 * than `since` are past their retention and not shown.
 */
export async function listAudit(
  ex: Executor,
  orgId: string,
  limit: number,
  before: string | undefined,
  since: Date,
): Promise<AuditEntry[]> {
  const where = and(
    eq(auditLog.orgId, orgId),
    eq(auditLog.reporterSide, false),
    gte(auditLog.at, since),
    before ? lt(auditLog.id, BigInt(before)) : undefined,
  );
  const rows = await ex.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit);
  return rows.map((r) => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    detail: r.detail,
  }));
}

/**
 * Delete every entry about these subjects (`report:<id>`, `Alarm <id>`, …): when a record is
 * deleted, what the audit says about it goes too, so nothing about its content or the people in
 * it outlives it. The caller audits the deletion itself without content.
 */
export async function forgetSubjects(ex: Executor, orgId: string, subjects: string[]): Promise<number> {
  if (subjects.length === 0) return 0;
  const rows = await ex
    .delete(auditLog)
    .where(and(eq(auditLog.orgId, orgId), inArray(auditLog.subject, subjects)))
    .returning({ id: auditLog.id });
  return rows.length;
}

/**
 * Retention: delete up to `limit` entries older than `before` of one organisation (or of none,
 * `orgId` null), oldest first, except the actions listed in `keep`.
 */
export async function deleteOldAudit(
  ex: Executor,
  orgId: string | null,
  before: Date,
  limit: number,
  keep: readonly string[],
): Promise<number> {
  const doomed = ex
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        orgId === null ? isNull(auditLog.orgId) : eq(auditLog.orgId, orgId),
        lt(auditLog.at, before),
        keep.length ? notInArray(auditLog.action, [...keep]) : undefined,
      ),
    )
    .orderBy(asc(auditLog.id))
    .limit(limit);
  const rows = await ex.delete(auditLog).where(inArray(auditLog.id, doomed)).returning({ id: auditLog.id });
  return rows.length;
}

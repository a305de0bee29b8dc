import { and, desc, eq, lt } from 'drizzle-orm';
import type { AuditEntry } from '@wachsam/protocol';
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
}

/** Append one entry. Callers pass their transaction, so the entry commits with the change. */
export async function appendAudit(ex: Executor, e: AuditInput): Promise<void> {
  const actor = 'system' in e.actor ? null : e.actor;
  await ex.insert(auditLog).values({
    orgId: e.orgId,
    at: e.at,
    actor: actor ? actorLabel(actor) : e.actor && 'system' in e.actor ? e.actor.system : 'System',
    actorPersonId: actor?.kind === 'person' ? actor.personId : actor?.kind === 'device' ? actor.personId : null,
    actorDeviceId: actor?.kind === 'device' ? actor.deviceId : null,
    action: e.action,
    subject: e.subject,
    detail: e.detail ?? {},
  });
}

export async function listAudit(ex: Executor, orgId: string, limit: number, before?: string): Promise<AuditEntry[]> {
  const where = before ? and(eq(auditLog.orgId, orgId), lt(auditLog.id, BigInt(before))) : eq(auditLog.orgId, orgId);
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

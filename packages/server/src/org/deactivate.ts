import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Tx } from '../db/client.js';
import { devices, people, sessions } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';

/**
 * People who left or were disabled in the directory: deactivated, never deleted. Their history
 * (alarms, reports, audit) stays; their logins end, their personal devices (phones, personal
 * buttons) are revoked, PCs and room buttons bound to them keep protecting the room without a
 * name, and no alarm alerts them any more (`stepTargetsSql`). Returns who was deactivated now.
 */
export async function deactivatePeople(
  tx: Tx,
  orgId: string,
  ids: readonly string[],
  at: Date,
  actor: Actor | { system: string },
  reason: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const gone = await tx
    .update(people)
    .set({ deactivatedAt: at })
    .where(and(eq(people.orgId, orgId), inArray(people.id, [...ids]), isNull(people.deactivatedAt)))
    .returning({ id: people.id, firstName: people.firstName, lastName: people.lastName });
  const goneIds = gone.map((p) => p.id);
  if (goneIds.length === 0) return [];
  await tx.delete(sessions).where(inArray(sessions.personId, goneIds));
  await tx
    .update(devices)
    .set({ revokedAt: at, online: false, enrolmentCodeHash: null })
    .where(
      and(
        inArray(devices.personId, goneIds),
        isNull(devices.revokedAt),
        sql`(${devices.kind} = 'phone' or (${devices.kind} = 'button' and ${devices.roomId} is null))`,
      ),
    );
  await tx
    .update(devices)
    .set({ personId: null })
    .where(and(inArray(devices.personId, goneIds), isNull(devices.revokedAt)));
  for (const p of gone) {
    await endAccess(tx, { scope: 'person', personId: p.id }, 'person_removed');
    await appendAudit(tx, {
      orgId,
      at,
      actor,
      action: 'person.deactivated',
      subject: `Person ${p.firstName} ${p.lastName}`,
      detail: { personId: p.id, reason },
    });
  }
  return goneIds;
}

/** Active again (re-enabled in the directory): they log in and are alerted again; revoked devices stay revoked. */
export async function reactivatePeople(
  tx: Tx,
  orgId: string,
  ids: readonly string[],
  at: Date,
  actor: Actor | { system: string },
): Promise<string[]> {
  if (ids.length === 0) return [];
  const back = await tx
    .update(people)
    .set({ deactivatedAt: null })
    .where(and(eq(people.orgId, orgId), inArray(people.id, [...ids])))
    .returning({ id: people.id, firstName: people.firstName, lastName: people.lastName });
  for (const p of back)
    await appendAudit(tx, {
      orgId,
      at,
      actor,
      action: 'person.reactivated',
      subject: `Person ${p.firstName} ${p.lastName}`,
      detail: { personId: p.id },
    });
  return back.map((p) => p.id);
}

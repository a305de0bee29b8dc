import { and, asc, count, eq, inArray, lt, not, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { alarmMessages, alarms, people } from '../db/schema.js';

/** SQL of the alarm retention. */

/** Is this alarm within its retention (`kept` from `AlarmClaims.kept`)? */
export async function isKept(ex: Executor, alarmId: string, kept: SQL): Promise<boolean> {
  const [row] = await ex
    .select({ id: alarms.id })
    .from(alarms)
    .where(and(eq(alarms.id, alarmId), kept));
  return Boolean(row);
}

/**
 * Up to `limit` alarms of the organisation past their retention, oldest first, locked until
 * commit (skipping any another transaction holds: it is taken at the next run).
 */
export async function expiredAlarmIds(ex: Executor, orgId: string, kept: SQL, limit: number): Promise<string[]> {
  const rows = await ex
    .select({ id: alarms.id })
    .from(alarms)
    .where(and(eq(alarms.orgId, orgId), not(kept)))
    .orderBy(asc(alarms.resolvedAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return rows.map((r) => r.id);
}

/** Delete alarms; receivers (receipts, answers) and messages go by cascade. Returns the messages deleted. */
export async function deleteAlarms(ex: Executor, ids: string[]): Promise<{ messages: number }> {
  const [m] = await ex.select({ n: count() }).from(alarmMessages).where(inArray(alarmMessages.alarmId, ids));
  await ex.delete(alarms).where(inArray(alarms.id, ids));
  return { messages: m?.n ?? 0 };
}

/** Clear last known positions stored before `before` (position and its time), up to `limit` people. */
export async function clearLastPositions(ex: Executor, orgId: string, before: Date, limit: number): Promise<number> {
  const stale = ex
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.orgId, orgId), lt(people.lastPositionStoredAt, before)))
    .limit(limit);
  const rows = await ex
    .update(people)
    .set({ lastPosition: null, lastPositionStoredAt: null })
    .where(inArray(people.id, stale))
    .returning({ id: people.id });
  return rows.length;
}

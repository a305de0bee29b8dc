import { and, asc, eq, gt, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { fixedRetention, type RealtimeEvent } from '@wachsam/protocol';
import { eventsChannel, type Executor, type Tx } from '../db/client.js';
import { announceAfterCommit } from '../db/commits.js';
import { alarms, events } from '../db/schema.js';

/** An event before it has its id (distributes over the union of event kinds). */
export type EventBody = RealtimeEvent extends infer E ? (E extends RealtimeEvent ? Omit<E, 'id'> : never) : never;
export type EventRow = typeof events.$inferSelect;

/**
 * Append events at the END of a transaction. The per-organisation advisory lock is held until
 * commit, so ids of one organisation become visible strictly in order (see schema `events`).
 * The NOTIFY carries only `org:id` (NOTIFY is capped at 8000 bytes) and is sent at commit, for
 * the other instances; this instance's own fan-out is told after the commit without it.
 */
export async function appendEvents(
  tx: Tx,
  orgId: string,
  bodies: Array<{ body: EventBody; alarmId?: string | null; deviceId?: string | null }>,
): Promise<bigint[]> {
  if (bodies.length === 0) return [];
  await tx.execute(sql`select ${eventLockSql(orgId)}`);
  const rows = await tx
    .insert(events)
    .values(
      bodies.map((b) => ({
        orgId,
        type: b.body.type,
        alarmId: b.alarmId ?? null,
        deviceId: b.deviceId ?? null,
        payload: b.body,
        at: new Date(b.body.at),
      })),
    )
    .returning({ id: events.id });
  const last = rows[rows.length - 1];
  if (last) {
    const payload = `${orgId}:${last.id}`;
    await tx.execute(sql`select pg_notify(${eventsChannel}, ${payload})`);
    announceAfterCommit(tx, payload);
  }
  return rows.map((r) => r.id);
}

/**
 * The organisation's event lock (a transaction-level advisory lock): whoever appends events
 * takes it before the ids are drawn and holds it until commit.
 */
export const eventLockSql = (orgId: string): SQL =>
  sql`pg_advisory_xact_lock(hashtextextended(${'events:' + orgId}, 0))`;

export async function eventsAfter(ex: Executor, orgId: string, after: bigint, limit: number): Promise<EventRow[]> {
  return ex
    .select()
    .from(events)
    .where(and(eq(events.orgId, orgId), gt(events.id, after)))
    .orderBy(asc(events.id))
    .limit(limit);
}

/** History older than this is not replayed, except for alarms that are still open. */
export const replayWindowMs = 24 * 3600_000;
/**
 * Events are kept this long (and as long as their alarm is open); then they are pruned. No
 * alarm is kept for less (the shortest alarm retention is 30 days too), and an alarm's events go
 * with the alarm when the retention deletes it: events never outlive their alarm.
 */
export const eventRetentionMs = fixedRetention.eventDays * 24 * 3600_000;

/**
 * What a reconnecting client is sent: events after its resume point from the last 24 hours,
 * and every event of the alarms that are still open however old. A client that resumes from
 * 0 or from a week ago gets what matters now, not the organisation's whole history.
 */
export async function replayAfter(
  ex: Executor,
  orgId: string,
  after: bigint,
  limit: number,
  now: Date,
): Promise<EventRow[]> {
  const openAlarms = ex
    .select({ id: alarms.id })
    .from(alarms)
    .where(and(eq(alarms.orgId, orgId), isNull(alarms.resolvedAt)));
  return ex
    .select()
    .from(events)
    .where(
      and(
        eq(events.orgId, orgId),
        gt(events.id, after),
        or(gte(events.at, new Date(now.getTime() - replayWindowMs)), inArray(events.alarmId, openAlarms)),
      ),
    )
    .orderBy(asc(events.id))
    .limit(limit);
}

/**
 * Delete events past the retention in batches (the stream is a delivery log, not the record:
 * alarms, receivers and the audit log are). Events of open alarms stay.
 */
export async function pruneEvents(ex: Executor, now: Date, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const doomed = ex
      .select({ id: events.id })
      .from(events)
      .leftJoin(alarms, eq(alarms.id, events.alarmId))
      .where(
        and(
          lt(events.at, new Date(now.getTime() - eventRetentionMs)),
          or(isNull(events.alarmId), sql`${alarms.resolvedAt} is not null`),
        ),
      )
      .limit(batchSize);
    const rows = await ex.delete(events).where(inArray(events.id, doomed)).returning({ id: events.id });
    total += rows.length;
    if (rows.length < batchSize) return total;
  }
}

/** The events of these alarms, deleted with them by the alarm retention (index `events_alarm`). */
export async function deleteAlarmEvents(ex: Executor, alarmIds: string[]): Promise<number> {
  if (alarmIds.length === 0) return 0;
  const rows = await ex.delete(events).where(inArray(events.alarmId, alarmIds)).returning({ id: events.id });
  return rows.length;
}

/**
 * The organisation's newest committed event id. Read it BEFORE reading the state it goes
 * with: then a client resuming from it may see a change twice, never miss one.
 */
export async function lastEventId(ex: Executor, orgId: string): Promise<bigint> {
  const [row] = await ex
    .select({ max: sql<string | null>`max(${events.id})::text` })
    .from(events)
    .where(eq(events.orgId, orgId));
  return BigInt(row?.max ?? '0');
}

export const toRealtime = (row: EventRow): RealtimeEvent =>
  ({ ...(row.payload as EventBody), id: row.id.toString() }) as RealtimeEvent;

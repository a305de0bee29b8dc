import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { RealtimeEvent } from '@wachsam/protocol';
import { eventsChannel, type Executor, type Tx } from '../db/client.js';
import { events } from '../db/schema.js';

/** An event before it has its id (distributes over the union of event kinds). */
export type EventBody = RealtimeEvent extends infer E ? (E extends RealtimeEvent ? Omit<E, 'id'> : never) : never;
export type EventRow = typeof events.$inferSelect;

/**
 * Append events at the END of a transaction. The per-organisation advisory lock is held until
 * commit, so ids of one organisation become visible strictly in order (see schema `events`).
 * The NOTIFY carries only `org:id` (NOTIFY is capped at 8000 bytes) and is sent at commit.
 */
export async function appendEvents(
  tx: Tx,
  orgId: string,
  bodies: Array<{ body: EventBody; alarmId?: string | null; deviceId?: string | null }>,
): Promise<bigint[]> {
  if (bodies.length === 0) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'events:' + orgId}, 0))`);
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
  if (last) await tx.execute(sql`select pg_notify(${eventsChannel}, ${`${orgId}:${last.id}`})`);
  return rows.map((r) => r.id);
}

export async function eventsAfter(ex: Executor, orgId: string, after: bigint, limit: number): Promise<EventRow[]> {
  return ex
    .select()
    .from(events)
    .where(and(eq(events.orgId, orgId), gt(events.id, after)))
    .orderBy(asc(events.id))
    .limit(limit);
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

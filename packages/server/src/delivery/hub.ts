import type { FastifyBaseLogger } from 'fastify';
import type { Executor } from '../db/client.js';
import { audience, receiversOf, sendersOf, type Listener } from './audience.js';
import { eventsAfter, lastEventId, toRealtime, type EventRow } from './events.js';

export interface Conn {
  id: string;
  orgId: string;
  listener: Listener;
  send(frame: string): void;
  /** Frames held back while this connection replays history; null once live. */
  buffer: Array<{ id: bigint; frame: string }> | null;
}

const batch = 1000;

/**
 * Fans committed events out to this instance's connections. Every instance hears every
 * commit (LISTEN/NOTIFY carries `org:id`) and fetches the organisation's events after the
 * last one it dispatched, in id order; since ids commit in order per organisation, a range
 * fetch never skips one, and a lost or late notification is made good by the next.
 */
export class Hub {
  private readonly orgs = new Map<string, Set<Conn>>();
  private readonly dispatched = new Map<string, Promise<bigint>>();
  private readonly pumps = new Map<string, { again: boolean }>();

  constructor(
    private readonly db: Executor,
    private readonly log: FastifyBaseLogger,
  ) {}

  get connectionCount(): number {
    let n = 0;
    for (const set of this.orgs.values()) n += set.size;
    return n;
  }

  /**
   * Subscribe first, then replay: the connection is in the fan-out set (buffering) before the
   * history query runs, so an event committed in between is either replayed or buffered.
   */
  async attach(conn: Conn, since: bigint | null): Promise<{ replayed: number; lastId: bigint }> {
    let set = this.orgs.get(conn.orgId);
    if (!set) this.orgs.set(conn.orgId, (set = new Set()));
    conn.buffer = [];
    set.add(conn);
    if (!this.dispatched.has(conn.orgId)) this.dispatched.set(conn.orgId, lastEventId(this.db, conn.orgId));
    const floor = await this.dispatched.get(conn.orgId)!;
    let last = since ?? floor;
    let replayed = 0;
    if (since !== null) {
      for (;;) {
        const rows = await eventsAfter(this.db, conn.orgId, last, batch);
        const receivers = await receiversOf(this.db, alarmIdsOf(rows));
        const senders = await sendersOf(this.db, messageAlarmIdsOf(rows));
        for (const row of rows) {
          const a = audience(
            row,
            row.alarmId ? receivers.get(row.alarmId) : undefined,
            conn.listener,
            row.alarmId ? (senders.get(row.alarmId) ?? null) : null,
          );
          if (a) {
            conn.send(frameOf(row, a.forYou));
            replayed++;
          }
          last = row.id;
        }
        if (rows.length < batch) break;
      }
    }
    const buffered = conn.buffer ?? [];
    conn.buffer = null;
    for (const b of buffered) if (b.id > last) conn.send(b.frame);
    const lastId = buffered.reduce((m, b) => (b.id > m ? b.id : m), last);
    return { replayed, lastId };
  }

  detach(conn: Conn): void {
    this.orgs.get(conn.orgId)?.delete(conn);
  }

  onNotify(payload: string): void {
    const orgId = payload.split(':')[0];
    if (orgId && this.orgs.get(orgId)?.size) this.pump(orgId);
  }

  /** After the listener reconnected: fetch whatever committed meanwhile, for every organisation. */
  onReconnect(): void {
    for (const [orgId, set] of this.orgs) if (set.size) this.pump(orgId);
  }

  private pump(orgId: string): void {
    const running = this.pumps.get(orgId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.pumps.set(orgId, state);
    const loop = async () => {
      do {
        state.again = false;
        await this.dispatchNew(orgId);
      } while (state.again);
    };
    loop()
      .catch((err: unknown) => {
        this.log.error({ err, orgId }, 'event fan-out failed; retrying');
        setTimeout(() => this.pump(orgId), 200);
      })
      .finally(() => this.pumps.delete(orgId));
  }

  private async dispatchNew(orgId: string): Promise<void> {
    let from = await (this.dispatched.get(orgId) ?? lastEventId(this.db, orgId));
    for (;;) {
      const rows = await eventsAfter(this.db, orgId, from, batch);
      if (rows.length === 0) return;
      const receivers = await receiversOf(this.db, alarmIdsOf(rows));
      const senders = await sendersOf(this.db, messageAlarmIdsOf(rows));
      for (const row of rows)
        this.fanOut(
          orgId,
          row,
          row.alarmId ? receivers.get(row.alarmId) : undefined,
          row.alarmId ? (senders.get(row.alarmId) ?? null) : null,
        );
      from = rows[rows.length - 1]!.id;
      this.dispatched.set(orgId, Promise.resolve(from));
      if (rows.length < batch) return;
    }
  }

  private fanOut(orgId: string, row: EventRow, receivers: Set<string> | undefined, sender: string | null): void {
    const set = this.orgs.get(orgId);
    if (!set) return;
    let forYou: string | null = null;
    let notForYou: string | null = null;
    for (const conn of set) {
      const a = audience(row, receivers, conn.listener, sender);
      if (!a) continue;
      const frame = a.forYou ? (forYou ??= frameOf(row, true)) : (notForYou ??= frameOf(row, false));
      if (conn.buffer) conn.buffer.push({ id: row.id, frame });
      else conn.send(frame);
    }
  }
}

const alarmIdsOf = (rows: EventRow[]): string[] => [...new Set(rows.flatMap((r) => (r.alarmId ? [r.alarmId] : [])))];
/** Only message events need the sender looked up; alarm events carry it. */
const messageAlarmIdsOf = (rows: EventRow[]): string[] => alarmIdsOf(rows.filter((r) => r.type === 'alarm.message'));

/** The event is serialised once and shared by every connection that gets it. */
const frameOf = (row: EventRow, forYou: boolean): string =>
  `{"kind":"event","forYou":${forYou},"event":${JSON.stringify(toRealtime(row))}}`;

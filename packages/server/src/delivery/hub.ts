import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/client.js';
import { audience, receiversOf, sendersOf, type Listener } from './audience.js';
import { eventsAfter, lastEventId, replayAfter, toRealtime, type EventRow } from './events.js';

export interface Conn {
  id: string;
  orgId: string;
  listener: Listener;
  send(frame: string): void;
  /** Resolves when the socket has room again (replay is paced by it). */
  drained(): Promise<void>;
  isClosed(): boolean;
  /** Frames held back while this connection replays history; null once live. */
  buffer: Array<{ id: bigint; frame: string }> | null;
}

const batch = 1000;

/** The hub's reads of the stream: a seam, so a test can make one of them fail once. */
export interface StreamReads {
  lastEventId: typeof lastEventId;
  eventsAfter: typeof eventsAfter;
  replayAfter: typeof replayAfter;
}
const streamReads: StreamReads = { lastEventId, eventsAfter, replayAfter };

/**
 * Fans committed events out to this instance's connections. It is told of every commit (this
 * instance's own at once, the others' by NOTIFY, see Database.listen) and fetches the
 * organisation's events after the last one it dispatched, in id order; since ids commit in
 * order per organisation, a range fetch never skips one, and a lost or late notification is
 * made good by the next.
 */
export class Hub {
  private readonly orgs = new Map<string, Set<Conn>>();
  /** The id up to which an organisation's events were dispatched; a failed read is not kept. */
  private readonly dispatched = new Map<string, Promise<bigint>>();
  private readonly pumps = new Map<string, { again: boolean }>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly reads: StreamReads = streamReads,
  ) {}

  get connectionCount(): number {
    let n = 0;
    for (const set of this.orgs.values()) n += set.size;
    return n;
  }

  /**
   * Subscribe first, then replay: the connection is in the fan-out set (buffering) before the
   * history query runs, so an event committed in between is either replayed or buffered.
   * Replay is bounded (see `replayAfter`) and paced by the socket. Null when the connection
   * closed meanwhile (it is then not left behind in the set).
   */
  async attach(conn: Conn, since: bigint | null): Promise<{ replayed: number; lastId: bigint } | null> {
    let set = this.orgs.get(conn.orgId);
    if (!set) this.orgs.set(conn.orgId, (set = new Set()));
    conn.buffer = [];
    set.add(conn);
    try {
      const floor = await this.floor(conn.orgId);
      let last = since ?? floor;
      let replayed = 0;
      if (since !== null) {
        for (;;) {
          const rows = await this.reads.replayAfter(this.db, conn.orgId, last, batch, this.clock.now());
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
          if (conn.isClosed()) break;
          if (rows.length < batch) break;
          await conn.drained();
        }
      }
      if (conn.isClosed()) {
        this.detach(conn);
        return null;
      }
      const buffered = conn.buffer ?? [];
      conn.buffer = null;
      for (const b of buffered) if (b.id > last) conn.send(b.frame);
      const lastId = buffered.reduce((m, b) => (b.id > m ? b.id : m), last);
      return { replayed, lastId };
    } catch (err) {
      this.detach(conn);
      throw err;
    }
  }

  detach(conn: Conn): void {
    const set = this.orgs.get(conn.orgId);
    set?.delete(conn);
    if (set?.size !== 0) return;
    // Nobody of this organisation is connected: forget where fan-out stood, the next
    // connection starts from a fresh read instead of being sent what happened meanwhile.
    this.orgs.delete(conn.orgId);
    this.dispatched.delete(conn.orgId);
  }

  /** `org:id` of a commit (this instance's or another's); anything else is not for the hub. */
  onNotify(payload: string): void {
    const orgId = /^([0-9a-f-]{36}):\d+$/.exec(payload)?.[1];
    if (orgId && this.orgs.get(orgId)?.size) this.pump(orgId);
  }

  /** Announcements may have been missed: fetch whatever committed meanwhile, for every organisation. */
  onReconnect(): void {
    for (const [orgId, set] of this.orgs) if (set.size) this.pump(orgId);
  }

  /** Where fan-out stands for an organisation. A read that failed is forgotten, so the next one tries again. */
  private floor(orgId: string): Promise<bigint> {
    let p = this.dispatched.get(orgId);
    if (!p) {
      const read = this.reads.lastEventId(this.db, orgId);
      p = read;
      this.dispatched.set(orgId, read);
      read.catch(() => {
        if (this.dispatched.get(orgId) === read) this.dispatched.delete(orgId);
      });
    }
    return p;
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
        setTimeout(() => this.pump(orgId), 200).unref();
      })
      .finally(() => this.pumps.delete(orgId));
  }

  private async dispatchNew(orgId: string): Promise<void> {
    let from = await this.floor(orgId);
    for (;;) {
      const rows = await this.reads.eventsAfter(this.db, orgId, from, batch);
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

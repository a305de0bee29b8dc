import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/client.js';
import { AlarmActivity } from '../alarms/activity.js';
import type { Committed } from '../db/commits.js';
import {
  audience,
  audienceKeys,
  receiversOf,
  seeingRoles,
  sendersOf,
  type AudienceKeys,
  type Listener,
} from './audience.js';
import { eventsAfter, lastEventId, replayAfter, toRealtime, type EventRow } from './events.js';

export interface Conn {
  id: string;
  orgId: string;
  listener: Listener;
  /** A text frame, encoded once and shared by every connection that gets it. */
  send(frame: Buffer): void;
  /** Resolves when the socket has room again (replay is paced by it). */
  drained(): Promise<void>;
  isClosed(): boolean;
  /** Frames held back while this connection replays history; null once live. */
  buffer: Array<{ id: bigint; frame: Buffer }> | null;
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
  private readonly orgs = new Map<string, OrgConns>();
  /** The id up to which an organisation's events were dispatched; a failed read is not kept. */
  private readonly dispatched = new Map<string, Promise<bigint>>();
  /** The same, once known (not while the first read is under way). */
  private readonly settled = new Map<string, bigint>();
  private readonly pumps = new Map<string, { again: boolean }>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly reads: StreamReads = streamReads,
    /** Heavy work waits while a fan-out is under way (see `AlarmActivity`). */
    private readonly activity = new AlarmActivity(),
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
    if (!set) this.orgs.set(conn.orgId, (set = new OrgConns()));
    conn.buffer = [];
    set.add(conn);
    try {
      const floor = await this.floor(conn.orgId);
      let last = since ?? floor;
      let replayed = 0;
      if (since !== null) {
        for (;;) {
          const rows = await this.reads.replayAfter(this.db, conn.orgId, last, batch, this.clock.now());
          const receivers = await receiversOf(this.db, audienceAlarmIdsOf(rows));
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
    this.settled.delete(conn.orgId);
  }

  /**
   * `org:id` of a commit (this instance's or another's); anything else is not for the hub. This
   * instance's own commit may come with what it committed: when it follows directly on what was
   * dispatched (no other commit of the organisation in between, none being fetched), it is fanned
   * out as it is, without reading back the event and its receivers. Otherwise the range fetch
   * takes it, in order, with whatever else committed.
   */
  onNotify(payload: string, committed?: Committed): void {
    const orgId = /^([0-9a-f-]{36}):\d+$/.exec(payload)?.[1];
    if (!orgId || !this.orgs.get(orgId)?.size) return;
    if (!committed || committed.orgId !== orgId) return this.pump(orgId);
    // Right after the committing request has written its answer (the sender's 201 does not wait
    // for thousands of sends); what is true then decides, so a fetch meanwhile is not doubled.
    const done = this.alarmWork(committed.rows);
    setImmediate(() => {
      try {
        if (!this.dispatchCommitted(committed)) this.pump(orgId);
      } finally {
        done();
      }
    });
  }

  private dispatchCommitted(c: Committed): boolean {
    const floor = this.settled.get(c.orgId);
    if (floor === undefined || this.pumps.has(c.orgId)) return false;
    // Ids must follow on the floor one by one: a gap may be another commit not yet fetched.
    if (!c.rows.every((row, i) => row.id === floor + BigInt(i + 1))) return false;
    // A message event names its sender only through the alarm: those take the fetch.
    if (c.rows.some((row) => row.type === 'alarm.message' || (row.alarmId && !c.receivers.has(row.alarmId))))
      return false;
    for (const row of c.rows) this.fanOut(c.orgId, row, row.alarmId ? c.receivers.get(row.alarmId) : undefined, null);
    this.advance(c.orgId, c.rows[c.rows.length - 1]!.id);
    return true;
  }

  /** Fan-out for the organisation stands at `id`. */
  private advance(orgId: string, id: bigint): void {
    this.dispatched.set(orgId, Promise.resolve(id));
    this.settled.set(orgId, id);
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
      read.then(
        (id) => {
          if (this.dispatched.get(orgId) === read) this.settled.set(orgId, id);
        },
        () => {
          if (this.dispatched.get(orgId) === read) this.dispatched.delete(orgId);
        },
      );
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
      const done = this.alarmWork(rows);
      try {
        const receivers = await receiversOf(this.db, audienceAlarmIdsOf(rows));
        const senders = await sendersOf(this.db, messageAlarmIdsOf(rows));
        for (const row of rows)
          this.fanOut(
            orgId,
            row,
            row.alarmId ? receivers.get(row.alarmId) : undefined,
            row.alarmId ? (senders.get(row.alarmId) ?? null) : null,
          );
      } finally {
        done();
      }
      from = rows[rows.length - 1]!.id;
      this.advance(orgId, from);
      if (rows.length < batch) return;
    }
  }

  /**
   * Events of alarms are alarm work (heavy work waits while they go out); a device coming online
   * or a presence change is not: with thousands of agents those never stop.
   */
  private alarmWork(rows: readonly EventRow[]): () => void {
    return rows.some((r) => r.alarmId) ? this.activity.begin() : () => undefined;
  }

  private fanOut(
    orgId: string,
    row: EventRow,
    receivers: ReadonlySet<string> | undefined,
    sender: string | null,
  ): void {
    const set = this.orgs.get(orgId);
    if (!set) return;
    let forYou: Buffer | null = null;
    let notForYou: Buffer | null = null;
    for (const conn of set.candidates(audienceKeys(row, receivers, sender))) {
      const a = audience(row, receivers, conn.listener, sender);
      if (!a) continue;
      const frame = a.forYou ? (forYou ??= frameOf(row, true)) : (notForYou ??= frameOf(row, false));
      if (conn.buffer) conn.buffer.push({ id: row.id, frame });
      else conn.send(frame);
    }
  }
}

/**
 * An organisation's connections on this instance, found by person, by device, and by a role
 * that sees beyond its own: fan-out asks only those an event's keys name (`audienceKeys`), so
 * its cost follows the audience, not the number of connected agents. A listener's person,
 * device and roles do not change while it is connected (a change of roles ends the socket).
 */
export class OrgConns {
  private readonly all = new Set<Conn>();
  private readonly byPerson = new Map<string, Conn[]>();
  private readonly byDevice = new Map<string, Conn[]>();
  private readonly seeing = new Set<Conn>();

  get size(): number {
    return this.all.size;
  }

  add(conn: Conn): void {
    if (this.all.has(conn)) return;
    this.all.add(conn);
    const { personId, deviceId, roles } = conn.listener;
    if (personId) push(this.byPerson, personId, conn);
    if (deviceId) push(this.byDevice, deviceId, conn);
    if (roles.some((r) => seeingRoles.includes(r))) this.seeing.add(conn);
  }

  delete(conn: Conn): void {
    if (!this.all.delete(conn)) return;
    const { personId, deviceId } = conn.listener;
    if (personId) pull(this.byPerson, personId, conn);
    if (deviceId) pull(this.byDevice, deviceId, conn);
    this.seeing.delete(conn);
  }

  /** Every connection the keys name: a superset of the event's audience. */
  candidates(keys: AudienceKeys): Set<Conn> {
    const out = new Set<Conn>(this.seeing);
    const add = (conns: Conn[] | undefined) => {
      if (conns) for (const c of conns) out.add(c);
    };
    for (const id of keys.persons) add(this.byPerson.get(id));
    for (const id of keys.devices) add(this.byDevice.get(id));
    const receivers = keys.receivers;
    if (receivers) {
      // Walk the smaller side: an alarm to 50 in a city of agents, or 10,000 receivers of whom few are here.
      if (receivers.size <= this.byPerson.size) for (const id of receivers) add(this.byPerson.get(id));
      else for (const [id, conns] of this.byPerson) if (receivers.has(id)) add(conns);
    }
    return out;
  }
}

function push(map: Map<string, Conn[]>, key: string, conn: Conn): void {
  const list = map.get(key);
  if (list) list.push(conn);
  else map.set(key, [conn]);
}

function pull(map: Map<string, Conn[]>, key: string, conn: Conn): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(conn);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

const alarmIdsOf = (rows: EventRow[]): string[] => [...new Set(rows.flatMap((r) => (r.alarmId ? [r.alarmId] : [])))];
/** The alarms whose receivers decide who gets an event ("delivered" goes to the watchers only). */
const audienceAlarmIdsOf = (rows: EventRow[]): string[] => alarmIdsOf(rows.filter((r) => r.type !== 'alarm.delivered'));
/** Only message events need the sender looked up; alarm events carry it. */
const messageAlarmIdsOf = (rows: EventRow[]): string[] => alarmIdsOf(rows.filter((r) => r.type === 'alarm.message'));

/** The event is serialised and encoded once and shared by every connection that gets it. */
const frameOf = (row: EventRow, forYou: boolean): Buffer =>
  Buffer.from(`{"kind":"event","forYou":${forYou},"event":${JSON.stringify(toRealtime(row))}}`);

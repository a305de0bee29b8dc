import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../clock.js';
import { openDatabase, type Database } from '../db/client.js';
import { organisations } from '../db/schema.js';
import { seedDemo } from '../org/demo.js';
import { appendEvents, eventsAfter, lastEventId, replayAfter, type EventBody } from './events.js';
import { AlarmActivity } from '../alarms/activity.js';
import { Hub, type Conn, type StreamReads } from './hub.js';

const log = { error: () => undefined } as unknown as ConstructorParameters<typeof Hub>[2];

function conn(orgId: string): Conn & { frames: string[] } {
  const frames: string[] = [];
  return {
    id: randomUUID(),
    orgId,
    listener: { personId: null, deviceId: null, roles: ['admin'] },
    send: (f) => frames.push(f.toString()),
    drained: async () => undefined,
    isClosed: () => false,
    buffer: null,
    frames,
  };
}

/** Reads of the stream where the named one fails the first time it is called. */
function failingOnce(name: keyof StreamReads): StreamReads {
  const reads: StreamReads = { lastEventId, eventsAfter, replayAfter };
  let failed = false;
  const original = reads[name] as (...args: unknown[]) => Promise<unknown>;
  (reads as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    if (failed) return original(...args);
    failed = true;
    return Promise.reject(new Error('Connection terminated unexpectedly'));
  };
  return reads;
}

/** A device coming online, or (with `alarm`) an event of an alarm: the hub only looks at its alarm id and passes the body on. */
async function announce(database: Database, orgId: string, alarm = false): Promise<void> {
  const at = new Date().toISOString();
  await database.db.transaction((tx) =>
    appendEvents(tx, orgId, [
      alarm
        ? {
            body: {
              type: 'alarm.resolved',
              at,
              alarm: { deviceId: null, functionTest: false, sender: { personId: null } },
            } as unknown as EventBody,
            alarmId: randomUUID(),
          }
        : { body: { type: 'device.online', at, device: { id: randomUUID(), name: 'PC', room: '' } } },
    ]),
  );
}

async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('fan-out heals after a failed read', () => {
  let database: Database;
  afterEach(async () => {
    await database?.close();
  });

  const setup = async (reads: StreamReads) => {
    database = await openDatabase({ databaseUrl: null, dataDir: null });
    await seedDemo(database.db, { dataDir: '/tmp', publicUrl: 'http://127.0.0.1' }).catch(() => null);
    const [org] = await database.db.select().from(organisations);
    const hub = new Hub(database.db, systemClock, log, reads);
    await database.listen(
      (p) => hub.onNotify(p),
      () => hub.onReconnect(),
    );
    return { hub, orgId: org!.id };
  };

  it('a failed first read refuses that connection only; the next one attaches and gets events', async () => {
    const { hub, orgId } = await setup(failingOnce('lastEventId'));
    const first = conn(orgId);
    await expect(hub.attach(first, null)).rejects.toThrow(/terminated/);
    expect(hub.connectionCount).toBe(0);
    const second = conn(orgId);
    expect(await hub.attach(second, null)).not.toBeNull();
    await announce(database, orgId);
    await until(() => second.frames.length === 1);
  });

  it('a failed fetch during fan-out is retried: the event still arrives', async () => {
    const { hub, orgId } = await setup(failingOnce('eventsAfter'));
    const c = conn(orgId);
    await hub.attach(c, null);
    await announce(database, orgId);
    await until(() => c.frames.length === 1);
    await announce(database, orgId);
    await until(() => c.frames.length === 2);
  });
});

describe("this instance's own commit", () => {
  let database: Database;
  afterEach(async () => {
    await database?.close();
  });

  /** Reads of the stream that count the range fetches. */
  const counting = () => {
    const calls = { eventsAfter: 0 };
    const reads: StreamReads = {
      lastEventId,
      replayAfter,
      eventsAfter: (...args) => {
        calls.eventsAfter++;
        return eventsAfter(...args);
      },
    };
    return { reads, calls };
  };

  /** What a commit of this instance hands over: the rows as committed. */
  const handOver = async (db: Database['db'], orgId: string, after: bigint) => ({
    orgId,
    rows: await eventsAfter(db, orgId, after, 10),
    receivers: new Map<string, Set<string>>(),
  });

  it('is fanned out as it was committed, without reading it back; after a gap it is fetched in order', async () => {
    database = await openDatabase({ databaseUrl: null, dataDir: null });
    await seedDemo(database.db, { dataDir: '/tmp', publicUrl: 'http://127.0.0.1' }).catch(() => null);
    const [org] = await database.db.select().from(organisations);
    const orgId = org!.id;
    const { reads, calls } = counting();
    const hub = new Hub(database.db, systemClock, log, reads);
    const c = conn(orgId);
    await hub.attach(c, null);
    const floor = await lastEventId(database.db, orgId);

    // The hub is not listening: it learns of commits only from what is handed to it.
    await announce(database, orgId);
    const first = await handOver(database.db, orgId, floor);
    const firstId = first.rows[0]!.id;
    hub.onNotify(`${orgId}:${firstId}`, first);
    await until(() => c.frames.length === 1);
    expect(JSON.parse(c.frames[0]!).event.id).toBe(firstId.toString());
    expect(calls.eventsAfter).toBe(0);

    // Two more commits, only the second handed over: the gap before it sends the hub to fetch.
    await announce(database, orgId);
    await announce(database, orgId);
    const both = await handOver(database.db, orgId, firstId);
    const last = { ...both, rows: both.rows.slice(1) };
    hub.onNotify(`${orgId}:${last.rows[0]!.id}`, last);
    await until(() => c.frames.length === 3);
    expect(calls.eventsAfter).toBeGreaterThan(0);
    expect(c.frames.slice(1).map((f) => JSON.parse(f).event.id)).toEqual(both.rows.map((r) => r.id.toString()));
  });
});

describe('fan-out is alarm work that heavy work waits for', () => {
  let database: Database;
  afterEach(async () => {
    await database?.close();
  });

  it('is under way from the notice until the events are sent, on the fetch path and the handed-over path', async () => {
    database = await openDatabase({ databaseUrl: null, dataDir: null });
    await seedDemo(database.db, { dataDir: '/tmp', publicUrl: 'http://127.0.0.1' }).catch(() => null);
    const [org] = await database.db.select().from(organisations);
    const orgId = org!.id;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const reads: StreamReads = {
      lastEventId,
      replayAfter,
      eventsAfter: async (...args) => {
        await held;
        return eventsAfter(...args);
      },
    };
    const activity = new AlarmActivity();
    const hub = new Hub(database.db, systemClock, log, reads, activity);
    const c = conn(orgId);
    await hub.attach(c, null);
    const floor = await lastEventId(database.db, orgId);

    // Handed over by this instance's commit: under way until the send right after the answer.
    await announce(database, orgId, true);
    const rows = await eventsAfter(database.db, orgId, floor, 10);
    // With who the alarm alerted (nobody here): handed over as it is, without a fetch.
    const receivers = new Map([[rows[0]!.alarmId!, new Set<string>()]]);
    hub.onNotify(`${orgId}:${rows[0]!.id}`, { orgId, rows, receivers });
    expect(activity.underWay).toBe(1);
    await activity.quiet(60_000);
    expect(c.frames).toHaveLength(1);
    expect(activity.underWay).toBe(0);

    // Announced by another instance: fetched, and under way from the read until sent.
    await announce(database, orgId, true);
    let read = false;
    const holding = reads.eventsAfter;
    reads.eventsAfter = async (...args) => {
      const found = await holding(...args);
      read = true;
      return found;
    };
    hub.onNotify(`${orgId}:${rows[0]!.id + 1n}`);
    release();
    await vi.waitFor(() => expect(read).toBe(true), { timeout: 30_000 });
    // Heavy work that asks now waits until the frames are out.
    await activity.quiet(60_000);
    expect(c.frames).toHaveLength(2);
    expect(activity.underWay).toBe(0);

    // A device coming online is not alarm work: thousands of agents would never let heavy work run.
    await announce(database, orgId);
    const device = await eventsAfter(database.db, orgId, rows[0]!.id + 1n, 10);
    hub.onNotify(`${orgId}:${device[0]!.id}`, { orgId, rows: device, receivers: new Map() });
    expect(activity.underWay).toBe(0);
    await vi.waitFor(() => expect(c.frames).toHaveLength(3), { timeout: 30_000 });
  });
});

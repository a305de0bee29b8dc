// The Wachsam server under test, in its own process (spawned by bench/alarm.js with an IPC
// channel): a real server on PostgreSQL with a throwaway database, the demo organisation, and
// bench receivers inserted directly. It answers commands over IPC and records, without changing
// the server's code, where the time of each alarm goes inside the server (raise, NOTIFY, the
// fan-out queries and the send loop) by wrapping the instances' methods.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import { PgDialect, PgPreparedQuery } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { startTestServer } from '../packages/server/dist/testing.js';
import {
  alarmGroupMembers,
  alarmGroups,
  alarmPlans,
  organisations,
  people,
  rooms,
  sessions,
} from '../packages/server/dist/db/schema.js';
import { newToken, sha256 } from '../packages/server/dist/auth/tokens.js';

const dialect = new PgDialect();
// BENCH_ATTACH: a second instance on the first one's database (the scale-out scenario): no demo
// data of its own, and the database stays when it closes (the first instance drops it).
const attach = process.env.BENCH_ATTACH;
const server = await startTestServer({
  backend: 'postgres',
  timers: true,
  ...(attach ? { databaseUrl: attach, demo: false } : {}),
});
const { db } = server.wachsam.database;
const hub = server.wachsam.hub;
const alarms = server.wachsam.services.alarms;

// ---- tracing (durations inside this process only) ----
/** alarm id → { raiseStart, raiseEnd, notify, queryStart, queryEnd, sendStart, sendEnd, sent } */
const trace = new Map();
const pendingNotifies = [];
const traceOf = (id) => {
  let t = trace.get(id);
  if (!t) trace.set(id, (t = {}));
  return t;
};

// Database round trips of each raise: every statement Drizzle sends from inside it (BEGIN and
// COMMIT count as statements of their own).
const inRaise = new AsyncLocalStorage();
const sending = PgPreparedQuery.prototype;
const send = sending.queryWithCache;
sending.queryWithCache = function (...args) {
  const counter = inRaise.getStore();
  if (counter) counter.roundTrips++;
  return send.apply(this, args);
};
// The raise up to its commit (not what runs after it: SMS and push for the offline, last position).
const raiseInTransaction = alarms.raiseInTransaction.bind(alarms);
alarms.raiseInTransaction = async (...args) => {
  const counter = { roundTrips: 0 };
  const res = await inRaise.run(counter, () => raiseInTransaction(...args));
  traceOf(res.response.alarm.id).roundTrips = counter.roundTrips;
  return res;
};
const raise = alarms.raise.bind(alarms);
alarms.raise = async (...args) => {
  const start = performance.now();
  const res = await raise(...args);
  const t = traceOf(res.alarm.id);
  t.raiseStart = start;
  t.raiseEnd = performance.now();
  return res;
};
const onNotify = hub.onNotify.bind(hub);
hub.onNotify = (payload, committed) => {
  const now = performance.now();
  if (committed) {
    // Handed over by this instance's commit: fanned out without a query when it can be.
    dispatchStart = dispatchNotify = now;
  } else pendingNotifies.push(now);
  onNotify(payload, committed);
};
const dispatchNew = hub.dispatchNew.bind(hub);
let dispatchStart = 0;
let dispatchNotify = 0;
hub.dispatchNew = async (orgId) => {
  dispatchStart = performance.now();
  dispatchNotify = pendingNotifies.length ? pendingNotifies[0] : dispatchStart;
  pendingNotifies.length = 0;
  return dispatchNew(orgId);
};
const fanOut = hub.fanOut.bind(hub);
hub.fanOut = (orgId, row, receivers, sender) => {
  const start = performance.now();
  fanOut(orgId, row, receivers, sender);
  const end = performance.now();
  if (row.type === 'alarm.raised' && row.alarmId) {
    const t = traceOf(row.alarmId);
    t.notify = dispatchNotify;
    t.queryStart = dispatchStart;
    t.sendStart = start;
    t.sendEnd = end;
    t.receivers = receivers?.size ?? 0;
  }
};

// Every SQL statement's time from the call to its result (includes waiting for the connection's
// previous statement), summed by the statement's shape.
const queries = new Map();
/** Rows written to the presence tables (connections, instances, devices) since start. */
const presenceRows = {};
const query = pg.Client.prototype.query;
const shape = (text) =>
  String(text)
    .replace(/\$\d+/g, '?')
    .replace(/\((\?, )*\?\)(, \((\?, )*\?\))+/g, '(…)×n')
    .replace(/\((\?, )+\?\)/g, '(?…)')
    .replace(/\s+/g, ' ')
    .slice(0, 110);
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  if (!text || typeof config?.submit === 'function') return query.call(this, config, values, callback);
  const start = performance.now();
  const done = (res) => {
    // Presence writes: rows inserted, updated or deleted in the presence tables.
    const m = /^\s*(?:insert into|update|delete from)\s+"?(connections|instances|devices)"?/i.exec(text);
    if (m && res?.rowCount) presenceRows[m[1]] = (presenceRows[m[1]] ?? 0) + res.rowCount;
    const key = shape(text);
    const q = queries.get(key) ?? { count: 0, ms: 0, max: 0 };
    const ms = performance.now() - start;
    q.count++;
    q.ms += ms;
    q.max = Math.max(q.max, ms);
    queries.set(key, q);
  };
  if (typeof values === 'function')
    return query.call(this, config, (err, res) => {
      done(res);
      values(err, res);
    });
  if (typeof callback === 'function')
    return query.call(this, config, values, (err, res) => {
      done(res);
      callback(err, res);
    });
  const p = query.call(this, config, values);
  p?.then?.(done, () => done());
  return p;
};

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
/** CPU ms of the main thread alone (Linux: utime + stime of the thread whose id is the pid, in clock ticks of 10 ms). */
const mainThreadCpuMs = () => {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
};
let cpuMark = { at: performance.now(), main: mainThreadCpuMs(), process: process.cpuUsage() };

// ---- bench data ----
const [org] = await db.select().from(organisations).limit(1);
const orgId = org.id;
const [room] = await db.select().from(rooms).where(eq(rooms.orgId, orgId)).limit(1);
const groups = new Map(); // n → group id
let receiverTokens = [];
let senderTokens = [];

async function insertPeople(count, prefix, roles) {
  const tokens = [];
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 24 * 3600 * 1000);
  const ids = [];
  for (let i = 0; i < count; i += 1000) {
    const rows = await db
      .insert(people)
      .values(
        Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({
          orgId,
          firstName: 'Bench',
          lastName: `${prefix}${i + j}`,
          phone: '+49 221 555-000',
          departmentId: room.departmentId,
          roomId: room.id,
          login: `bench.${prefix.toLowerCase()}${i + j}@bench.example`,
          roles,
        })),
      )
      .returning({ id: people.id });
    const batch = rows.map((r) => ({ personId: r.id, token: newToken() }));
    await db
      .insert(sessions)
      .values(
        batch.map((b) => ({ tokenHash: sha256(b.token), orgId, personId: b.personId, createdAt: now, expiresAt })),
      );
    for (const b of batch) {
      ids.push(b.personId);
      tokens.push(b.token);
    }
  }
  return { ids, tokens };
}

let profiler = null;
const commands = {
  /** N receivers (helpers), `senders` senders; one alarm group per requested size. */
  async setup({ receivers, sizes, senders }) {
    const r = await insertPeople(receivers, 'R', ['employee', 'helper']);
    const s = await insertPeople(senders, 'S', ['employee']);
    receiverTokens = r.tokens;
    senderTokens = s.tokens;
    for (const n of sizes) {
      const [g] = await db
        .insert(alarmGroups)
        .values({ orgId, name: `Bench ${n}` })
        .returning();
      for (let i = 0; i < n; i += 5000)
        await db
          .insert(alarmGroupMembers)
          .values(r.ids.slice(i, Math.min(n, i + 5000)).map((personId) => ({ groupId: g.id, personId })));
      groups.set(n, g.id);
    }
    const [{ version }] = (await db.execute(sql`select version() as version`)).rows;
    return { url: server.url, databaseUrl: server.databaseUrl, receiverTokens, senderTokens, postgres: version };
  },
  /** Replace the organisation's plans by one whose step 1 alerts the group of size n. */
  async plan({ n }) {
    await db.delete(alarmPlans).where(eq(alarmPlans.orgId, orgId));
    await db.insert(alarmPlans).values({
      orgId,
      name: `Bench ${n}`,
      scope: { kind: 'organisation' },
      steps: [{ targets: [{ kind: 'group', groupId: groups.get(n) }], timeoutSeconds: 60, callPolice: false }],
    });
    return { ok: true };
  },
  /**
   * The reference for the sender's 201: a bare `select 1` round trip plus one commit (a one-row
   * insert in its own transaction, synchronous commit), on the server's alarm pool, `count` times.
   */
  async roundTripReference({ count }) {
    const pool = new pg.Pool({ connectionString: server.databaseUrl, max: 1 });
    await pool.query('create table if not exists bench_commit_ref (at timestamptz)');
    const ms = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await pool.query('select 1');
      await pool.query('insert into bench_commit_ref values (now())');
      ms.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    await pool.end();
    return ms;
  },
  /**
   * Heavy data for the isolation scenario: `facts` anonymous incident facts over the last 5 years
   * (the Lagebild reads them) and `logRows` rows of the register access log (the CSV export reads
   * them; their hashes are placeholders: the export lists rows, it does not check the chain).
   */
  async seedHeavy({ facts, logRows }) {
    // Its own connection: the server's pools cut statements off after 5 s (alarm path) or 60 s.
    const seed = new pg.Client({ connectionString: server.databaseUrl });
    await seed.connect();
    const run = async (q) => {
      const { sql: text, params } = dialect.sqlToQuery(q);
      return seed.query(text, params);
    };
    try {
      const deps = (
        await run(
          sql`insert into departments (org_id, name) select ${orgId}, 'Bench-Abteilung ' || g from generate_series(1, 10) g returning id`,
        )
      ).rows.map((r) => r.id);
      const { incidentCategories } = await import('../packages/protocol/dist/index.js');
      const now = new Date();
      const firstMonth = new Date(Date.UTC(now.getUTCFullYear() - 4, 0, 1)).toISOString().slice(0, 10);
      await run(sql`select setseed(0.42)`);
      await run(sql`
      insert into incident_facts (org_id, month, department_id, main_category, categories, level)
      select ${orgId}, ${firstMonth}::date + floor(random() * 60)::int * interval '1 month',
        (${`{${deps.join(',')}}`}::uuid[])[1 + floor(random() * 10)::int], c, array[c], floor(random() * 4)::int
      from (select (${`{${incidentCategories.join(',')}}`}::text[])[1 + floor(power(random(), 2) * ${incidentCategories.length})::int] c
            from generate_series(1, ${facts}::int)) g`);
      const [{ last }] = (
        await run(sql`select coalesce(max(seq), 0)::bigint as last from register_access_log where org_id = ${orgId}`)
      ).rows;
      const base = Number(last) + 1_000_000;
      await run(sql`
      insert into register_access_log (seq, org_id, at, actor, action, purpose, query, result, prev_seq, prev_hash, hash)
      select ${base} + g, ${orgId}, now() - (g || ' minutes')::interval, 'Bench Person ' || (g % 50), 'lookup', 'case',
        jsonb_build_object('lastName', 'Name' || g), jsonb_build_object('outcome', 'none'),
        case when g = 1 then nullif(${Number(last)}, 0) else ${base} + g - 1 end, md5(g::text), md5((g + 1)::text)
      from generate_series(1, ${logRows}::int) g`);
      // The chain continues after the seeded rows (the next access takes the following seq).
      await run(sql`select setval(pg_get_serial_sequence('register_access_log', 'seq'), ${base + logRows})`);
      // Vacuumed and analysed now, so that autovacuum does not work through them during the run.
      await seed.query('vacuum analyze incident_facts');
      await seed.query('vacuum analyze register_access_log');
      const year = new Date().getUTCFullYear() - 1;
      return { year: String(year) };
    } finally {
      await seed.end();
    }
  },
  /** A CPU profile of this process over a window (BENCH_PROF: e.g. the city's idle time). */
  async profileStart() {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    return { ok: true };
  },
  async profileStop({ file }) {
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return { ok: true };
  },
  presenceWrites() {
    return { connections: 0, instances: 0, devices: 0, ...presenceRows };
  },
  memory() {
    globalThis.gc?.();
    globalThis.gc?.();
    // BENCH_HEAPSNAP=<file>: a heap snapshot with the receivers connected, to see what each keeps.
    if (process.env.BENCH_HEAPSNAP && hub.connectionCount > 0) writeHeapSnapshot(process.env.BENCH_HEAPSNAP);
    return { ...process.memoryUsage(), connections: hub.connectionCount };
  },
  /** Per-alarm server-side durations since the last call, plus event loop delay. */
  traces() {
    const out = [];
    for (const [id, t] of trace) if (t.raiseEnd !== undefined && t.sendEnd !== undefined) out.push({ id, ...t });
    for (const o of out) trace.delete(o.id);
    const delay = {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    };
    loopDelay.reset();
    const now = { at: performance.now(), main: mainThreadCpuMs(), process: process.cpuUsage() };
    const wall = now.at - cpuMark.at;
    const used = process.cpuUsage(cpuMark.process);
    const share = {
      mainThread: now.main === null || cpuMark.main === null ? null : (now.main - cpuMark.main) / wall,
      process: (used.user + used.system) / 1000 / wall,
    };
    cpuMark = now;
    const sqlTimes = [...queries].map(([text, q]) => ({ text, ...q })).sort((a, b) => b.ms - a.ms);
    queries.clear();
    return { alarms: out, loopDelay: delay, cpu: process.cpuUsage(), cpuShare: share, sql: sqlTimes };
  },
  async close() {
    closing = true;
    await server.close();
    setTimeout(() => process.exit(0), 50);
    return { ok: true };
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const result = await commands[cmd](args ?? {});
    process.send({ id, ok: true, result });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
// The parent died: drop the database anyway.
let closing = false;
process.on('disconnect', () => {
  if (closing) return;
  closing = true;
  server.close().finally(() => process.exit(0));
});
process.send({ ready: true, url: server.url });

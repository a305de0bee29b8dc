/* global setImmediate, fetch */
// Alarm fan-out benchmark (`npm run bench:alarm`; not a test).
//
// The Wachsam server runs on PostgreSQL in a child process (bench/server.js); this process holds
// the sender and all N receivers, so one clock (performance.now()) measures from the start of the
// raise request to the receipt of the `event` frame at each receiver. In the same run, the same
// fan-out through the local Mosquitto broker (MQTT QoS 1) and through a bare `ws` broadcast
// without persistence (bench/wsserver.js, also a child process) serve as references.
//
// Environment: BENCH_SIZES=1000,10000  BENCH_SINGLES=20  BENCH_BURSTS=5  BENCH_BURST=10
//              BENCH_RECEIPTS=1 (receivers send receipts like the web client)  MQTT_URL
import { execSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { WebSocket } from 'ws';
import { loginAs } from './login.js';
import { closeWs } from './ws.js';

// BENCH_QUICK=1: a one-minute subset (1,000 receivers, fewer alarms, no variant, a small city).
const quick = process.env.BENCH_QUICK === '1';
const sizes = (process.env.BENCH_SIZES ?? (quick ? '1000' : '1000,10000')).split(',').map(Number);
const singles = Number(process.env.BENCH_SINGLES ?? (quick ? 10 : 20));
const bursts = Number(process.env.BENCH_BURSTS ?? (quick ? 2 : 5));
// City scale: this many connected agents (0: skip), alarms to a group of 50 and an Amok burst.
// 20,000 is the goal; each side holds one socket per agent, and a process here may open 20,000
// files at most (hard limit): 19,000 agents leave room for the database and the rest.
const cityN = Number(process.env.BENCH_CITY ?? (quick ? 2000 : 19000));
const cityBase = 500; // the Amok alarm's receivers: the baseline has just them connected
// Scale out: a second instance B on the same database, this many receivers on each instance,
// alarms raised on A (0: skip). Compared with the single-instance figure of the same size.
const scaleN = Number(process.env.BENCH_SCALEOUT ?? Math.max(...sizes));
const burstSize = Number(process.env.BENCH_BURST ?? 10);
const receiptsDefault = process.env.BENCH_RECEIPTS !== '0';
const withVariant = process.env.BENCH_VARIANT !== '0' && !quick; // Wachsam again with receivers silent
let sendReceipts = receiptsDefault;
const withRefs = process.env.BENCH_REFS !== '0';
// BENCH_ISOLATION_LOADS: which heavy loads run beside the alarms in the isolation scenario (default all), to see what each costs
const isolationLoads = (process.env.BENCH_ISOLATION_LOADS ?? 'lagebildPdf,art15Pdf,accessLogCsv,uploads').split(',');
const profDir = process.env.BENCH_PROF; // a folder: CPU profiles of the server while the city is idle and under the isolation load go there
const mqttUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const pauseMs = 300;
const started = Date.now();
const budgetMs = (quick ? 3 : 20) * 60_000;
const maxN = Math.max(...sizes, cityN, 2 * scaleN);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

// ---------- children ----------
const children = new Set();
function spawnChild(file, extraArgs = [], env = {}) {
  const child = fork(new URL(file, import.meta.url), [], {
    execArgv: ['--expose-gc', ...extraArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let seq = 0;
  const waiting = new Map();
  let onReady;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => {
      children.delete(child);
      reject(new Error(`${file} exited with ${code}`));
      for (const w of waiting.values()) w.reject(new Error(`${file} exited with ${code}`));
    });
  });
  child.on('message', (m) => {
    if (m.ready) return onReady(m);
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  return {
    child,
    ready,
    exited: () => Promise.race([exited, sleep(10_000)]),
    call: (cmd, args) =>
      new Promise((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      }),
  };
}
function killChildren() {
  for (const c of children) c.kill('SIGTERM');
}
process.on('exit', killChildren);
const hardStop = setTimeout(() => {
  log('time budget exceeded: stopping');
  killChildren();
  setTimeout(() => process.exit(2), 3000);
}, budgetMs + 20_000);
hardStop.unref();

// ---------- arrivals: one clock for everything ----------
/** alarm/message id → { times: Float64Array (−1 = not yet), count } */
const arrivals = new Map();
let expectedN = 0;
function arrived(id, idx, t) {
  let a = arrivals.get(id);
  if (!a) arrivals.set(id, (a = { times: new Float64Array(expectedN).fill(-1), count: 0 }));
  if (a.times[idx] >= 0) return false; // duplicate: shown once
  a.times[idx] = t;
  a.count++;
  return true;
}
const alarmIdOf = (s) => {
  const i = s.indexOf('"alarm":{"id":"');
  if (i >= 0) return s.slice(i + 15, i + 51);
  try {
    return JSON.parse(s).event.alarm.id;
  } catch {
    return null;
  }
};

// Replies (receipts, pongs) are sent after the I/O phase, so that answering one receiver does not
// delay the timestamp of the next one: real receivers are separate machines.
let replies = [];
let replyScheduled = false;
function reply(ws, frame) {
  replies.push(ws, frame);
  if (!replyScheduled) {
    replyScheduled = true;
    setImmediate(() => {
      const r = replies;
      replies = [];
      replyScheduled = false;
      for (let i = 0; i < r.length; i += 2) if (r[i].readyState === WebSocket.OPEN) r[i].send(r[i + 1]);
    });
  }
}

let sampleFrame = null;
let sampleId = null;

// ---------- WebSocket receivers (product and bare ws) ----------
function connectWs(url, headers, idx) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect timeout'));
    }, 60_000);
    ws.on('message', (data) => {
      const t = performance.now();
      const s = data.toString();
      if (s.startsWith('{"kind":"event","forYou":true')) {
        if (!s.includes('"type":"alarm.raised"')) return;
        const id = alarmIdOf(s);
        if (id && arrived(id, idx, t)) {
          if (!sampleFrame) [sampleFrame, sampleId] = [s, id];
          if (sendReceipts) reply(ws, `{"kind":"receipt","alarmId":"${id}"}`);
        }
      } else if (s.startsWith('{"kind":"ping"')) {
        reply(ws, `{"kind":"pong","at":${JSON.parse(s).at}}`);
      } else if (s.startsWith('{"kind":"replayed"')) {
        clearTimeout(timer);
        resolve(ws);
      }
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
  });
}

async function pool(count, concurrency, fn) {
  const out = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

// ---------- MQTT receivers ----------
const topic = `wachsam/bench/${process.pid}`;
function connectMqtt(idx, subscribe) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(mqttUrl, {
      clientId: `wachsam-bench-${process.pid}-${idx}`,
      clean: true,
      reconnectPeriod: 0,
      keepalive: 30,
      connectTimeout: 60_000,
    });
    c.once('error', reject);
    c.once('connect', () => {
      if (!subscribe) return resolve(c);
      c.subscribe(topic, { qos: 1 }, (err, granted) => {
        if (err || granted?.[0]?.qos !== 1) reject(err ?? new Error(`subscribe refused: ${JSON.stringify(granted)}`));
        else resolve(c);
      });
    });
    if (subscribe)
      c.on('message', (_topic, payload) => {
        const t = performance.now();
        const id = alarmIdOf(payload.toString());
        if (id) arrived(id, idx, t);
      });
  });
}
const closeMqtt = (list) => Promise.all(list.map((c) => new Promise((r) => c.end(true, {}, () => r()))));

// ---------- measurement ----------
function pct(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
function summary(values) {
  const s = Float64Array.from(values).sort();
  return { n: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95), p99: pct(s, 0.99), max: s[s.length - 1] ?? NaN };
}

/** Wait until every receiver has the message, or the timeout. */
async function waitDelivered(ids, n, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (ids.every((id) => (arrivals.get(id)?.count ?? 0) >= n)) return;
    await sleep(2);
  }
}

/**
 * Singles then bursts through one target. `raise(sender)` returns { id, t0, ack, ok }.
 * Returns per phase the latency summary, delivered/expected, and the per-alarm records.
 */
async function measure(name, n, raise, senders) {
  const timeout = n >= 5000 ? 20_000 : 5_000;
  const result = {};
  // Warm-up (connections, JIT, caches): one single and one burst, not counted.
  {
    const r = await raise(0);
    await waitDelivered([r.id], n, timeout);
    const rs = await Promise.all(Array.from({ length: burstSize }, (_, i) => raise(i % senders)));
    await waitDelivered(
      rs.map((x) => x.id),
      n,
      timeout,
    );
    await sleep(pauseMs);
  }
  for (const phase of ['single', 'burst']) {
    const records = [];
    const load0 = os.loadavg()[0];
    const rounds = phase === 'single' ? singles : bursts;
    for (let k = 0; k < rounds; k++) {
      if (Date.now() - started > budgetMs) break;
      const rs =
        phase === 'single'
          ? [await raise(k % senders)]
          : await Promise.all(Array.from({ length: burstSize }, (_, i) => raise(i % senders)));
      await waitDelivered(
        rs.map((x) => x.id),
        n,
        timeout,
      );
      records.push(...rs);
      await sleep(phase === 'single' ? pauseMs : 3 * pauseMs);
    }
    const lat = [];
    const first = [];
    let delivered = 0;
    for (const r of records) {
      const a = arrivals.get(r.id);
      if (!a) continue;
      let f = Infinity;
      for (const t of a.times)
        if (t >= 0) {
          lat.push(t - r.t0);
          f = Math.min(f, t - r.t0);
        }
      first.push(f);
      delivered += a.count;
      r.last = Math.max(...a.times) - r.t0;
      r.first = f;
    }
    for (const r of records) arrivals.delete(r.id);
    result[phase] = {
      ...summary(lat),
      delivered,
      expected: records.length * n,
      messages: records.length,
      committed: records.filter((r) => r.ok).length,
      load: [load0, os.loadavg()[0]],
      ack: summary(records.map((r) => r.ack)),
      first: summary(first),
      records,
    };
    log(
      `${name} N=${n} ${phase}: p50 ${result[phase].p50.toFixed(1)} p99 ${result[phase].p99.toFixed(1)} ms, ` +
        `${delivered}/${records.length * n} delivered, ack p50 ${result[phase].ack.p50.toFixed(1)} ms`,
    );
  }
  return result;
}

// ---------- targets ----------
/** Raises answered 503 and sent again (reported with the results). */
let retried503 = 0;
/** Raise an alarm as sender number `sender` (a console alarm with a fresh idempotency key). */
function raiserFor(setup) {
  return async (sender) => {
    const t0 = performance.now();
    const key = `bench-${randomUUID()}`;
    // Like the agent's outbox: a 503 (the database not reachable in time) is sent again with the
    // same key; the latency counts from the first attempt.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${setup.url}/api/alarms`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `wachsam_session=${setup.senderTokens[sender]}`,
          'idempotency-key': key,
        },
        body: '{"source":"console"}',
      });
      const body = await res.json();
      if (res.status === 503 && attempt < 10) {
        retried503++;
        await sleep(200);
        continue;
      }
      const ack = performance.now() - t0;
      if (res.status !== 201) throw new Error(`raise: ${res.status} ${JSON.stringify(body)}`);
      return { id: body.alarm.id, t0, ack, ok: true, alerted: body.alarm.alerted ?? null, attempts: attempt + 1 };
    }
  };
}

async function runWachsam(srv, setup, n) {
  await srv.call('plan', { n });
  expectedN = n;
  const before = await srv.call('memory');
  const wsUrl = `${setup.url.replace(/^http/, 'ws')}/api/realtime`;
  const t = performance.now();
  const clients = await pool(n, 50, (i) =>
    connectWs(wsUrl, { cookie: `wachsam_session=${setup.receiverTokens[i]}` }, i),
  );
  log(`wachsam: ${n} receivers connected in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await sleep(2000);
  const after = await srv.call('memory');
  const cpuServer0 = (await srv.call('traces')).cpu; // also resets the traces
  const clientLoop = monitorEventLoopDelay({ resolution: 1 });
  clientLoop.enable();
  const cpu0 = process.cpuUsage();
  const raise = raiserFor(setup);
  const result = await measure('wachsam', n, raise, setup.senderTokens.length);
  // The reference for the 201, with the same receivers connected: select 1 plus one commit.
  result.roundTripRef = summary(await srv.call('roundTripReference', { count: singles * 2 }));
  if (withVariant && receiptsDefault && Date.now() - started < budgetMs * (n >= 5000 ? 0.55 : 0.8)) {
    // Same connections, but the receivers send no receipts: isolates the cost of recording them
    // (and of the alarm.delivered event they cause) from the raise and fan-out path.
    await sleep(2000);
    sendReceipts = false;
    const variant = await measure('wachsam (no receipts)', n, raise, setup.senderTokens.length);
    sendReceipts = receiptsDefault;
    result.noReceiptsSingle = variant.single;
    result.noReceiptsBurst = variant.burst;
  }
  result.clientCpu = process.cpuUsage(cpu0);
  result.clientLoopMax = clientLoop.max / 1e6;
  clientLoop.disable();
  const traces = await srv.call('traces');
  result.server = traces;
  result.serverCpuMs = (traces.cpu.user + traces.cpu.system - cpuServer0.user - cpuServer0.system) / 1000;
  result.memory = { before, after, n };
  await closeWs(clients);
  return result;
}

async function runBareWs(n) {
  const ref = spawnChild('./wsserver.js');
  const { url } = await ref.ready;
  expectedN = n;
  const before = await ref.call('memory');
  const wsUrl = url.replace(/^http/, 'ws');
  const clients = await pool(n, 200, (i) => connectWs(wsUrl, {}, i));
  await sleep(1000);
  const after = await ref.call('memory');
  const raise = async () => {
    const id = randomUUID();
    const frame = sampleFrame.split(sampleId).join(id);
    const t0 = performance.now();
    const res = await fetch(`${url}/broadcast`, { method: 'POST', body: frame });
    const ack = performance.now() - t0;
    await res.arrayBuffer();
    return { id, t0, ack, ok: res.status === 200 };
  };
  const result = await measure('bare ws', n, raise, burstSize);
  result.memory = { before, after, n };
  await closeWs(clients);
  await ref.call('close');
  await ref.exited();
  return result;
}

/**
 * The broker's own heap count ($SYS/broker/heap/current, published every sys_interval, 10 s by
 * default): its RSS does not move, because it reuses memory freed by earlier connections.
 */
async function mosquittoHeap(sysClient) {
  const since = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => (sysClient.off('message', on), resolve(null)), 12_000);
    const on = (t, payload) => {
      if (t !== '$SYS/broker/heap/current' || performance.now() < since) return;
      clearTimeout(timer);
      sysClient.off('message', on);
      resolve(Number(payload.toString()));
    };
    sysClient.on('message', on);
  });
}

async function runMqtt(n) {
  expectedN = n;
  const sys = await connectMqtt(n + burstSize, false);
  await sys.subscribeAsync('$SYS/broker/heap/current');
  const before = await mosquittoHeap(sys);
  const subs = await pool(n, 50, (i) => connectMqtt(i, true));
  const pubs = await pool(burstSize, burstSize, (i) => connectMqtt(n + i, false));
  const after = await mosquittoHeap(sys);
  const raise = async (sender) => {
    const id = randomUUID();
    const frame = sampleFrame.split(sampleId).join(id);
    const t0 = performance.now();
    const ack = await new Promise((resolve, reject) =>
      pubs[sender].publish(topic, frame, { qos: 1 }, (err) => (err ? reject(err) : resolve(performance.now() - t0))),
    );
    return { id, t0, ack, ok: true };
  };
  const result = await measure('mosquitto', n, raise, burstSize);
  result.memory = { before: before && { heap: before }, after: after && { heap: after }, n };
  await closeMqtt([...subs, ...pubs, sys]);
  return result;
}

// ---------- city scale ----------
/** Latency per receiver from the raise's start, over the records of alarms to `n` receivers. */
function latencies(records) {
  const lat = [];
  let delivered = 0;
  for (const r of records) {
    const a = arrivals.get(r.id);
    if (!a) continue;
    for (const t of a.times) if (t >= 0) lat.push(t - r.t0);
    delivered += a.count;
    arrivals.delete(r.id);
  }
  return { ...summary(lat), delivered };
}

/**
 * Connected agents that behave like the agent: each sends a ping every heartbeat interval
 * (spread over it) and answers the server's pings. One timer for all.
 */
function agentHeartbeats(clients) {
  let next = 0;
  const slices = 100;
  const timer = setInterval(() => {
    const per = Math.ceil(clients.length / slices);
    for (let k = 0; k < per; k++) {
      const ws = clients[next++ % clients.length];
      if (ws.readyState === WebSocket.OPEN) ws.send(`{"kind":"ping","at":${Date.now()}}`);
    }
  }, 10_000 / slices);
  return () => clearInterval(timer);
}

/**
 * With `count` agents connected: the server's CPU and the presence rows written while idle, then
 * 10 alarms to a group of 50 and an "Amok" burst of 50 alarms within one second to the 500
 * people of the building.
 */
async function runCity(srv, setup, count, raise) {
  const wsUrl = `${setup.url.replace(/^http/, 'ws')}/api/realtime`;
  const t = performance.now();
  const clients = await pool(count, 100, (i) =>
    connectWs(wsUrl, { cookie: `wachsam_session=${setup.receiverTokens[i]}` }, i),
  );
  log(`city: ${count} agents connected in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const stop = agentHeartbeats(clients);
  const out = { count };
  try {
    await sleep(12_000); // every agent has pinged, presence has ticked
    const idleMs = quick ? 15_000 : 30_000;
    const w0 = await srv.call('presenceWrites');
    const c0 = (await srv.call('traces')).cpu;
    if (profDir) await srv.call('profileStart');
    await sleep(idleMs);
    const c1 = (await srv.call('traces')).cpu;
    if (profDir) await srv.call('profileStop', { file: `${profDir}/city-idle-${count}.cpuprofile` });
    await sleep(1500); // table statistics are flushed with a delay
    const w1 = await srv.call('presenceWrites');
    out.idleCpu = (c1.user + c1.system - c0.user - c0.system) / 1000 / idleMs;
    out.presenceWrites = Object.fromEntries(Object.keys(w1).map((k) => [k, w1[k] - (w0[k] ?? 0)]));
    out.idleMs = idleMs;
    expectedN = cityBase;
    await srv.call('plan', { n: 50 });
    const group = [];
    for (let k = 0; k < (quick ? 5 : 10) + 1; k++) {
      const r = await raise(k % setup.senderTokens.length);
      await waitDelivered([r.id], 50, 20_000);
      if (k > 0)
        group.push(r); // the first is a warm-up
      else arrivals.delete(r.id);
      await sleep(pauseMs);
    }
    out.group = latencies(group);
    out.group.expected = group.length * 50;
    await srv.call('plan', { n: cityBase });
    const amok = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sleep(i * 20).then(() => raise(i % setup.senderTokens.length))),
    );
    await waitDelivered(
      amok.map((r) => r.id),
      cityBase,
      60_000,
    );
    out.amok = latencies(amok);
    out.amok.expected = amok.length * cityBase;
    log(
      `city ${count}: idle CPU ${(out.idleCpu * 100).toFixed(1)} % of a core; group p99 ${out.group.p99.toFixed(1)} ms; ` +
        `Amok p99 ${out.amok.p99.toFixed(1)} ms`,
    );
  } finally {
    stop();
    await closeWs(clients);
  }
  return out;
}

// ---------- scale out ----------
/**
 * Two instances on one PostgreSQL: `n` receivers connected to A (held by a child process, see
 * receivers.js) and `n` to B (here, timed), one plan alerting all 2n; alarms raised on A. B
 * learns of them only through the database (NOTIFY, then the event read back).
 */
async function runScaleOut(srv, setup, n) {
  const b = spawnChild('./server.js', [], { BENCH_ATTACH: setup.databaseUrl });
  const rec = spawnChild('./receivers.js');
  let clients = [];
  try {
    const [{ url: urlB }] = await Promise.all([b.ready, rec.ready]);
    await srv.call('plan', { n: 2 * n });
    expectedN = n;
    const t = performance.now();
    const wsA = `${setup.url.replace(/^http/, 'ws')}/api/realtime`;
    const wsB = `${urlB.replace(/^http/, 'ws')}/api/realtime`;
    const [, onB] = await Promise.all([
      rec.call('connect', { url: wsA, tokens: setup.receiverTokens.slice(n, 2 * n) }),
      pool(n, 50, (i) => connectWs(wsB, { cookie: `wachsam_session=${setup.receiverTokens[i]}` }, i)),
    ]);
    clients = onB;
    log(`scale-out: ${n} receivers on A and ${n} on B connected in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await sleep(2000);
    const result = await measure('scale-out (at B)', n, raiserFor(setup), setup.senderTokens.length);
    for (const phase of ['single', 'burst']) {
      const ids = result[phase].records.map((r) => r.id);
      const atA = await rec.call('delivered', { ids });
      result[phase].deliveredA = atA.reduce((x, y) => x + y, 0);
      result[phase].expectedA = ids.length * n;
    }
    result.n = n;
    return result;
  } finally {
    await closeWs(clients);
    await rec.call('close').catch(() => undefined);
    await b.call('close').catch(() => undefined);
    await Promise.all([rec.exited(), b.exited()]);
  }
}

// ---------- isolation ----------
/** Repeat `fn` until `stop.now`; counts the rounds and the failures (a failure is not retried faster). */
function loop(stop, fn) {
  const stats = { done: 0, failed: 0, ms: [] };
  const run = (async () => {
    while (!stop.now) {
      const t = performance.now();
      try {
        await fn();
        stats.done++;
        stats.ms.push(performance.now() - t);
      } catch (err) {
        stats.failed++;
        stats.error = String(err.message ?? err);
        await sleep(200);
      }
    }
  })();
  return { stats, run };
}

/**
 * Alarms to n receivers while the heavy work of the other domains runs at the same time: a
 * Lagebild PDF over all incident facts, an Art. 15 PDF, the access-log CSV, and 10 report uploads
 * (2 MB each), each in a loop. The same alarms idle first.
 */
async function runIsolation(srv, setup, n, raise) {
  const heavy = await srv.call('seedHeavy', { facts: quick ? 100_000 : 1_000_000, logRows: quick ? 5_000 : 50_000 });
  const base = setup.url;
  const [stats, dp, reporter] = await Promise.all(
    ['sicherheit', 'datenschutz', 'anna.schmidt'].map((w) => loginAs(base, w)),
  );
  await srv.call('plan', { n });
  expectedN = n;
  const wsUrl = `${base.replace(/^http/, 'ws')}/api/realtime`;
  const clients = await pool(n, 100, (i) =>
    connectWs(wsUrl, { cookie: `wachsam_session=${setup.receiverTokens[i]}` }, i),
  );
  const rounds = quick ? 8 : singles;
  const alarmsNow = async () => {
    await srv.call('traces'); // resets the server's event loop delay
    const records = [];
    for (let k = 0; k < rounds + 1; k++) {
      const r = await raise(k % setup.senderTokens.length);
      await waitDelivered([r.id], n, 20_000);
      if (k > 0) records.push(r);
      else arrivals.delete(r.id);
      await sleep(pauseMs);
    }
    const out = latencies(records);
    out.expected = records.length * n;
    out.ack = summary(records.map((r) => r.ack));
    const t = await srv.call('traces');
    out.serverLoop = t.loopDelay;
    out.serverCpu = t.cpuShare;
    const traced = new Map(t.alarms.map((a) => [a.id, a]));
    const inServer = records.map((r) => traced.get(r.id)).filter(Boolean);
    out.commit = summary(inServer.map((a) => a.raiseEnd - a.raiseStart));
    out.sendLoop = summary(inServer.map((a) => a.sendEnd - a.sendStart));
    return out;
  };
  const out = {};
  try {
    out.idle = await alarmsNow();
    const get = (path, cookie) => async () => {
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return body.byteLength;
    };
    const post = (path, cookie, body) => async () => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    };
    const file = Buffer.alloc(2 * 1024 * 1024, 7);
    const upload = async () => {
      const created = await fetch(`${base}/api/reports`, {
        method: 'POST',
        headers: { cookie: reporter, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ description: 'Bench: Drohung am Schalter', categories: ['threat'] }),
      });
      const draft = await created.json();
      if (created.status !== 201) throw new Error(`report: ${created.status} ${JSON.stringify(draft).slice(0, 200)}`);
      const res = await fetch(`${base}/api/reports/${draft.id}/attachments?name=foto.jpg`, {
        method: 'POST',
        headers: { cookie: reporter, 'content-type': 'image/jpeg' },
        body: file,
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`upload: ${res.status}`);
    };
    const stop = { now: false };
    const loads = {
      lagebildPdf: [get(`/api/stats/lagebild.pdf?period=${heavy.year}`, stats)],
      art15Pdf: [post('/api/register/access-report/pdf', dp, { lastName: 'Grimmig', firstName: 'Gerd' })],
      accessLogCsv: [get('/api/register/access-log/export.csv', dp)],
      uploads: Array.from({ length: 10 }, () => upload),
    };
    const loops = {};
    for (const [name, fns] of Object.entries(loads))
      if (isolationLoads.includes(name)) fns.forEach((fn, i) => (loops[`${name}${i}`] = loop(stop, fn)));
    await sleep(2000); // every loop is under way
    if (profDir) await srv.call('profileStart');
    out.loaded = await alarmsNow();
    if (profDir) await srv.call('profileStop', { file: `${profDir}/isolation-loaded.cpuprofile` });
    stop.now = true;
    await Promise.all(Object.values(loops).map((l) => l.run));
    out.heavy = {};
    for (const name of Object.keys(loads)) {
      const of = Object.entries(loops)
        .filter(([k]) => k.startsWith(name))
        .map(([, l]) => l.stats);
      if (of.length === 0) continue;
      out.heavy[name] = {
        done: of.reduce((a, st) => a + st.done, 0),
        failed: of.reduce((a, st) => a + st.failed, 0),
        error: of.find((st) => st.error)?.error,
        ...(name === 'uploads' ? {} : summary(of.flatMap((st) => st.ms))),
      };
    }
    log(
      `isolation N=${n}: idle p99 ${out.idle.p99.toFixed(1)} ms, under load p99 ${out.loaded.p99.toFixed(1)} ms; ` +
        JSON.stringify(
          Object.fromEntries(Object.entries(out.heavy).map(([k, v]) => [k, `${v.done} ok, ${v.failed} failed`])),
        ),
    );
  } finally {
    await closeWs(clients);
  }
  return { n, ...out };
}

// ---------- report ----------
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const percent = (share) => (share === null || share === undefined ? '–' : (100 * share).toFixed(0));
function revision() {
  try {
    const head = execSync('git rev-parse --short HEAD').toString().trim();
    const dirty = execSync('git status --porcelain -- packages/server packages/protocol').toString().trim();
    return `commit ${head}${dirty ? ' + uncommitted server/protocol changes (shared checkout)' : ''}`;
  } catch {
    return 'unknown';
  }
}
function machine(pgVersion) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? '?';
  let mosq = '?';
  try {
    mosq = /version ([\d.]+)/.exec(execSync('mosquitto -h 2>&1 || true').toString())?.[1] ?? '?';
  } catch {
    /* not installed as a command */
  }
  return [
    `- date: ${new Date().toISOString()}`,
    `- cores (nproc): ${os.availableParallelism?.() ?? os.cpus().length}; CPU: ${model}`,
    `- RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; kernel ${os.release()}; open files limit ${execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim()}`,
    `- Node ${process.version}; ${pgVersion.split(',')[0]}; Mosquitto ${mosq}`,
    `- code: ${revision()}`,
  ].join('\n');
}

function report(results, pgVersion) {
  const lines = [];
  lines.push('# Alarm fan-out benchmark (`npm run bench:alarm`)', '');
  lines.push(machine(pgVersion), '');
  lines.push(
    `Latency: start of the raise request → receipt of the frame at each receiver, one clock in the client process ` +
      `(the sender and all receivers; the servers run in their own processes on the same 2 cores). ` +
      `single = ${singles} alarms one after another (${pauseMs} ms pause); burst = ${bursts} × ${burstSize} alarms from ${burstSize} senders at once. ` +
      `Warm-up excluded. Receivers send receipts: ${receiptsDefault ? 'yes (like the web client; the variant rows without)' : 'no'}. Milliseconds.`,
    '',
  );
  lines.push(
    '| scenario | N | messages | p50 | p95 | p99 | max | delivered/expected | p99 / Mosquitto p99 | p99 / bare ws p99 |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const goals = [];
  for (const { n, wachsam, ws, mq } of results) {
    for (const phase of ['single', 'burst']) {
      const ref = { mq: mq?.[phase], ws: ws?.[phase] };
      for (const [label, r] of [
        ['Wachsam (PostgreSQL, committed)', wachsam?.[phase]],
        [
          'Wachsam, receivers send no receipts (variant)',
          phase === 'single' ? wachsam?.noReceiptsSingle : wachsam?.noReceiptsBurst,
        ],
        ['bare ws broadcast', ref.ws],
        [`Mosquitto MQTT QoS 1`, ref.mq],
      ]) {
        if (!r) continue;
        lines.push(
          `| ${label}, ${phase} | ${n} | ${r.messages} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.max)} | ` +
            `${r.delivered}/${r.expected}${r.delivered === r.expected ? '' : ' ⚠'} | ${ref.mq ? f(r.p99 / ref.mq.p99, 2) : '–'} | ${ref.ws ? f(r.p99 / ref.ws.p99, 2) : '–'} |`,
        );
      }
      if (wachsam?.[phase]) {
        const r = wachsam[phase];
        const okRel = ref.mq ? r.p99 <= ref.mq.p99 : null;
        const okAll = r.delivered === r.expected && r.committed === r.messages;
        goals.push(
          `- N=${n} ${phase}: p99 ${f(r.p99)} ms vs 1.0 × Mosquitto QoS 1 p99 (${ref.mq ? f(ref.mq.p99) : '–'} ms): ` +
            `**${okRel === null ? 'n/a' : okRel ? 'met' : 'missed'}**; ` +
            `all committed (201) and 100 % delivered: **${okAll ? 'yes' : 'no'}**`,
        );
      }
    }
  }
  for (const { n, wachsam } of results) {
    if (!wachsam) continue;
    const trips = wachsam.server.alarms.map((a) => a.roundTrips).filter((x) => x !== undefined);
    const ref = wachsam.roundTripRef;
    const ack = wachsam.single?.ack;
    if (trips.length)
      goals.push(
        `- N=${n}: database round trips per raise (every statement the raise sends): ` +
          `min ${Math.min(...trips)}, max ${Math.max(...trips)} vs goal ≤ 2: **${Math.max(...trips) <= 2 ? 'met' : 'missed'}**`,
      );
    if (ref && ack)
      goals.push(
        `- N=${n} single: sender's 201 p99 ${f(ack.p99)} ms vs 1.5 × (select 1 + one commit) p99 ` +
          `${f(1.5 * ref.p99)} ms (reference p50 ${f(ref.p50)} ms): **${ack.p99 <= 1.5 * ref.p99 ? 'met' : 'missed'}**`,
      );
  }
  const city = results.city;
  if (city) {
    const perMin = (c, k) => (c.presenceWrites[k] * 60_000) / c.idleMs;
    const ok = (b) => `**${b ? 'met' : 'missed'}**`;
    goals.push(
      `- city: alarms to a group of 50 with ${city.city.count} agents connected, p99 ${f(city.city.group.p99)} ms vs ` +
        `1.2 × with ${city.base.count} (${f(1.2 * city.base.group.p99)} ms): ${ok(city.city.group.p99 <= 1.2 * city.base.group.p99)}`,
      `- city: Amok burst (50 alarms within 1 s to ${cityBase}) with ${city.city.count} agents, p99 ${f(city.city.amok.p99)} ms vs ` +
        `1.2 × with ${city.base.count} (${f(1.2 * city.base.amok.p99)} ms): ${ok(city.city.amok.p99 <= 1.2 * city.base.amok.p99)}`,
      `- city: server CPU while idle with ${city.city.count} agents ${f(city.city.idleCpu * 100)} % of one core vs ≤ 20 %: ` +
        ok(city.city.idleCpu <= 0.2),
      `- city: presence rows written per minute with ${city.city.count} agents ${f(perMin(city.city, 'connections') + perMin(city.city, 'instances') + perMin(city.city, 'devices'), 0)} ` +
        `vs with ${city.base.count}: ${f(perMin(city.base, 'connections') + perMin(city.base, 'instances') + perMin(city.base, 'devices'), 0)} ` +
        `(grow with instances, not connections): ${ok(perMin(city.city, 'connections') + perMin(city.city, 'devices') <= perMin(city.base, 'connections') + perMin(city.base, 'devices') + 12)}`,
    );
  }
  const iso = results.isolation;
  if (iso)
    goals.push(
      `- isolation: alarms to ${iso.n} while ${Object.keys(iso.heavy).length === 4 ? 'a Lagebild PDF, an Art. 15 PDF, the access-log CSV and 10 uploads' : `only ${Object.keys(iso.heavy).join(', ')}`} run, ` +
        `p99 ${f(iso.loaded.p99)} ms vs 1.5 × idle p99 (${f(1.5 * iso.idle.p99)} ms): **${iso.loaded.p99 <= 1.5 * iso.idle.p99 ? 'met' : 'missed'}**`,
    );
  const so = results.scaleOut;
  if (so) {
    const single = results.find((e) => e.n === so.n)?.wachsam;
    for (const phase of ['single', 'burst']) {
      const r = so[phase];
      const ref = single?.[phase];
      goals.push(
        `- scale out: ${so.n} receivers on each of two instances, raised on A, ${phase}: p99 at B's receivers ${f(r.p99)} ms vs ` +
          `1.2 × the single instance with ${so.n} (${ref ? f(1.2 * ref.p99) : '–'} ms): ` +
          `**${ref ? (r.p99 <= 1.2 * ref.p99 ? 'met' : 'missed') : 'n/a'}**; delivered at B ${r.delivered}/${r.expected}, ` +
          `at A ${r.deliveredA}/${r.expectedA}`,
      );
    }
  }
  for (const { n, wachsam, ws } of results) {
    const m = wachsam?.memory;
    const w = ws?.memory;
    if (!m?.before || !w?.before) continue;
    const perConn = (x) => (x.after.rss - x.before.rss) / x.n;
    const heapPer = (x) => (x.after.heapUsed + x.after.external - x.before.heapUsed - x.before.external) / x.n;
    goals.push(
      `- memory: server RSS per idle connection at N=${n} ${f(perConn(m) / 1024)} KiB vs 1.2 × bare ws ` +
        `(${f((1.2 * perConn(w)) / 1024)} KiB): **${perConn(m) <= 1.2 * perConn(w) ? 'met' : 'missed'}** ` +
        `(JS heap and buffers alone: ${f(heapPer(m) / 1024)} KiB vs ${f(heapPer(w) / 1024)} KiB)`,
    );
  }
  goals.push(`- raises answered 503 (database not reachable in time) and sent again with the same key: ${retried503}`);
  lines.push('', '## Goals', '', ...goals, '');
  if (iso) {
    lines.push(
      '## Isolation',
      '',
      `Alarms one after another to ${iso.n} receivers (PostgreSQL), first idle, then while these run in loops at the ` +
        'same time: the Lagebild PDF for one year over all incident facts, an Art. 15 PDF, the access-log CSV export, ' +
        'and 10 clients each creating a report and uploading 2 MB of evidence. Latency from the start of the raise to each ' +
        'receiver, ms; the heavy requests with how many finished during the alarms and their duration.',
      '',
      '| phase | p50 | p95 | p99 | max | delivered | 201 p99 | raise→commit p50 / p99 | send loop p50 / p99 | server loop delay p99 / max | server CPU, % of a core: main thread / process |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const [label, r] of [
      ['idle', iso.idle],
      ['under load', iso.loaded],
    ])
      lines.push(
        `| ${label} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.max)} | ${r.delivered}/${r.expected} | ${f(r.ack.p99)} | ` +
          `${r.commit ? `${f(r.commit.p50)} / ${f(r.commit.p99)}` : '–'} | ${r.sendLoop ? `${f(r.sendLoop.p50)} / ${f(r.sendLoop.p99)}` : '–'} | ` +
          `${r.serverLoop ? `${f(r.serverLoop.p99)} / ${f(r.serverLoop.max)}` : '–'} | ` +
          `${r.serverCpu ? `${percent(r.serverCpu.mainThread)} / ${percent(r.serverCpu.process)}` : '–'} |`,
      );
    lines.push('', '| heavy request | done | failed | p50 ms | p99 ms |', '|---|---:|---:|---:|---:|');
    for (const [k, v] of Object.entries(iso.heavy))
      lines.push(
        `| ${k} | ${v.done} | ${v.failed}${v.error ? ` (${v.error.slice(0, 60)})` : ''} | ${f(v.p50)} | ${f(v.p99)} |`,
      );
    lines.push('');
  }
  if (so) {
    lines.push(
      '## Scale out',
      '',
      `Two instances A and B on one PostgreSQL, ${so.n} receivers connected to each, one plan alerting all ${2 * so.n}; ` +
        'alarms raised on A (same singles and bursts as above). B hears of them only through the database (NOTIFY, then ' +
        "reads the event). Latency from the start of the raise to each of B's receivers, ms; A's receivers are held by a " +
        'second client process (one process may open 20,000 files here) and counted, not timed.',
      '',
      '| phase | p50 | p95 | p99 | max | delivered at B | delivered at A | single instance p99 | ratio |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const single = results.find((e) => e.n === so.n)?.wachsam;
    for (const phase of ['single', 'burst']) {
      const r = so[phase];
      const ref = single?.[phase];
      lines.push(
        `| ${phase} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.max)} | ${r.delivered}/${r.expected} | ` +
          `${r.deliveredA}/${r.expectedA} | ${ref ? f(ref.p99) : '–'} | ${ref ? f(r.p99 / ref.p99, 2) : '–'} |`,
      );
    }
    lines.push('');
  }
  if (city) {
    lines.push(
      '## City scale',
      '',
      `Agents connected as the agent does (a ping every 10 s, pongs to the server's pings). Idle: ${f(city.city.idleMs / 1000, 0)} s ` +
        `with nothing raised. Then ${city.city.group.expected / 50} alarms one after another to a group of 50, and an "Amok" ` +
        `burst of 50 alarms within one second (one every 20 ms) to the ${cityBase} people of the building. The baseline has ` +
        `just those ${cityBase} connected. Latency from the start of the raise to each receiver, ms.`,
      '',
      '| agents connected | idle CPU, % of one core | presence rows/min (connections, instances, devices) | group of 50 p50 / p99 | delivered | Amok p50 / p99 | delivered |',
      '|---:|---:|---|---:|---:|---:|---:|',
    );
    for (const c of [city.base, city.city]) {
      const pm = (k) => f((c.presenceWrites[k] * 60_000) / c.idleMs, 0);
      lines.push(
        `| ${c.count} | ${f(c.idleCpu * 100)} | ${pm('connections')}, ${pm('instances')}, ${pm('devices')} | ` +
          `${f(c.group.p50)} / ${f(c.group.p99)} | ${c.group.delivered}/${c.group.expected} | ` +
          `${f(c.amok.p50)} / ${f(c.amok.p99)} | ${c.amok.delivered}/${c.amok.expected} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Where the time goes (Wachsam)', '');
  lines.push(
    'Client side (from the start of the POST): the 201, the first and the last receiver. Server side (inside the server ' +
      'process, from the entry of `AlarmService.raise`): the commit returned, the NOTIFY heard, the fan-out queries done ' +
      '(send loop starts), the send loop done. p50 / p99 over alarms, ms.',
    '',
  );
  lines.push(
    '| N | phase | 201 | first receipt | last receipt | raise→commit | →NOTIFY heard | →send loop start | →send loop end | send loop | server loop delay max | client loop delay max |',
  );
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { n, wachsam } of results) {
    if (!wachsam) continue;
    const tr = new Map(wachsam.server.alarms.map((a) => [a.id, a]));
    for (const [phase, key] of [
      ['single', 'single'],
      ['burst', 'burst'],
      ['single, no receipts', 'noReceiptsSingle'],
      ['burst, no receipts', 'noReceiptsBurst'],
    ]) {
      const r = wachsam[key];
      if (!r) continue;
      const ts = r.records.map((x) => tr.get(x.id)).filter(Boolean);
      const s = (fn) => summary(ts.map(fn));
      const pp = (x) => `${f(x.p50)} / ${f(x.p99)}`;
      lines.push(
        `| ${n} | ${phase} | ${pp(r.ack)} | ${pp(r.first)} | ${pp(summary(r.records.map((x) => x.last)))} | ` +
          `${pp(s((a) => a.raiseEnd - a.raiseStart))} | ${pp(s((a) => a.notify - a.raiseStart))} | ` +
          `${pp(s((a) => a.sendStart - a.raiseStart))} | ${pp(s((a) => a.sendEnd - a.raiseStart))} | ` +
          `${pp(s((a) => a.sendEnd - a.sendStart))} | ${f(wachsam.server.loopDelay.max)} | ${f(wachsam.clientLoopMax)} |`,
      );
    }
  }
  lines.push('');
  for (const { n, wachsam } of results) {
    if (!wachsam?.serverCpuMs) continue;
    const m = wachsam.server.alarms.length;
    lines.push(
      `- N=${n}: server process CPU ${f(wachsam.serverCpuMs, 0)} ms for ${m} alarms incl. warm-ups and the variant ` +
        `(${f(wachsam.serverCpuMs / m)} ms per alarm, with receipts, pings and presence); ` +
        `1-min load average single ${f(wachsam.single?.load[0])}→${f(wachsam.single?.load[1])}, ` +
        `burst ${f(wachsam.burst?.load[0])}→${f(wachsam.burst?.load[1])} (2 cores)`,
    );
  }
  lines.push(
    '',
    '### SQL statements in the server during the measured alarms',
    '',
    'Time from the call to the result (includes waiting behind the same connection), summed by statement shape; top 12.',
    '',
    '| N | statement | count | total ms | mean ms | max ms |',
    '|---:|---|---:|---:|---:|---:|',
  );
  for (const { n, wachsam } of results)
    for (const q of wachsam?.server.sql.slice(0, 12) ?? [])
      lines.push(
        `| ${n} | \`${q.text.replace(/\|/g, '\\|')}\` | ${q.count} | ${f(q.ms, 0)} | ${f(q.ms / q.count)} | ${f(q.max)} |`,
      );
  lines.push('', '## Memory per idle connection', '');
  lines.push(
    '| N | Wachsam server RSS | Wachsam heap+external | bare ws RSS | bare ws heap+external | Mosquitto heap ($SYS) |',
  );
  lines.push('|---:|---:|---:|---:|---:|---:|');
  const per = (m, key) => {
    if (!m?.before || !m?.after) return '–';
    const v =
      key === 'heap'
        ? m.after.heapUsed + m.after.external - m.before.heapUsed - m.before.external
        : key === 'mqheap'
          ? m.after.heap - m.before.heap
          : m.after.rss - m.before.rss;
    return `${f(v / m.n / 1024)} KiB`;
  };
  for (const { n, wachsam, ws, mq } of results)
    lines.push(
      `| ${n} | ${per(wachsam?.memory, 'rss')} | ${per(wachsam?.memory, 'heap')} | ${per(ws?.memory, 'rss')} | ${per(ws?.memory, 'heap')} | ${per(mq?.memory, 'mqheap')} |`,
    );
  lines.push(
    '',
    'Memory: (after − before connecting N clients, each side after a forced GC) / N; RSS of the server process ' +
      '(Mosquitto: its own heap count, `$SYS/broker/heap/current`; its RSS does not move as it reuses freed memory).',
  );
  return lines.join('\n') + '\n';
}

// ---------- main ----------
async function main() {
  log(`sizes ${sizes.join(', ')}; ${singles} singles, ${bursts} bursts of ${burstSize}; receipts ${sendReceipts}`);
  const srv = spawnChild('./server.js');
  await srv.ready;
  const setup = await srv.call('setup', {
    receivers: maxN,
    sizes: [...new Set([...sizes, 50, cityBase, ...(scaleN > 0 ? [2 * scaleN] : [])])],
    senders: burstSize,
  });
  log(`server ${setup.url}: ${maxN} receivers and ${burstSize} senders inserted`);
  const results = [];
  try {
    for (const n of sizes) {
      const entry = { n };
      results.push(entry);
      entry.wachsam = await runWachsam(srv, setup, n);
      if (!sampleFrame) throw new Error('no alarm frame received: cannot build the reference payload');
      if (withRefs && Date.now() - started < budgetMs) entry.ws = await runBareWs(n);
      if (withRefs && Date.now() - started < budgetMs) {
        try {
          entry.mq = await runMqtt(n);
        } catch (err) {
          log(`mosquitto N=${n} failed: ${err.message}`);
        }
      }
    }
    if (scaleN > 0 && Date.now() - started < budgetMs) results.scaleOut = await runScaleOut(srv, setup, scaleN);
    if (process.env.BENCH_ISOLATION !== '0')
      results.isolation = await runIsolation(srv, setup, Math.min(1000, maxN), raiserFor(setup));
    if (cityN > 0) {
      const raise = raiserFor(setup);
      results.city = {
        base: await runCity(srv, setup, cityBase, raise),
        city: await runCity(srv, setup, cityN, raise),
      };
    }
  } finally {
    await srv.call('close').catch(() => undefined);
    await srv.exited();
  }
  const md = report(results, setup.postgres);
  console.log(md);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/alarm.md', import.meta.url), md);
  const raw = results.map(({ n, ...rest }) => ({
    n,
    ...Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [
        k,
        Object.fromEntries(
          Object.entries(v ?? {}).map(([p, r]) => [p, r && typeof r === 'object' ? { ...r, records: undefined } : r]),
        ),
      ]),
    ),
  }));
  writeFileSync(
    new URL('./results/alarm.json', import.meta.url),
    JSON.stringify(
      {
        sizes: raw,
        city: results.city ?? null,
        isolation: results.isolation ?? null,
        scaleOut: results.scaleOut
          ? Object.fromEntries(
              Object.entries(results.scaleOut).map(([k, v]) => [k, v?.records ? { ...v, records: undefined } : v]),
            )
          : null,
      },
      null,
      2,
    ),
  );
  log('done; written to bench/results/alarm.md');
}

main()
  .then(() => {
    clearTimeout(hardStop);
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    killChildren();
    process.exit(1);
  });

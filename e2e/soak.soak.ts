/**
 * Soak run (`npm run soak`, not part of `npm test`): SOAK_MINUTES (default 30) of alarms,
 * receipts, reconnects and injected faults against two server instances on one PostgreSQL
 * database, with network buttons over a private Mosquitto. At the end it prints and writes
 * (bench/results/soak.md) the counters: raised, committed, delivered, lost (must be 0),
 * duplicates shown (0), server restarts (0).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import mqtt from 'mqtt';
import pg from 'pg';
import { expect, it } from 'vitest';
import { adminDatabaseUrl, api, TestRealtime, throwawayPostgres } from '@wachsam/server/testing';
import { PrivateMosquitto } from './helpers/mosquitto.js';
import { health, loginCookie, startServer, until, type ServerProcess } from './helpers/processes.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** A receiver like the console: keeps its last id, reconnects with it, shows each alarm once. */
class Receiver {
  ws: TestRealtime | null = null;
  lastId = '0';
  readonly shown = new Map<string, number>();
  /** Event ids handled, across reconnects (delivery is at least once). */
  private readonly seen = new Set<string>();
  reconnects = 0;
  constructor(
    readonly name: string,
    private readonly urls: () => string,
    private readonly cookie: () => Promise<string>,
  ) {}

  async connect(): Promise<void> {
    for (;;) {
      try {
        const ws = await TestRealtime.connect(this.urls(), { cookie: await this.cookie() }, this.lastId);
        this.ws = ws;
        const seen = this.seen;
        const take = (f: { kind: string; event?: { id: string; type: string; alarm?: { id: string } } }) => {
          if (f.kind !== 'event' || !f.event) return;
          if (seen.has(f.event.id)) return; // at-least-once delivery: de-duplicated by id
          seen.add(f.event.id);
          if (BigInt(f.event.id) > BigInt(this.lastId)) this.lastId = f.event.id;
          if (f.event.type !== 'alarm.raised' || !f.event.alarm) return;
          this.shown.set(f.event.alarm.id, (this.shown.get(f.event.alarm.id) ?? 0) + 1);
          ws.send({ kind: 'receipt', alarmId: f.event.alarm.id });
        };
        for (const f of ws.frames) take(f as never);
        ws.ws.on('message', (d) => take(JSON.parse(String(d))));
        ws.ws.once('close', () => {
          if (this.ws === ws) void this.reconnectLater();
        });
        return;
      } catch {
        await sleep(500);
      }
    }
  }

  private async reconnectLater(): Promise<void> {
    this.ws = null;
    this.reconnects++;
    await sleep(300);
    await this.connect();
  }

  /** Drop the connection on purpose (as a laptop does) and come back with the last id. */
  async bounce(): Promise<void> {
    const ws = this.ws;
    if (ws) ws.ws.terminate();
  }
}

it(`soaks ${minutes} minutes`, { timeout: (minutes + 10) * 60_000 }, async () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  const db = await throwawayPostgres();
  cleanup.push(() => db.drop());
  const broker = await PrivateMosquitto.start();
  cleanup.push(() => broker.close());
  const target = new URL(adminDatabaseUrl);
  const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  cleanup.push(() => proxy.close());
  const servers: Record<'a' | 'b', ServerProcess> = {
    a: await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url }),
    b: await startServer({ DATABASE_URL: proxy.url(db.url), MQTT_URL: broker.url }),
  };
  cleanup.push(
    () => servers.a.kill('SIGKILL'),
    () => servers.b.kill('SIGKILL'),
  );
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  cleanup.push(() => sql.end());
  const dbName = new URL(db.url).pathname.slice(1);
  try {
    const cookies = new Map<string, string>();
    const cookieOf = (who: string, on: 'a' | 'b') => async () => {
      const k = `${who}@${on}`;
      if (!cookies.has(k)) cookies.set(k, await loginCookie(servers[on].url, `${who}@musterstadt.example`));
      return cookies.get(k)!;
    };
    // Receivers of the Bürgerbüro's alarms on both instances: the desk, two colleagues.
    const receivers = [
      new Receiver('pforte@a', () => servers.a.url, cookieOf('pforte', 'a')),
      new Receiver('jonas@b', () => servers.b.url, cookieOf('jonas.becker', 'b')),
      new Receiver('mehmet@a', () => servers.a.url, cookieOf('mehmet.yilmaz', 'a')),
    ];
    for (const r of receivers) await r.connect();
    const button = mqtt.connect(broker.url, { clientId: 'soak-button', clean: false, reconnectPeriod: 500 });
    cleanup.push(() => button.endAsync(true));

    const keys: string[] = [];
    const committed = new Set<string>();
    let raised = 0;
    let refusedOtherThan503 = 0;
    const raiseHttp = async (on: 'a' | 'b') => {
      const key = randomUUID();
      keys.push(key);
      raised++;
      for (;;) {
        const r = await api(servers[on].url, 'POST', '/api/alarms', {
          cookie: await cookieOf('anna.schmidt', on)(),
          body: { source: 'console', test: true, triggeredAt: new Date().toISOString() },
          headers: { 'idempotency-key': key },
        }).catch(() => ({ status: 0, body: null }));
        if (r.status === 200 || r.status === 201) return committed.add(r.body.alarm.id);
        if (r.status !== 503 && r.status !== 0) refusedOtherThan503++;
        await sleep(300);
      }
    };
    const pressIds: string[] = [];
    const pressButton = () => {
      const pressId = `soak-${randomUUID()}`;
      pressIds.push(pressId);
      raised++;
      button.publish('wachsam/musterstadt/buttons/taster-e02/press', JSON.stringify({ pressId, test: true }), {
        qos: 1,
      });
    };

    const faults = [
      async () => {
        log('fault: pg_terminate_backend on every connection');
        await sql.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [dbName],
        );
      },
      async () => {
        log("fault: B's listener black-holed");
        proxy.blackhole((c) => c.params.application_name === 'wachsam-listener');
      },
      async () => {
        log("fault: B's pooled connections black-holed");
        proxy.blackhole((c) => c.params.application_name === 'wachsam');
      },
      async () => {
        log('fault: broker restart');
        await broker.stop();
        await sleep(3_000);
        await broker.start();
      },
      async () => {
        log("fault: B's database connections dropped, new ones refused for 5 s");
        proxy.refuse();
        proxy.drop();
        await sleep(5_000);
        proxy.accept();
      },
      async () => {
        log('fault: receivers reconnect');
        for (const r of receivers) await r.bounce();
      },
    ];

    const end = Date.now() + minutes * 60_000;
    let tick = 0;
    const inflight = new Set<Promise<unknown>>();
    while (Date.now() < end) {
      tick++;
      const p = raiseHttp(tick % 2 ? 'a' : 'b');
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (tick % 3 === 0) pressButton();
      if (tick % 40 === 0) await faults[(tick / 40) % faults.length]!();
      await sleep(1_000);
    }
    log('load stopped; waiting for outboxes and deliveries');
    await Promise.all([...inflight]);
    const { rows } = await sql.query<{ id: string }>(
      'select id from alarms where (idempotency_key = any($1) or idempotency_key = any($2)) and not function_test',
      [keys, pressIds.map((p) => `button:${p}`)],
    );
    for (const r of rows) committed.add(r.id);
    const expected = [...committed];
    await until(
      'every committed alarm on every receiver',
      () => receivers.every((r) => expected.every((id) => r.shown.has(id))),
      5 * 60_000,
    ).catch(() => undefined);

    const distinct = await sql.query<{ n: number; k: number }>(
      'select count(*)::int as n, count(distinct idempotency_key)::int as k from alarms where not function_test',
    );
    const delivered = receivers.reduce((n, r) => n + expected.filter((id) => r.shown.has(id)).length, 0);
    const lost = receivers.reduce((n, r) => n + expected.filter((id) => !r.shown.has(id)).length, 0);
    const duplicates = receivers.reduce((n, r) => n + [...r.shown.values()].filter((c) => c > 1).length, 0);
    const restarts = Object.values(servers).filter((s) => !s.alive()).length;
    const counters = {
      minutes,
      raised,
      committed: expected.length,
      alarmsInDatabase: distinct.rows[0]!.n,
      distinctKeys: distinct.rows[0]!.k,
      receivers: receivers.length,
      delivered,
      lost,
      duplicatesShown: duplicates,
      refusedOtherThan503,
      reconnects: receivers.reduce((n, r) => n + r.reconnects, 0),
      listenerReconnectsB: (await health(servers.b.url)).body?.database?.listener?.reconnects ?? null,
      serverRestarts: restarts,
    };
    log(counters);
    const cpu = os.cpus()[0]?.model ?? 'unknown';
    writeFileSync(
      new URL('../bench/results/soak.md', import.meta.url),
      [
        '# Soak run',
        '',
        `${new Date().toISOString()} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} at the end.`,
        '',
        'Two instances (A direct, B through a TCP proxy) on one PostgreSQL database, a private Mosquitto, three',
        'receivers (two on A, one on B) that send receipts and reconnect with their last id. Every second a test',
        'alarm over HTTP (alternating A and B, retried under its key until confirmed), every third second a button',
        "press over MQTT; every 40 s one fault in turn: pg_terminate_backend on all connections, B's listener",
        "black-holed, B's pool black-holed, a broker restart, B's connections dropped and refused for 5 s, all",
        'receivers dropped.',
        '',
        '| counter | value |',
        '|---|---:|',
        ...Object.entries(counters).map(([k, v]) => `| ${k} | ${v} |`),
        '',
      ].join('\n'),
    );
    expect(counters.lost).toBe(0);
    expect(counters.duplicatesShown).toBe(0);
    expect(counters.serverRestarts).toBe(0);
    expect(counters.alarmsInDatabase).toBe(counters.distinctKeys);
    expect(counters.refusedOtherThan503).toBe(0);
  } finally {
    for (const c of cleanup.reverse()) await c();
  }
});

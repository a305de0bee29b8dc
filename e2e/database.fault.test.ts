/**
 * The alarm path when PostgreSQL half-fails (issue 8, rows 1, 2 and 12). Real servers as
 * processes on one throwaway database; instances B and C reach PostgreSQL through TCP proxies
 * that can black-hole chosen connections without closing them, as a firewall does.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminDatabaseUrl, TestRealtime, throwawayPostgres } from '@wachsam/server/testing';
import { health, loginCookie, startServer, until, type ServerProcess } from './helpers/processes.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const anna = 'anna.schmidt@musterstadt.example';
const jonas = 'jonas.becker@musterstadt.example';

/**
 * Raise like a sender's outbox: the same key until the server confirms. Every other answer is
 * recorded; an answer that does not come within 20 s counts as a hang (status -1).
 */
async function raiseUntilConfirmed(url: string, cookie: string, key: string, refusals: number[]): Promise<string> {
  for (;;) {
    const res = await fetch(`${url}/api/alarms`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ source: 'console', test: true }),
      signal: AbortSignal.timeout(20_000),
    }).catch((err: unknown) => (err instanceof Error && err.name === 'TimeoutError' ? -1 : 0));
    if (typeof res !== 'number' && (res.status === 200 || res.status === 201))
      return ((await res.json()) as { alarm: { id: string } }).alarm.id;
    refusals.push(typeof res === 'number' ? res : res.status);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function alarmCount(url: string, keys: string[]): Promise<{ n: number; k: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number; k: number }>(
      'select count(*)::int as n, count(distinct idempotency_key)::int as k from alarms where idempotency_key = any($1)',
      [keys],
    );
    return rows[0]!;
  } finally {
    await c.end();
  }
}

const received = (ws: TestRealtime, id: string) =>
  ws.events().some((e) => e.event.type === 'alarm.raised' && 'alarm' in e.event && e.event.alarm.id === id);

describe('PostgreSQL half-fails under a running alarm path', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  let db: { url: string; drop: () => Promise<void> };
  let proxyB: TcpProxy;
  let proxyC: TcpProxy;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;
  let admin: pg.Client;
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  beforeAll(async () => {
    db = await throwawayPostgres();
    cleanup.push(() => db.drop());
    const target = new URL(adminDatabaseUrl);
    const pgAddress = { host: target.hostname, port: Number(target.port || 5432) };
    proxyB = await TcpProxy.start(pgAddress);
    proxyC = await TcpProxy.start(pgAddress);
    cleanup.push(
      () => proxyB.close(),
      () => proxyC.close(),
    );
    a = await startServer({ DATABASE_URL: db.url });
    cleanup.push(() => a.kill('SIGKILL'));
    // B's canary is slow on purpose: delivery on B must not depend on its NOTIFY at all.
    b = await startServer({ DATABASE_URL: proxyB.url(db.url), NOTIFY_CANARY_MS: '600000' });
    cleanup.push(() => b.kill('SIGKILL'));
    c = await startServer({ DATABASE_URL: proxyC.url(db.url) });
    cleanup.push(() => c.kill('SIGKILL'));
    admin = new pg.Client({ connectionString: adminDatabaseUrl });
    await admin.connect();
    cleanup.push(() => admin.end());
  });

  it('survives pg_terminate_backend during a burst: 503 only, nothing lost, the listeners replay', async () => {
    const senderA = await loginCookie(a.url, anna);
    const receiverC = await TestRealtime.connect(c.url, { cookie: await loginCookie(c.url, jonas) });
    cleanup.push(() => receiverC.close());
    const name = new URL(db.url).pathname.slice(1);

    const refusals: number[] = [];
    const keys = Array.from({ length: 48 }, () => randomUUID());
    const raised: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < keys.length) raised.push(await raiseUntilConfirmed(a.url, senderA, keys[next++]!, refusals));
    };
    let terminated = 0;
    const killer = async () => {
      for (let round = 0; round < 6; round++) {
        await new Promise((r) => setTimeout(r, 250));
        const r = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
          name,
        ]);
        terminated += r.rowCount ?? 0;
      }
    };
    await Promise.all([...Array.from({ length: 6 }, worker), killer()]);
    expect(terminated).toBeGreaterThan(0);

    // Every server is still there (an unhandled 'error' on a pooled client used to end them).
    for (const s of [a, b, c]) expect(s.alive(), s.output()).toBe(true);
    // Refused only as "try again" (503): never a 500, never a hang.
    expect(refusals.filter((s) => s !== 503)).toEqual([]);
    // Every trigger is exactly one alarm.
    expect(await alarmCount(db.url, keys)).toEqual({ n: keys.length, k: keys.length });
    // The receiver on another instance got every one: its listener came back and replayed by id.
    await until('every alarm on C', () => raised.every((id) => received(receiverC, id)));
    await until('all healthy', async () => {
      for (const s of [a, b, c]) if ((await health(s.url)).status !== 200) return false;
      return true;
    });
    expect((await health(c.url)).body.database.listener.reconnects).toBeGreaterThan(0);
  });

  it('delivers on the committing instance without its NOTIFY coming back', async () => {
    const senderB = await loginCookie(b.url, anna);
    const receiverB = await TestRealtime.connect(b.url, { cookie: await loginCookie(b.url, jonas) });
    cleanup.push(() => receiverB.close());
    const before = (await health(b.url)).body.database.listener;
    expect(proxyB.blackhole((p) => p.params.application_name === 'wachsam-listener')).toBe(1);

    const id = await raiseUntilConfirmed(b.url, senderB, randomUUID(), []);
    await receiverB.alarmEvent('alarm.raised', id, 15_000);
    // Its listener is still the black-holed one (canary every 10 minutes): delivery did not need it.
    expect((await health(b.url)).body.database.listener).toEqual(before);
  });

  it('finds a black-holed listener within seconds, replaces it and fetches what it missed', async () => {
    const senderA = await loginCookie(a.url, anna);
    const receiverC = await TestRealtime.connect(c.url, { cookie: await loginCookie(c.url, jonas) });
    cleanup.push(() => receiverC.close());
    const before = (await health(c.url)).body.database.listener.reconnects as number;
    expect(proxyC.blackhole((p) => p.params.application_name === 'wachsam-listener')).toBe(1);

    // Committed on A while C's listener hears nothing: C must still show it to its receiver.
    const id = await raiseUntilConfirmed(a.url, senderA, randomUUID(), []);
    await until(
      'C replaced its listener',
      async () => (await health(c.url)).body.database.listener.reconnects > before,
    );
    await until('the alarm on C', () => received(receiverC, id));
    // Healthy again once the new listener heard its own canary.
    await until('C listening', async () => (await health(c.url)).body.database.listener.state === 'listening');
  });

  it('answers 503 instead of hanging when its pooled connections are black-holed, then recovers by itself', async () => {
    const senderC = await loginCookie(c.url, anna);
    await raiseUntilConfirmed(c.url, senderC, randomUUID(), []); // connections exist and are idle
    // Every pooled connection, and every new one, goes silent: the background loops take the
    // dead idle connections too, so a pool that could open a fresh one must meet the same fate.
    expect(proxyC.blackholeAll((p) => p.params.application_name === 'wachsam')).toBeGreaterThan(0);

    const key = randomUUID();
    const during = await fetch(`${c.url}/api/alarms`, {
      method: 'POST',
      headers: { cookie: senderC, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ source: 'console', test: true }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBeTruthy();

    // The network heals; the sender's outbox retries the same key and the server recovers by itself.
    proxyC.stopBlackholing();
    const refusals: number[] = [];
    const id = await raiseUntilConfirmed(c.url, senderC, key, refusals);
    expect(id).toBeTruthy();
    expect(refusals.filter((s) => s !== 503)).toEqual([]);
    expect(c.alive()).toBe(true);
    expect((await health(c.url)).status).toBe(200);
  });
});

/**
 * Crash test (issue 2): kill -9 the server during a burst of 200 triggers from several agents.
 * After the restart every alarm that got a 201 exists exactly once, the receiver gets every
 * alarm after reconnecting, and triggers that got no answer are sent from the outbox and land
 * exactly once. Everything here is real: the built server on PostgreSQL, the built agent CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { api, TestRealtime, throwawayPostgres } from '@wachsam/server/testing';

const root = new URL('..', import.meta.url).pathname;
const serverMain = join(root, 'packages/server/dist/main.js');
const agentCli = join(root, 'packages/agent/dist/cli.js');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [agentCli, ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

function startServer(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serverMain], { env: { ...process.env, ...env } });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes('Wachsam läuft')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

describe('kill -9 during a burst of triggers', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('loses no alarm and doubles none', async () => {
    const db = await throwawayPostgres();
    cleanup.push(() => db.drop());
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const work = mkdtempSync(join(tmpdir(), 'wachsam-crash-'));
    cleanup.push(() => rmSync(work, { recursive: true, force: true }));
    const env = {
      DATABASE_URL: db.url,
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: join(work, 'data'),
      LOG_LEVEL: 'warn',
    };
    let server = await startServer(env);
    cleanup.push(() => server.kill('SIGKILL'));

    // Four enrolled workstations in the Bürgerbüro, enrolled by the agent as an admin would.
    const admin = (
      await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'it@musterstadt.example', password: 'demo1234demo' }),
      })
    ).headers
      .getSetCookie()[0]!
      .split(';')[0]!;
    const room = (await api(url, 'GET', '/api/admin/rooms', { cookie: admin })).body.find((r: { name: string }) =>
      r.name.startsWith('E.01'),
    );
    const agents: string[] = [];
    const deviceIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const dev = (
        await api(url, 'POST', '/api/admin/devices', {
          cookie: admin,
          body: { kind: 'workstation', name: `PC-CRASH-${i}`, roomId: room.id, functionTestHours: 0 },
        })
      ).body;
      const code = (await api(url, 'POST', `/api/admin/devices/${dev.id}/enrolment-code`, { cookie: admin })).body.code;
      const dir = join(work, `agent-${i}`);
      expect((await run(['enroll', '--server', url, '--code', code], { WACHSAM_AGENT_DIR: dir })).code).toBe(0);
      agents.push(dir);
      deviceIds.push(dev.id);
    }

    // A receiver on the same floor.
    const jonas = (
      await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'jonas.becker@musterstadt.example', password: 'demo1234demo' }),
      })
    ).headers
      .getSetCookie()[0]!
      .split(';')[0]!;
    const seen = new Set<string>();
    let lastId = '0';
    const follow = (c: TestRealtime) =>
      c.ws.on('message', (data) => {
        const f = JSON.parse(String(data));
        if (f.kind === 'event') {
          lastId = f.event.id;
          if (f.event.type === 'alarm.raised' && f.forYou) seen.add(f.event.alarm.id);
        }
      });
    const first = await TestRealtime.connect(url, { cookie: jonas });
    follow(first);

    // The burst: 200 triggers, 16 at a time; the server is killed after the 60th has finished.
    const total = 200;
    const codes: number[] = [];
    let started = 0;
    let killed = false;
    let restarted: Promise<void> | null = null;
    const worker = async () => {
      while (started < total) {
        const dir = agents[started++ % agents.length]!;
        const r = await run(['trigger', '--source', 'hotkey', '--wait', '1', '--no-background'], {
          WACHSAM_AGENT_DIR: dir,
        });
        codes.push(r.code);
        if (!killed && codes.length >= 60) {
          killed = true;
          server.kill('SIGKILL');
          restarted = new Promise((resolve) => setTimeout(resolve, 3000)).then(async () => {
            server = await startServer(env);
          });
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await restarted;
    // 0: committed (got its 201); 3: stored in the outbox, not confirmed. Nothing else.
    expect(codes.filter((c) => c !== 0 && c !== 3)).toEqual([]);
    expect(codes.filter((c) => c === 3).length).toBeGreaterThan(0);

    // The receiver reconnects with its last id; then the agents send what is left.
    const second = await TestRealtime.connect(url, { cookie: jonas }, lastId);
    follow(second);
    for (const f of second.events()) if (f.event.type === 'alarm.raised' && f.forYou) seen.add(f.event.alarm.id);
    cleanup.push(() => second.close());
    for (const dir of agents) {
      expect((await run(['drain', '--max', '60'], { WACHSAM_AGENT_DIR: dir })).code).toBe(0);
      expect(readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.json'))).toEqual([]);
    }

    // Exactly one alarm per trigger: 200 alarms, 200 distinct keys.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanup.push(() => client.end());
    const { rows } = await client.query<{ n: number; keys: number }>(
      'select count(*)::int as n, count(distinct idempotency_key)::int as keys from alarms where device_id = any($1)',
      [deviceIds],
    );
    expect(rows[0]).toEqual({ n: total, keys: total });
    const ids = (
      await client.query<{ id: string }>('select id from alarms where device_id = any($1)', [deviceIds])
    ).rows.map((r) => r.id);

    // And the receiver has every one of them.
    const deadline = Date.now() + 20_000;
    while (ids.some((id) => !seen.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ids.filter((id) => !seen.has(id))).toEqual([]);
  });
});

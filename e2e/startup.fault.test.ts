/**
 * Start-up under the faults an operator causes (issue 8, rows 3 and 5): a second `npm start`
 * on the same embedded database folder, kill -9 of the one that holds it, and several
 * instances started at the same moment on a fresh PostgreSQL database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { api, throwawayPostgres } from '@wachsam/server/testing';
import { freePort, loginCookie, runToEnd, serverMain, startServer, type ServerProcess } from './helpers/processes.js';

const verifyLog = join(dirname(serverMain), 'register/verify-log.js');

describe('start-up', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('refuses a second process on one PGlite folder, and the folder survives kill -9 of the first', async () => {
    const work = mkdtempSync(join(tmpdir(), 'wachsam-lock-'));
    cleanup.push(() => rmSync(work, { recursive: true, force: true }));
    const dataDir = join(work, 'data');
    const first = await startServer({ DATA_DIR: dataDir });
    cleanup.push(() => first.kill('SIGKILL'));

    const anna = await loginCookie(first.url, 'anna.schmidt@musterstadt.example');
    const confirmed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api(first.url, 'POST', '/api/alarms', {
        cookie: anna,
        body: { source: 'console', test: true },
        headers: { 'idempotency-key': `lock-test-${i}-xyz` },
      });
      expect(r.status).toBe(201);
      confirmed.push(r.body.alarm.id);
    }

    // A second server on the same folder: refused at once, naming the folder and the holder.
    const second = await runToEnd(serverMain, [], { DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(second.code).toBe(3);
    expect(second.out).toContain(resolve(dataDir));
    expect(second.out).toContain(`Prozess ${first.child.pid}`);
    // The log check obeys the same lock.
    const check = await runToEnd(verifyLog, [], { DATA_DIR: dataDir });
    expect(check.code).toBe(2);
    expect(check.out).toContain(`Prozess ${first.child.pid}`);
    // The first server is unharmed.
    expect(first.alive()).toBe(true);
    expect((await api(first.url, 'GET', '/api/alarms?open=true', { cookie: anna })).status).toBe(200);

    // kill -9 leaves its lock behind; the next start takes it over and finds every confirmed alarm.
    await first.kill('SIGKILL');
    let again: ServerProcess | null = null;
    again = await startServer({ DATA_DIR: dataDir });
    cleanup.push(() => again?.kill('SIGKILL'));
    const desk = await loginCookie(again.url, 'pforte@musterstadt.example');
    const listed = (await api(again.url, 'GET', '/api/alarms?limit=100', { cookie: desk })).body.alarms.map(
      (a: { id: string }) => a.id,
    );
    expect(confirmed.filter((id) => !listed.includes(id))).toEqual([]);
    expect((await runToEnd(verifyLog, [], { DATA_DIR: dataDir })).code).toBe(2); // still locked by `again`
    await again.kill('SIGTERM');
    expect((await runToEnd(verifyLog, [], { DATA_DIR: dataDir })).code).toBe(0); // released on a clean stop
  });

  it('starts three instances at the same moment on a fresh database: one seeds, all serve', async () => {
    const db = await throwawayPostgres();
    cleanup.push(() => db.drop());
    const work = mkdtempSync(join(tmpdir(), 'wachsam-race-'));
    cleanup.push(() => rmSync(work, { recursive: true, force: true }));
    const servers = await Promise.all(
      [0, 1, 2].map((i) => startServer({ DATABASE_URL: db.url, DATA_DIR: join(work, `data-${i}`) })),
    );
    for (const s of servers) cleanup.push(() => s.kill('SIGKILL'));
    for (const s of servers) {
      expect(s.alive(), s.output()).toBe(true);
      expect(await loginCookie(s.url, 'anna.schmidt@musterstadt.example')).toContain('wachsam_session');
    }
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    cleanup.push(() => c.end());
    const { rows } = await c.query<{ n: number }>('select count(*)::int as n from organisations');
    expect(rows[0]!.n).toBe(1);
  });
});

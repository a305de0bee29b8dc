import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createWachsam } from '../app.js';
import { loadConfig } from '../config.js';
import { api, startTestServer } from '../testing.js';

describe('readiness and budgets', () => {
  it('answers 503 on /api/health until start-up (migrations, seed) is complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wachsam-health-'));
    const wachsam = await createWachsam(loadConfig({ PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'db') }), {
      timers: false,
    });
    try {
      const url = await wachsam.listen();
      const before = await api(url, 'GET', '/api/health');
      expect(before.status).toBe(503);
      expect(before.body).toMatchObject({ ok: false, ready: false });
      wachsam.markReady();
      const after = await api(url, 'GET', '/api/health');
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ ok: true, ready: true, database: { kind: 'pglite', up: true } });
    } finally {
      await wachsam.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('raises an alarm while every bulk connection is busy with a long statement (own pool)', async () => {
    const server = await startTestServer({ backend: 'postgres' });
    try {
      const anna = await server.login('anna.schmidt@musterstadt.example');
      let slowDone = false;
      // Five statements of 10 s: the whole bulk pool (exports, retention) is taken.
      const slow = Promise.all(
        Array.from({ length: 5 }, () => server.database.bulk.execute(sql`select pg_sleep(10)`)),
      ).then(() => (slowDone = true));
      await new Promise((r) => setTimeout(r, 200));
      const raised = await api(server.url, 'POST', '/api/alarms', {
        cookie: anna,
        body: { source: 'console', test: true },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(raised.status).toBe(201);
      // The alarm did not queue behind them.
      expect(slowDone).toBe(false);
      await slow;
    } finally {
      await server.close();
    }
  });
});

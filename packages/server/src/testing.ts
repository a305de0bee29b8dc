import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createWachsam, type Wachsam } from './app.js';
import type { Clock } from './clock.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { demoPassword, seedDemo, type DemoLogin } from './org/demo.js';

export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = ['pglite', 'postgres'];

/** The PostgreSQL server tests use; each test database is created and dropped on it. */
export const adminDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway PostgreSQL database: created now, dropped by `drop()`. */
export async function throwawayPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wachsam_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminDatabaseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestServer {
  url: string;
  wachsam: Wachsam;
  database: Database;
  dataDir: string;
  databaseUrl: string | null;
  demo: DemoLogin[];
  demoPassword: string;
  /** Log in over HTTP; returns the cookie header value. */
  login(login: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  backend?: Backend;
  clock?: Clock;
  /** Run periodic jobs on timers (default false: tests call `wachsam.tick()`). */
  timers?: boolean;
  demo?: boolean;
  env?: Record<string, string>;
  /** Reuse an existing database URL (e.g. a second instance on the same PostgreSQL). */
  databaseUrl?: string;
}

/**
 * A real server on a free loopback port with its own fresh database (PGlite in a temp folder,
 * or a throwaway database on the PostgreSQL server) and the demo organisation.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const backend = opts.backend ?? 'pglite';
  const dataDir = mkdtempSync(join(tmpdir(), 'wachsam-test-'));
  const pgdb = backend === 'postgres' && !opts.databaseUrl ? await throwawayPostgres() : null;
  const databaseUrl = opts.databaseUrl ?? pgdb?.url ?? null;
  const config: Config = loadConfig({
    PORT: '0',
    DATA_DIR: join(dataDir, 'db'),
    LOG_LEVEL: 'warn',
    LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? null : config.dataDir,
  });
  const wachsam = await createWachsam(config, { clock: opts.clock, database, timers: opts.timers ?? false });
  const url = await wachsam.listen();
  const demo = opts.demo === false ? [] : ((await seedDemo(database.db, { dataDir, publicUrl: url })) ?? []);

  return {
    url,
    wachsam,
    database,
    dataDir,
    databaseUrl,
    demo,
    demoPassword,
    async login(login, password = demoPassword) {
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password }),
      });
      if (res.status !== 200) throw new Error(`login ${login} failed: ${res.status} ${await res.text()}`);
      return res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    },
    async close() {
      await wachsam.close();
      await database.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

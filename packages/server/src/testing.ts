import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WebSocket } from 'ws';
import type { ServerFrame } from '@wachsam/protocol';
import { createWachsam, type Wachsam } from './app.js';
import type { Clock } from './clock.js';
import { loadConfig, productionReasons, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { migrationsFolder, openPglite } from './db/pglite.js';
import type { PushNetwork } from './notify/push-endpoint.js';
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
  /** The register access log's key file (REGISTER_LOG_KEY_FILE). */
  logKeyFile: string;
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
  /** How push messages reach the network: name lookups, trusted CA, limits. */
  pushNetwork?: Partial<PushNetwork>;
  /** Receives every log line (with LOG_LEVEL in `env` to choose how much). */
  logStream?: { write(line: string): void };
}

/**
 * Argon2id at its smallest cost: a test login is not guarded against an offline attack, and at
 * argon2's default cost the logins of the suite took a third of its CPU on 2 cores.
 */
export function testPasswordHashing(env: Record<string, string | undefined> = {}): Record<string, string> {
  // A production configuration refuses it: those tests keep argon2's default.
  if (productionReasons(env.NODE_ENV, env.PUBLIC_URL ?? null).length) return {};
  return { PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_PASSES: '1' };
}

let template: Promise<string> | null = null;

/**
 * A migrated PGlite folder, made once per migrations and PGlite version and copied for each
 * test. A fresh PGlite runs initdb and every migration (4–5 s here, 15 s on a loaded machine);
 * a copy of the same folder opens in well under a second and is the database a first start
 * makes. The template is built in a folder of its own and renamed into place, so test workers
 * that race for it never see half of one.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const hash = createHash('sha256');
    // The installed PGlite (its package.json is not exported; it sits two folders above dist/).
    hash.update(readFileSync(new URL('../package.json', import.meta.resolve('@electric-sql/pglite'))));
    for (const f of readdirSync(migrationsFolder, { recursive: true, withFileTypes: true }).sort((a, b) =>
      join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
    ))
      if (f.isFile()) hash.update(f.name).update(readFileSync(join(f.parentPath, f.name)));
    const dir = join(tmpdir(), `wachsam-pglite-template-${hash.digest('hex').slice(0, 16)}`);
    if (existsSync(dir)) return dir;
    const building = mkdtempSync(`${dir}-building-`);
    const db = await openPglite(join(building, 'db'));
    await db.close();
    try {
      renameSync(join(building, 'db'), dir);
    } catch (err) {
      if (!existsSync(dir)) throw err; // another worker was first: use theirs
    }
    rmSync(building, { recursive: true, force: true });
    return dir;
  })();
  return template;
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
    ...testPasswordHashing(opts.env),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  });
  if (!config.databaseUrl && !existsSync(config.dataDir))
    cpSync(await pgliteTemplate(), config.dataDir, { recursive: true });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? null : config.dataDir,
    canaryMs: config.notifyCanaryMs,
  });
  const wachsam = await createWachsam(config, {
    clock: opts.clock,
    database,
    timers: opts.timers ?? false,
    logStream: opts.logStream,
    pushNetwork: opts.pushNetwork,
  });
  const url = await wachsam.listen();
  const demo = opts.demo === false ? [] : ((await seedDemo(database.db, { dataDir, publicUrl: url })) ?? []);
  wachsam.markReady();

  return {
    url,
    wachsam,
    database,
    dataDir,
    databaseUrl,
    logKeyFile: config.registerLogKeyFile,
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

/** A realtime client for tests: collects frames and waits for the one you expect. */
export class TestRealtime {
  readonly frames: ServerFrame[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.kind === 'ping') ws.send(JSON.stringify({ kind: 'pong', at: frame.at }));
      this.frames.push(frame);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(
    baseUrl: string,
    auth: { cookie?: string; token?: string; origin?: string },
    since?: string,
  ): Promise<TestRealtime> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/realtime${since !== undefined ? `?since=${since}` : ''}`;
    const headers: Record<string, string> = {};
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    const ws = new WebSocket(url, { headers, ...(auth.origin ? { origin: auth.origin } : {}) });
    const client = new TestRealtime(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        // With this listener, ws leaves the refused answer unread: read it to its end, or the
        // server's close waits for the connection.
        res.resume();
        res.once('end', () => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      });
    });
    await client.next((f) => f.kind === 'replayed');
    return client;
  }

  events(): Array<Extract<ServerFrame, { kind: 'event' }>> {
    return this.frames.filter((f): f is Extract<ServerFrame, { kind: 'event' }> => f.kind === 'event');
  }

  /** Wait for a frame (already received or arriving) that matches. */
  async next<F extends ServerFrame>(match: (f: ServerFrame) => f is F, timeoutMs?: number): Promise<F>;
  async next(match: (f: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  async next(match: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => (f.kind === 'event' ? f.event.type : f.kind)))}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for the event of this type about this alarm. */
  alarmEvent(type: string, alarmId: string, timeoutMs?: number) {
    return this.next(
      (f): f is Extract<ServerFrame, { kind: 'event' }> =>
        f.kind === 'event' && f.event.type === type && 'alarm' in f.event && f.event.alarm.id === alarmId,
      timeoutMs,
    );
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** JSON over HTTP against a test server, returning status and parsed body. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  opts: { cookie?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever came back
): Promise<{ status: number; body: any }> {
  // Like the web app: a request that changes something says it sends JSON, body or not.
  const headers: Record<string, string> = {
    ...(opts.body !== undefined || method !== 'GET' ? { 'content-type': 'application/json' } : {}),
    ...opts.headers,
  };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  // CSV and PDF downloads come back as text; everything else the API answers is JSON.
  const json = res.headers.get('content-type')?.includes('json') ?? true;
  return { status: res.status, body: !text ? null : json ? JSON.parse(text) : text };
}

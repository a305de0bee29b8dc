import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Database, DatabaseLog, Db, ListenerHealth, OpenOptions } from './client.js';
import { eventsChannel, silentLog } from './client.js';
import { withCommitHooks, type Announce } from './commits.js';
import { migrationsFolder } from './pglite.js';
import * as schema from './schema.js';

/**
 * Connection budgets. The alarm path has its own pool with short timeouts: a slow export or a
 * long retention run cannot hold the connections a raise or an escalation needs, and a
 * statement that hangs fails (503, retried by the sender's outbox) instead of blocking forever.
 * `query_timeout` is the client's own limit: it also ends a query whose connection was silently
 * dropped by the network, where the server-side `statement_timeout` never fires.
 */
const pools = {
  alarm: { max: 10, statementMs: 5_000, connectMs: 5_000 },
  bulk: { max: 5, statementMs: 60_000, connectMs: 30_000 },
} as const;

export const applicationName = 'wachsam';
export const listenerApplicationName = 'wachsam-listener';

function newPool(url: string, budget: (typeof pools)[keyof typeof pools], log: DatabaseLog): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: applicationName,
    max: budget.max,
    connectionTimeoutMillis: budget.connectMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: budget.statementMs,
    query_timeout: budget.statementMs + 2_000,
    lock_timeout: budget.statementMs,
    idle_in_transaction_session_timeout: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle pooled connection that dies (PostgreSQL restart, failover, terminate) is removed by
  // the pool, which then emits here; without a listener that would end the process.
  pool.on('error', (err) => log.warn({ err }, 'database connection lost (idle); the pool replaces it'));
  pool.on('connect', (client) => guardClient(client, log));
  return pool;
}

/**
 * A connection handed out by the pool has no error listener of the pool's: when it dies while a
 * transaction holds it between two statements, pg emits 'error' on it, and an unhandled 'error'
 * ends the process. Here it is logged; the running statement fails, the pool drops the client.
 * A query that timed out on the client side leaves the connection waiting for an answer that
 * may never come: it is destroyed, so the pool opens a new one instead of reusing it.
 */
function guardClient(client: pg.PoolClient, log: DatabaseLog): void {
  client.on('error', (err) => log.warn({ err }, 'database connection lost (in use); the pool replaces it'));
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise)
      result.catch((err: unknown) => {
        if (err instanceof Error && err.message === 'Query read timeout') client.connection.stream.destroy();
      });
    return result;
  };
}

export async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  const log = opts.log ?? silentLog;
  const canaryMs = opts.canaryMs ?? 2_000;
  const alarmPool = newPool(url, pools.alarm, log);
  const bulkPool = newPool(url, pools.bulk, log);
  const local = new Set<Announce>();
  const announce: Announce = (payload, committed) => {
    for (const l of local) l(payload, committed);
  };
  const onHookError = (err: unknown) => log.error({ err }, 'after-commit hook failed');
  const db = withCommitHooks(drizzle({ client: alarmPool, schema }) as unknown as Db, announce, onHookError);
  const bulk = withCommitHooks(drizzle({ client: bulkPool, schema }) as unknown as Db, announce, onHookError);

  // Several instances may start at once: one migrates, the others wait on the lock.
  const lockClient = await alarmPool.connect();
  try {
    await lockClient.query('select pg_advisory_lock(7261001)');
    await migrate(drizzle({ client: lockClient }), { migrationsFolder });
  } finally {
    await lockClient.query('select pg_advisory_unlock(7261001)').catch(() => undefined);
    lockClient.release();
  }

  const listener = new Listener(url, alarmPool, canaryMs, log, (payload) => {
    for (const l of local) l(payload);
  });
  return {
    db,
    bulk,
    kind: 'postgres',
    async listen(onNotify, onReconnect) {
      local.add(onNotify);
      await listener.start(onReconnect);
    },
    listenerHealth: () => listener.health(),
    async close() {
      local.clear();
      await listener.stop();
      await Promise.all([alarmPool.end(), bulkPool.end()]);
    },
  };
}

/**
 * The LISTEN connection, watched. A connection that errors or ends is replaced; one that a
 * firewall silently stopped forwarding (no FIN, no error) is found by a canary: every `canaryMs`
 * this instance NOTIFYs itself through the pool and expects to hear it; silence for 1.5× the
 * interval replaces the listener. Whenever it is replaced, `onReconnect` fetches by id what
 * committed meanwhile, so nothing announced in the gap is lost. Until the new listener hears
 * its canary, the fan-out is polled every second.
 */
class Listener {
  private client: pg.Client | null = null;
  private onReconnect: () => void = () => undefined;
  private readonly instance = randomUUID();
  private closed = false;
  private healthy = false;
  private reconnects = 0;
  private canarySeq = 0;
  private lastHeard = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private replacing: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly canaryMs: number,
    private readonly log: DatabaseLog,
    private readonly onNotify: (payload: string) => void,
  ) {}

  health(): ListenerHealth {
    return { state: this.healthy ? 'listening' : 'reconnecting', reconnects: this.reconnects };
  }

  async start(onReconnect: () => void): Promise<void> {
    this.onReconnect = onReconnect;
    await this.connect();
    this.healthy = true;
    this.timer = setInterval(() => this.watch(), this.canaryMs);
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stopPolling();
    await this.replacing;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.connection.stream.destroy();
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: listenerApplicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      connectionTimeoutMillis: 5_000,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('listener connection ended')));
    client.on('notification', (n) => {
      if (n.channel !== eventsChannel || !n.payload) return;
      this.lastHeard = Date.now();
      if (n.payload.startsWith('canary:')) {
        if (n.payload.startsWith(`canary:${this.instance}:`)) this.heard();
        return;
      }
      this.onNotify(n.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${eventsChannel}`);
    } catch (err) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.connection.stream.destroy();
      throw err;
    }
    this.client = client;
    this.lastHeard = Date.now();
  }

  private heard(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.stopPolling();
  }

  /** Every interval: a canary, and the verdict on the last one. */
  private watch(): void {
    if (this.closed || this.replacing) return;
    if (this.client && Date.now() - this.lastHeard > this.canaryMs * 1.5) {
      this.lost(this.client, new Error(`no NOTIFY heard for ${Date.now() - this.lastHeard} ms`));
      return;
    }
    const payload = `canary:${this.instance}:${++this.canarySeq}`;
    this.pool.query('select pg_notify($1, $2)', [eventsChannel, payload]).catch(() => {
      // The database itself is unreachable: not the listener's fault; the pool reconnects.
      this.lastHeard = Date.now();
    });
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.closed || client !== this.client || this.replacing) return;
    this.log.warn({ err }, 'NOTIFY listener lost; replacing it and fetching what was missed');
    this.client = null;
    this.healthy = false;
    this.reconnects++;
    client.removeAllListeners();
    client.on('error', () => undefined);
    // end() would wait for an answer a black hole never sends: drop the socket.
    client.connection.stream.destroy();
    this.startPolling();
    this.replacing = this.reconnectLoop().finally(() => (this.replacing = null));
  }

  private async reconnectLoop(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.connect();
        // Healthy again only once its own canary comes back (`heard`); polling goes on until then.
        this.onReconnect();
        return;
      } catch (err) {
        this.log.warn({ err, attempt }, 'NOTIFY listener could not reconnect; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  }

  /** While the NOTIFY path is not proven, fetch by id every second (cheap: one max(id) per organisation). */
  private startPolling(): void {
    this.poll ??= setInterval(() => this.onReconnect(), 1_000);
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }
}

import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { Announce } from './commits.js';
import type * as schema from './schema.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a repository can run a query on: the database or an open transaction. */
export type Executor = Db | Tx;

/** Channel on which committed event ids are announced to every server instance. */
export const eventsChannel = 'wachsam_events';

/** What the NOTIFY path between instances is doing, for /api/health and the logs. */
export interface ListenerHealth {
  /** `listening`: canaries come back; `reconnecting`: the listener is being replaced. */
  state: 'listening' | 'reconnecting' | 'embedded';
  /** How often the listener was replaced since start (lost connection or silent canary). */
  reconnects: number;
}

export interface Database {
  /**
   * The alarm path's connections: raise, escalation, fan-out, presence, authentication. On
   * PostgreSQL a pool of its own with short timeouts, so exports and housekeeping never queue
   * in front of an alarm.
   */
  db: Db;
  /** Reports, register, statistics, exports and their housekeeping (PostgreSQL: another pool). */
  bulk: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Calls `onNotify(payload)` for every event batch committed (`org:id`): at once for commits of
   * this instance (never waiting for NOTIFY to come back), and by NOTIFY for other instances.
   * `onReconnect` runs whenever announcements may have been missed (the listener was lost or
   * went silent and is back): the caller fetches by id what committed meanwhile.
   */
  listen(onNotify: Announce, onReconnect: () => void): Promise<void>;
  listenerHealth(): ListenerHealth;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl: string | null;
  dataDir: string | null;
  /** How often the PostgreSQL listener sends itself a canary; silent for 1.5× this is dead. */
  canaryMs?: number;
  log?: DatabaseLog;
}

export interface DatabaseLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: DatabaseLog = { warn: () => undefined, error: () => undefined };

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPglite(opts.dataDir);
}

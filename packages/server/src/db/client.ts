import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a repository can run a query on: the database or an open transaction. */
export type Executor = Db | Tx;

/** Channel on which committed event ids are announced to every server instance. */
export const eventsChannel = 'wachsam_events';

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Calls `onNotify(payload)` for every NOTIFY on the events channel, and `onReconnect` after a lost listener came back. */
  listen(onNotify: (payload: string) => void, onReconnect: () => void): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string | null }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir ?? undefined);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
  const unsubscribers: Array<() => Promise<void>> = [];
  return {
    db,
    kind: 'pglite',
    async listen(onNotify) {
      unsubscribers.push(await client.listen(eventsChannel, onNotify));
    },
    async close() {
      for (const u of unsubscribers) await u();
      await client.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A dropped pooled connection must not crash the server; the next query opens a new one.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  // Several instances may start at once: one migrates, the others wait on the lock.
  const lockClient = await pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock(7261001)');
    await migratePg(drizzlePg({ client: lockClient }), { migrationsFolder });
  } finally {
    await lockClient.query('select pg_advisory_unlock(7261001)').catch(() => undefined);
    lockClient.release();
  }

  let listener: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  async function connectListener(onNotify: (payload: string) => void, onReconnect: () => void, again: boolean) {
    const client = new pg.Client({ connectionString: url });
    const reconnect = () => {
      if (closed || retry) return;
      listener = null;
      client.removeAllListeners();
      client.end().catch(() => undefined);
      retry = setTimeout(() => {
        retry = null;
        connectListener(onNotify, onReconnect, true).catch(() => reconnect());
      }, 500);
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    client.on('notification', (n) => {
      if (n.channel === eventsChannel && n.payload) onNotify(n.payload);
    });
    await client.connect();
    await client.query(`listen ${eventsChannel}`);
    listener = client;
    // Events committed while the listener was away are fetched by id range: nothing is lost.
    if (again) onReconnect();
  }

  return {
    db,
    kind: 'postgres',
    listen: (onNotify, onReconnect) => connectListener(onNotify, onReconnect, false),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (listener) {
        listener.removeAllListeners();
        await listener.end().catch(() => undefined);
      }
      await pool.end();
    },
  };
}

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as pgliteDrizzle } from 'drizzle-orm/pglite';
import { migrate as pgliteMigrate } from 'drizzle-orm/pglite/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate as pgMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsFolder } from './pglite.js';
import { throwawayPostgres, type Backend } from '../testing.js';

// For tests of a migration that carries existing data: a database migrated up to just before
// it, rows written as the old schema had them, then the rest of the migrations.

/** A copy of the migrations folder that ends just before the migration `tag` (remove it after use). */
export function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wachsam-migrations-before-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  journal.entries = journal.entries.slice(0, upTo);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

export interface MigrationTarget {
  migrate(folder: string): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** An empty database of the backend, migrated by the caller. */
export async function openUnmigrated(backend: Backend): Promise<MigrationTarget> {
  if (backend === 'pglite') {
    const client = new PGlite();
    const db = pgliteDrizzle({ client });
    return {
      migrate: (folder) => pgliteMigrate(db, { migrationsFolder: folder }),
      query: async (sql, params) => (await client.query<Record<string, unknown>>(sql, params)).rows,
      close: () => client.close(),
    };
  }
  const database = await throwawayPostgres();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const db = pgDrizzle({ client });
  return {
    migrate: (folder) => pgMigrate(db, { migrationsFolder: folder }),
    query: async (sql, params) => (await client.query(sql, params)).rows as Array<Record<string, unknown>>,
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}

import type { sql } from 'drizzle-orm';
import type { Executor } from './client.js';

/** Rows of a raw query, the same on node-postgres and PGlite (both answer `{ rows }`). */
export async function rawRows<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await ex.execute(query)) as unknown as { rows: T[] }).rows;
}

import { and, asc, desc, eq, gt, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { AccessLogFilter } from '@wachsam/protocol';
import type { Executor, Tx } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import { registerAccessLog } from '../db/schema.js';
import { escapeLike } from './repository.js';
import { normaliseName } from './names.js';

/** SQL of the access log beyond appending (chain.ts): search, holds, retention. */

export type LogRow = typeof registerAccessLog.$inferSelect;
const log = registerAccessLog;
const berlinDay = sql`(${log.at} at time zone 'Europe/Berlin')::date`;

function where(orgId: string, f: AccessLogFilter, before?: string): SQL {
  const parts: SQL[] = [eq(log.orgId, orgId)];
  if (f.from) parts.push(sql`${berlinDay} >= ${f.from}::date`);
  if (f.to) parts.push(sql`${berlinDay} <= ${f.to}::date`);
  if (f.actor) parts.push(ilike(log.actor, `%${escapeLike(f.actor)}%`));
  if (f.purpose) parts.push(eq(log.purpose, f.purpose));
  if (f.reference) parts.push(ilike(log.caseReference, `%${escapeLike(f.reference)}%`));
  const name = f.name ? normaliseName(f.name) : '';
  if (name) parts.push(sql`${log.query}->>'nameKey' like ${`%${escapeLike(name)}%`}`);
  if (before) parts.push(lt(log.seq, BigInt(before)));
  return and(...parts)!;
}

/** Newest first, one page; `before` continues below the last seq seen. */
export async function searchLog(
  ex: Executor,
  orgId: string,
  f: AccessLogFilter,
  limit: number,
  before?: string,
): Promise<LogRow[]> {
  return ex
    .select()
    .from(log)
    .where(where(orgId, f, before))
    .orderBy(desc(log.seq))
    .limit(limit);
}

/**
 * Rows an export reads per statement. A 50,000-row export is 25 short statements, each followed
 * by a turn of the event loop: on PGlite's single connection an alarm waits for one page at most,
 * never for the whole export, and no page's rows take the main thread for long.
 */
export const exportPageRows = 2_000;

/**
 * Pages of at most `pageRows` rows up to `cap` rows in all, each starting after the last seq of
 * the one before (keyset): `fetch` reads one page and says how many rows it had and their last seq.
 */
async function* keysetPages<T>(
  cap: number,
  pageRows: number,
  fetch: (after: bigint | null, want: number) => Promise<{ page: T; count: number; last: bigint | null }>,
): AsyncGenerator<{ page: T; count: number }> {
  let read = 0;
  let after: bigint | null = null;
  while (read < cap) {
    const want = Math.min(pageRows, cap - read);
    const { page, count, last } = await fetch(after, want);
    if (count > 0) yield { page, count };
    read += count;
    if (count < want) return;
    after = last;
  }
}

/**
 * Export: oldest first, in pages (each with its number of rows), at most `cap` rows so one request cannot exhaust the server.
 * Rows appended meanwhile come at the end, as in the log itself.
 */
export function exportLog(
  ex: Executor,
  orgId: string,
  f: AccessLogFilter,
  cap: number,
  pageRows = exportPageRows,
): AsyncGenerator<{ page: LogRow[]; count: number }> {
  return keysetPages(cap, pageRows, async (after, want) => {
    const filter = where(orgId, f);
    const page = await ex
      .select()
      .from(log)
      .where(after === null ? filter : and(filter, gt(log.seq, after)))
      .orderBy(asc(log.seq))
      .limit(want);
    return { page, count: page.length, last: page.at(-1)?.seq ?? null };
  });
}

/**
 * The same pages as `exportLog`, each as one JSON text the database builds (an array of rows with
 * the schema's field names; seq as a string): the main thread never holds the rows as objects,
 * it hands the text to a file worker (the CSV export).
 */
export function exportLogJson(
  ex: Executor,
  orgId: string,
  f: AccessLogFilter,
  cap: number,
  pageRows = exportPageRows,
): AsyncGenerator<{ page: string; count: number }> {
  return keysetPages(cap, pageRows, async (after, want) => {
    const filter = where(orgId, f);
    const [row] = await rawRows<{ json: string; count: number; last: string | null }>(
      ex,
      sql`select coalesce(json_agg(json_build_object(
            'seq', p.seq::text, 'orgId', p.org_id, 'at', p.at, 'actorPersonId', p.actor_person_id,
            'actor', p.actor, 'action', p.action, 'purpose', p.purpose, 'caseReference', p.case_reference,
            'legalBasis', p.legal_basis, 'query', p.query, 'result', p.result, 'prevSeq', p.prev_seq::text,
            'prevHash', p.prev_hash, 'hash', p.hash, 'heldUntil', p.held_until) order by p.seq), '[]')::text as json,
          count(*)::int as count, max(p.seq)::text as last
        from (select * from ${log} where ${after === null ? filter : and(filter, gt(log.seq, after))}
              order by ${log.seq} limit ${want}) p`,
    );
    return { page: row!.json, count: Number(row!.count), last: row!.last === null ? null : BigInt(row!.last) };
  });
}

/** The rows of a page `exportLogJson` wrote, typed as the table's rows again. */
export function logRowsOfJson(json: string): LogRow[] {
  return (JSON.parse(json) as Array<Record<string, unknown>>).map((r) => ({
    ...(r as unknown as LogRow),
    seq: BigInt(r.seq as string),
    at: new Date(r.at as string),
    prevSeq: r.prevSeq === null ? null : BigInt(r.prevSeq as string),
  }));
}

/**
 * Hold rows for a control: only `held_until` changes (the table's trigger refuses any other
 * change). A hold never shortens an existing longer one.
 */
export async function holdRows(tx: Tx, orgId: string, seqs: bigint[], heldUntil: string): Promise<number> {
  const rows = await tx
    .update(log)
    .set({ heldUntil })
    .where(
      and(
        eq(log.orgId, orgId),
        inArray(log.seq, seqs),
        or(isNull(log.heldUntil), sql`${log.heldUntil} < ${heldUntil}::date`),
      ),
    )
    .returning({ seq: log.seq });
  return rows.length;
}

/** Rows past retention and not held, in chain order, with what the pruned-run record needs. */
export async function prunable(tx: Tx, orgId: string, cutoff: Date, today: string) {
  return tx
    .select({ seq: log.seq, prevSeq: log.prevSeq, prevHash: log.prevHash, hash: log.hash })
    .from(log)
    .where(
      and(eq(log.orgId, orgId), lt(log.at, cutoff), or(isNull(log.heldUntil), sql`${log.heldUntil} < ${today}::date`)),
    )
    .orderBy(asc(log.seq));
}

/** Lookups whose answer named one of these entries: the recipients of the person's data (Art. 15). */
export async function disclosuresOf(ex: Executor, orgId: string, entryIds: string[]): Promise<LogRow[]> {
  if (entryIds.length === 0) return [];
  const hit = or(...entryIds.map((id) => sql`${log.result}->'entryIds' @> ${JSON.stringify([id])}::jsonb`))!;
  return ex
    .select()
    .from(log)
    .where(and(eq(log.orgId, orgId), eq(log.action, 'lookup'), hit))
    .orderBy(asc(log.seq));
}

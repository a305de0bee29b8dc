import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { ChainCheck } from '@wachsam/protocol';
import type { Db, Executor, Tx } from '../db/client.js';
import { auditLog, registerAccessLog } from '../db/schema.js';
import { rawRows } from '../db/raw.js';

/**
 * The access log is one hash chain per organisation. Each row's hash is
 * sha256(prevHash + canonical JSON of its content), where the content includes its own `seq`
 * and its predecessor's `prevSeq`: a row cannot be changed, moved or removed without a break.
 *
 * `seq` comes from the table's bigserial, but it is drawn with nextval() BEFORE the insert so
 * the hash can cover it: the table refuses UPDATEs, so nothing can be filled in afterwards.
 * The organisation's chain is serialised with a transaction-scoped advisory lock, taken as the
 * first statement of every transaction that appends, holds or prunes (`chainTransaction`), in READ
 * COMMITTED so the predecessor is read after the lock is held; within one organisation seqs
 * therefore grow in chain order (other organisations' rows interleave). Should anything still
 * link two rows to one predecessor, the unique index on (org_id, coalesce(prev_seq, 0)) refuses
 * the second insert: a fork fails hard instead of entering the log.
 * `held_until` is outside the hash: it is the one thing data protection may set later.
 */
export const genesisHash = '0'.repeat(64);
const chainLock = 7261004;

export interface AccessRecord {
  orgId: string;
  at: Date;
  actor: string;
  actorPersonId: string | null;
  action: string;
  purpose: string;
  caseReference: string;
  legalBasis: string;
  query: Record<string, unknown>;
  result: Record<string, unknown>;
}

type Row = typeof registerAccessLog.$inferSelect;

/** JSON with object keys sorted at every depth: the same content always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function rowHash(r: AccessRecord & { seq: bigint; prevSeq: bigint | null; prevHash: string }): string {
  const content = {
    seq: r.seq.toString(),
    prevSeq: r.prevSeq === null ? null : r.prevSeq.toString(),
    orgId: r.orgId,
    at: r.at.toISOString(),
    actor: r.actor,
    actorPersonId: r.actorPersonId,
    action: r.action,
    purpose: r.purpose,
    caseReference: r.caseReference,
    legalBasis: r.legalBasis,
    query: r.query,
    result: r.result,
  };
  return sha256(r.prevHash + canonicalJson(content));
}

/** Serialise writers (appends, holds, pruning) of one organisation's chain until the transaction ends. */
export async function lockChain(tx: Tx, orgId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${chainLock}, hashtext(${orgId}))`);
}

/**
 * A transaction on one organisation's chain: the advisory lock is its first statement and it runs
 * in READ COMMITTED, whatever the server's default, so every later statement (the predecessor's
 * read above all) sees what the previous lock holder committed. Under REPEATABLE READ the
 * snapshot would be taken by the lock statement itself, before the wait.
 */
export function chainTransaction<T>(db: Db, orgId: string, f: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(
    async (tx) => {
      await lockChain(tx, orgId);
      return f(tx);
    },
    { isolationLevel: 'read committed' },
  );
}

/**
 * Append one access to the organisation's chain, inside the caller's chain transaction (the lock
 * is taken again here, a no-op when held, so a caller that forgot cannot fork the chain). Returns its seq.
 */
export async function appendAccess(tx: Tx, rec: AccessRecord): Promise<bigint> {
  await lockChain(tx, rec.orgId);
  const [last] = await tx
    .select({ seq: registerAccessLog.seq, hash: registerAccessLog.hash })
    .from(registerAccessLog)
    .where(eq(registerAccessLog.orgId, rec.orgId))
    .orderBy(desc(registerAccessLog.seq))
    .limit(1);
  const [next] = await rawRows<{ seq: string }>(
    tx,
    sql`select nextval(pg_get_serial_sequence('register_access_log', 'seq'))::text as seq`,
  );
  const seq = BigInt(next!.seq);
  const prevSeq = last?.seq ?? null;
  const prevHash = last?.hash ?? genesisHash;
  const hash = rowHash({ ...rec, seq, prevSeq, prevHash });
  await tx.insert(registerAccessLog).values({ ...rec, seq, prevSeq, prevHash, hash });
  return seq;
}

/**
 * A run of rows the retention job deleted, as recorded in the audit log: the chain check accepts a
 * gap only where such a run bridges it exactly (from the row before the run to the row after it).
 */
export interface PrunedRun {
  firstPrevSeq: string | null;
  firstPrevHash: string;
  lastSeq: string;
  lastHash: string;
  count: number;
}
export const prunedAction = 'register.access_log_pruned';

/** Group deleted rows (in seq order) into runs that were consecutive in the chain. */
export function prunedRuns(deleted: Array<Pick<Row, 'seq' | 'prevSeq' | 'prevHash' | 'hash'>>): PrunedRun[] {
  const runs: PrunedRun[] = [];
  let prev: bigint | null = null;
  for (const r of deleted) {
    const current = runs.at(-1);
    if (current && prev !== null && r.prevSeq === prev) {
      current.lastSeq = r.seq.toString();
      current.lastHash = r.hash;
      current.count++;
    } else
      runs.push({
        firstPrevSeq: r.prevSeq === null ? null : r.prevSeq.toString(),
        firstPrevHash: r.prevHash,
        lastSeq: r.seq.toString(),
        lastHash: r.hash,
        count: 1,
      });
    prev = r.seq;
  }
  return runs;
}

async function recordedRuns(ex: Executor, orgId: string): Promise<Map<string, PrunedRun>> {
  const rows = await ex
    .select({ detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, prunedAction)));
  const byLast = new Map<string, PrunedRun>();
  for (const r of rows) for (const run of (r.detail.runs ?? []) as PrunedRun[]) byLast.set(run.lastSeq, run);
  return byLast;
}

/**
 * Does the gap before `row` consist only of recorded pruned runs, ending at `prev` (the previous
 * remaining row) or at the chain's start?
 */
function bridged(row: Row, prev: Row | null, runs: Map<string, PrunedRun>): boolean {
  let seq = row.prevSeq === null ? null : row.prevSeq.toString();
  let hash = row.prevHash;
  for (let hops = 0; hops <= runs.size; hops++) {
    if (seq === null) return prev === null && hash === genesisHash;
    if (prev && seq === prev.seq.toString()) return hash === prev.hash;
    const run = runs.get(seq);
    if (!run || run.lastHash !== hash) return false;
    seq = run.firstPrevSeq;
    hash = run.firstPrevHash;
  }
  return false;
}

/** Check one organisation's chain row by row; the first broken row is named with the reason. */
async function verifyOrg(ex: Executor, orgId: string): Promise<ChainCheck> {
  const runs = await recordedRuns(ex, orgId);
  let prev: Row | null = null;
  let checked = 0;
  for (;;) {
    const batch = await ex
      .select()
      .from(registerAccessLog)
      .where(
        prev
          ? and(eq(registerAccessLog.orgId, orgId), gt(registerAccessLog.seq, prev.seq))
          : eq(registerAccessLog.orgId, orgId),
      )
      .orderBy(asc(registerAccessLog.seq))
      .limit(1000);
    if (batch.length === 0) return { ok: true, checked, firstBroken: null };
    for (const row of batch) {
      checked++;
      const broken = (reason: string): ChainCheck => ({
        ok: false,
        checked,
        firstBroken: { seq: row.seq.toString(), orgId, reason },
      });
      if (rowHash({ ...row, query: row.query, result: row.result }) !== row.hash)
        return broken('Inhalt verändert: der Hash passt nicht zum Eintrag (content changed)');
      const linked = prev !== null && row.prevSeq === prev.seq;
      if (linked && row.prevHash !== prev!.hash)
        return broken('Verkettung gebrochen: Vorgänger-Hash passt nicht (previous hash mismatch)');
      if (!linked && !bridged(row, prev, runs))
        return broken(
          row.prevSeq === null
            ? 'Zweiter Kettenanfang (second chain start)'
            : `Vorgänger ${row.prevSeq} fehlt ohne protokollierte Löschung (predecessor missing)`,
        );
      prev = row;
    }
  }
}

/**
 * Verify the chains of one organisation, or of all; stops at the first broken row. Each
 * organisation is read in one REPEATABLE READ, read-only transaction: its pages and the audit's
 * pruned runs are one snapshot, so a prune committing between two pages cannot look like a break.
 */
export async function verifyChain(db: Db, orgId?: string): Promise<ChainCheck> {
  const orgs = orgId
    ? [orgId]
    : (await db.selectDistinct({ orgId: registerAccessLog.orgId }).from(registerAccessLog)).map((r) => r.orgId);
  let checked = 0;
  for (const o of orgs) {
    const r = await db.transaction((tx) => verifyOrg(tx, o), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
    checked += r.checked;
    if (!r.ok) return { ...r, checked };
  }
  return { ok: true, checked, firstBroken: null };
}

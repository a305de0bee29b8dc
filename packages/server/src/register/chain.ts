import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { ChainCheck } from '@wachsam/protocol';
import type { Db, Executor, Tx } from '../db/client.js';
import { auditLog, organisations, registerAccessLog, registerLogHeads } from '../db/schema.js';
import { rawRows } from '../db/raw.js';

/**
 * The access log is one keyed hash chain per organisation. Each row's hash is
 * HMAC-SHA256(key, prevHash + canonical JSON of its content), where the content includes its own
 * `seq` and its predecessor's `prevSeq`: a row cannot be changed, moved or removed without a
 * break, and without the key (a file outside the database, log-key.ts) nobody can write a row,
 * a prune record or a head that verifies.
 *
 * Three things make deletions visible, not only changes:
 * - every append also writes the organisation's keyed head (`register_log_heads`: last seq, last
 *   hash, HMAC): a chain that ends before its head lost its newest rows, a head without rows lost
 *   them all;
 * - rows leave only through a prune record IN the chain (action `log_pruned`), which names each
 *   run of consecutive rows it removes; a gap no keyed prune record bridges is a deletion;
 * - the anchor (`makeAnchor`): the head signed with the time, downloaded by the data-protection
 *   officer and kept outside the installation. Checked against it, the log must still reach the
 *   anchored row (or have pruned it in a recorded run), so a rollback of log and head together, or
 *   the deletion of an organisation with its log, fails too.
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
type Linked = AccessRecord & { seq: bigint; prevSeq: bigint | null; prevHash: string };

/** JSON with object keys sorted at every depth: the same content always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

const hmac = (key: Buffer, s: string) => createHmac('sha256', key).update(s).digest('hex');

/** Constant-time comparison of two hex MACs. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function hashedText(r: Linked): string {
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
  return r.prevHash + canonicalJson(content);
}

export const rowHash = (key: Buffer, r: Linked): string => hmac(key, hashedText(r));
/** The unkeyed hash of logs written before the key (migration 0012): only `rekeyLegacyChains` reads it. */
const legacyRowHash = (r: Linked): string => createHash('sha256').update(hashedText(r)).digest('hex');

export const headMac = (key: Buffer, orgId: string, seq: bigint, hash: string): string =>
  hmac(key, canonicalJson({ kind: 'register-log-head', orgId, seq: seq.toString(), hash }));

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

async function writeHead(tx: Tx, key: Buffer, orgId: string, seq: bigint, hash: string): Promise<void> {
  const mac = headMac(key, orgId, seq, hash);
  await tx
    .insert(registerLogHeads)
    .values({ orgId, seq, hash, mac })
    .onConflictDoUpdate({ target: registerLogHeads.orgId, set: { seq, hash, mac } });
}

/**
 * Append one access to the organisation's chain, inside the caller's chain transaction (the lock
 * is taken again here, a no-op when held, so a caller that forgot cannot fork the chain), and move
 * the keyed head to it. Returns its seq.
 */
export async function appendAccess(tx: Tx, key: Buffer, rec: AccessRecord): Promise<bigint> {
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
  const hash = rowHash(key, { ...rec, seq, prevSeq, prevHash });
  await tx.insert(registerAccessLog).values({ ...rec, seq, prevSeq, prevHash, hash });
  await writeHead(tx, key, rec.orgId, seq, hash);
  return seq;
}

/**
 * A run of consecutive chain rows the retention job deleted, as its prune record names it: the
 * chain check accepts a gap only where such a run bridges it exactly (from the row before the run
 * to the row after it).
 */
export interface PrunedRun {
  firstPrevSeq: string | null;
  firstPrevHash: string;
  lastSeq: string;
  lastHash: string;
  count: number;
}
/** The action of a prune record in the chain. */
export const pruneAction = 'log_pruned';
/**
 * The audit action the retention job wrote before the key (legacy logs only): the audit retention
 * keeps these so a legacy log can still be re-keyed.
 */
export const legacyPrunedAction = 'register.access_log_pruned';

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

/**
 * Delete rows of the organisation's chain for the retention: first a prune record is appended to
 * the chain (keyed like every row) naming the runs, then the rows go, in the same chain
 * transaction. The DELETE trigger lets a row go only while `wachsam.register_log_prune` names a
 * prune record of the same organisation newer than the row (migration 0012).
 */
export async function pruneChain(
  tx: Tx,
  key: Buffer,
  orgId: string,
  rows: Array<Pick<Row, 'seq' | 'prevSeq' | 'prevHash' | 'hash'>>,
  record: { at: Date; actor: string; cutoff: Date },
): Promise<bigint> {
  const runs = prunedRuns(rows);
  const seq = await appendAccess(tx, key, {
    orgId,
    at: record.at,
    actor: record.actor,
    actorPersonId: null,
    action: pruneAction,
    purpose: 'retention',
    caseReference: '',
    legalBasis: '§ 3 BSchG NRW i. V. m. Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung)',
    query: { cutoff: record.cutoff.toISOString() },
    result: { count: rows.length, runs },
  });
  await tx.execute(sql`select set_config('wachsam.register_log_prune', ${seq.toString()}, true)`);
  const seqs = rows.map((r) => r.seq);
  for (let i = 0; i < seqs.length; i += 5000)
    await tx
      .delete(registerAccessLog)
      .where(and(eq(registerAccessLog.orgId, orgId), inArray(registerAccessLog.seq, seqs.slice(i, i + 5000))));
  await tx.execute(sql`select set_config('wachsam.register_log_prune', '', true)`);
  return seq;
}

/**
 * Does the gap before `row` consist only of recorded pruned runs, ending at `prev` (the previous
 * remaining row) or at the chain's start? At the chain's start the walk may also end at a row that
 * an earlier, itself pruned prune record removed: it passed through at least one keyed run, so
 * the front of the log went by the retention, not by hand.
 */
function bridged(row: Row, prev: Row | null, runs: Map<string, PrunedRun>): boolean {
  let seq = row.prevSeq === null ? null : row.prevSeq.toString();
  let hash = row.prevHash;
  for (let hops = 0; hops <= runs.size; hops++) {
    if (seq === null) return prev === null && hash === genesisHash;
    if (prev && seq === prev.seq.toString()) return hash === prev.hash;
    const run = runs.get(seq);
    if (!run) return prev === null && hops > 0;
    if (run.lastHash !== hash) return false;
    seq = run.firstPrevSeq;
    hash = run.firstPrevHash;
  }
  return false;
}

type Broken = { seq: string; reason: string };
const contentChanged =
  'Inhalt verändert oder falscher Schlüssel: der Hash passt nicht zum Eintrag (content changed or wrong key)';

/** The runs of the chain's own prune records, each taken only when its row verifies under the key. */
async function recordedRuns(ex: Executor, key: Buffer, orgId: string): Promise<Map<string, PrunedRun>> {
  const rows = await ex
    .select()
    .from(registerAccessLog)
    .where(and(eq(registerAccessLog.orgId, orgId), eq(registerAccessLog.action, pruneAction)));
  const byLast = new Map<string, PrunedRun>();
  for (const r of rows)
    if (sameMac(rowHash(key, r), r.hash))
      for (const run of (r.result.runs ?? []) as PrunedRun[]) byLast.set(run.lastSeq, run);
  return byLast;
}

interface OrgCheck {
  checked: number;
  broken: Broken | null;
  last: Row | null;
  runs: Map<string, PrunedRun>;
}

/** Walk one organisation's chain row by row; the first broken row is named with the reason. */
async function walkOrg(
  ex: Executor,
  orgId: string,
  hash: (r: Linked) => string,
  runs: Map<string, PrunedRun>,
): Promise<OrgCheck> {
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
    if (batch.length === 0) return { checked, broken: null, last: prev, runs };
    for (const row of batch) {
      checked++;
      const broken = (reason: string): OrgCheck => ({
        checked,
        broken: { seq: row.seq.toString(), reason },
        last: prev,
        runs,
      });
      if (!sameMac(hash(row), row.hash)) return broken(contentChanged);
      const linked = prev !== null && row.prevSeq === prev.seq;
      if (linked && row.prevHash !== prev!.hash)
        return broken('Verkettung gebrochen: Vorgänger-Hash passt nicht (previous hash mismatch)');
      if (!linked && !bridged(row, prev, runs))
        return broken(
          row.prevSeq === null
            ? 'Zweiter Kettenanfang (second chain start)'
            : `Vorgänger ${row.prevSeq} fehlt ohne Löschvermerk in der Kette (predecessor missing)`,
        );
      prev = row;
    }
  }
}

/** One organisation: its chain, then its end against the keyed head. */
async function verifyOrg(ex: Executor, key: Buffer, orgId: string): Promise<OrgCheck> {
  const walk = await walkOrg(ex, orgId, (r) => rowHash(key, r), await recordedRuns(ex, key, orgId));
  if (walk.broken) return walk;
  const [head] = await ex.select().from(registerLogHeads).where(eq(registerLogHeads.orgId, orgId));
  const fail = (seq: string, reason: string): OrgCheck => ({ ...walk, broken: { seq, reason } });
  if (!head)
    return walk.last ? fail(walk.last.seq.toString(), 'Kopf des Protokolls fehlt (head record missing)') : walk;
  if (!sameMac(headMac(key, orgId, head.seq, head.hash), head.mac))
    return fail(
      head.seq.toString(),
      'Kopf des Protokolls verändert oder falscher Schlüssel (head changed or wrong key)',
    );
  if (!walk.last)
    return fail(
      head.seq.toString(),
      'Protokoll der Organisation vollständig gelöscht: der Kopf nennt Einträge, es gibt keine (whole log deleted)',
    );
  if (walk.last.seq !== head.seq || walk.last.hash !== head.hash)
    return fail(
      head.seq.toString(),
      `Neueste Einträge gelöscht: die Kette endet bei ${walk.last.seq}, der Kopf nennt ${head.seq} (tail deleted)`,
    );
  return walk;
}

/** Every organisation the installation knows, and any that only the log still names. */
async function allOrgs(ex: Executor): Promise<string[]> {
  const known = (await ex.select({ id: organisations.id }).from(organisations)).map((o) => o.id);
  const logged = (await ex.selectDistinct({ orgId: registerAccessLog.orgId }).from(registerAccessLog)).map(
    (r) => r.orgId,
  );
  return [...new Set([...known, ...logged])];
}

/** A signed head the data-protection officer keeps outside the installation (`register:verify-log --anchor`). */
export interface Anchor {
  kind: 'wachsam-register-log-anchor';
  version: 1;
  orgId: string;
  /** The last row of the chain when the anchor was made; null when the organisation has none yet. */
  seq: string | null;
  hash: string;
  at: string;
  mac: string;
}

const anchorMac = (key: Buffer, a: Omit<Anchor, 'mac'>): string =>
  hmac(key, canonicalJson({ ...a, purpose: 'register-log-anchor' }));

/** The organisation's current head, signed with the time (read in the caller's chain transaction). */
export async function makeAnchor(ex: Executor, key: Buffer, orgId: string, at: Date): Promise<Anchor> {
  const [head] = await ex.select().from(registerLogHeads).where(eq(registerLogHeads.orgId, orgId));
  const body: Omit<Anchor, 'mac'> = {
    kind: 'wachsam-register-log-anchor',
    version: 1,
    orgId,
    seq: head ? head.seq.toString() : null,
    hash: head ? head.hash : genesisHash,
    at: at.toISOString(),
  };
  return { ...body, mac: anchorMac(key, body) };
}

/** Is `a` an anchor this key signed? (Its fields are checked before the MAC.) */
export function anchorValid(key: Buffer, a: unknown): a is Anchor {
  if (typeof a !== 'object' || a === null) return false;
  const x = a as Record<string, unknown>;
  if (x.kind !== 'wachsam-register-log-anchor' || x.version !== 1) return false;
  if (typeof x.orgId !== 'string' || typeof x.hash !== 'string' || typeof x.at !== 'string') return false;
  if (x.seq !== null && (typeof x.seq !== 'string' || !/^[0-9]+$/.test(x.seq))) return false;
  if (typeof x.mac !== 'string') return false;
  const { mac, ...body } = x as unknown as Anchor;
  return sameMac(anchorMac(key, body), mac);
}

/**
 * Does the verified chain still reach the anchored row? It must be in the chain with the anchored
 * hash, or inside a run a keyed prune record removed. A chain that ends before it lost its newest
 * rows (with its head rolled back, or the organisation deleted with its log).
 */
async function checkAnchor(ex: Executor, a: Anchor, walk: OrgCheck): Promise<Broken | null> {
  if (a.seq === null) return null;
  const seq = BigInt(a.seq);
  const [row] = await ex
    .select({ hash: registerAccessLog.hash })
    .from(registerAccessLog)
    .where(and(eq(registerAccessLog.orgId, a.orgId), eq(registerAccessLog.seq, seq)));
  if (row)
    return row.hash === a.hash ? null : { seq: a.seq, reason: 'Eintrag des Ankers verändert (anchored row changed)' };
  for (const run of walk.runs.values()) {
    const from = run.firstPrevSeq === null ? 0n : BigInt(run.firstPrevSeq);
    if (seq > from && seq <= BigInt(run.lastSeq)) return null;
  }
  if (!walk.last || walk.last.seq < seq)
    return {
      seq: a.seq,
      reason: `Anker neuer als das Protokoll: der Anker vom ${a.at} nennt Eintrag ${a.seq}, das Protokoll endet ${walk.last ? `bei ${walk.last.seq}` : 'ohne Einträge'} (anchor newer than the log: rows deleted)`,
    };
  return { seq: a.seq, reason: 'Eintrag des Ankers fehlt ohne Löschvermerk (anchored row missing)' };
}

/**
 * Verify the chains of one organisation, or of every organisation the installation knows (also
 * those without rows: a keyed head without rows is a deleted log); stops at the first broken row.
 * With anchors, each anchored organisation must also still reach its anchor. Each organisation is
 * read in one REPEATABLE READ, read-only transaction: its pages, prune records and head are one
 * snapshot, so a prune or append committing meanwhile cannot look like a break.
 */
export async function verifyChain(
  db: Db,
  key: Buffer,
  opts: { orgId?: string; anchors?: Anchor[] } = {},
): Promise<ChainCheck> {
  const anchors = opts.anchors ?? [];
  const orgs = opts.orgId ? [opts.orgId] : await allOrgs(db);
  for (const a of anchors) if (!orgs.includes(a.orgId) && (!opts.orgId || a.orgId === opts.orgId)) orgs.push(a.orgId);
  let checked = 0;
  for (const o of orgs) {
    const broken = await db.transaction(
      async (tx) => {
        const walk = await verifyOrg(tx, key, o);
        checked += walk.checked;
        if (walk.broken) return walk.broken;
        for (const a of anchors.filter((x) => x.orgId === o)) {
          const b = await checkAnchor(tx, a, walk);
          if (b) return b;
        }
        return null;
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    if (broken) return { ok: false, checked, firstBroken: { ...broken, orgId: o } };
  }
  return { ok: true, checked, firstBroken: null };
}

/** The audit's pruned runs of a legacy (pre-key) log. */
async function legacyRuns(ex: Executor, orgId: string): Promise<Map<string, PrunedRun>> {
  const rows = await ex
    .select({ detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, legacyPrunedAction)));
  const byLast = new Map<string, PrunedRun>();
  for (const r of rows) for (const run of (r.detail.runs ?? []) as PrunedRun[]) byLast.set(run.lastSeq, run);
  return byLast;
}

/**
 * Logs written before the key (unkeyed sha256, pruned runs in the audit log): each organisation
 * with rows but no keyed head is checked the old way and, when intact, re-keyed in one chain
 * transaction: every remaining row gets its HMAC and is linked to the row before it (the legacy
 * gaps were verified against the audit just now), then a `log_rekeyed` record notes how many rows
 * and runs there were and the old head, and the keyed head is written. A legacy chain that does
 * not verify is left as it is: the keyed check reports it, nothing launders it. Returns the
 * organisations left broken.
 */
export async function rekeyLegacyChains(
  db: Db,
  key: Buffer,
  at: Date,
): Promise<Array<{ orgId: string; seq: string; reason: string }>> {
  const headless = (
    await db
      .selectDistinct({ orgId: registerAccessLog.orgId })
      .from(registerAccessLog)
      .leftJoin(registerLogHeads, eq(registerLogHeads.orgId, registerAccessLog.orgId))
      .where(isNull(registerLogHeads.orgId))
  ).map((r) => r.orgId);
  const broken: Array<{ orgId: string; seq: string; reason: string }> = [];
  for (const orgId of headless)
    await chainTransaction(db, orgId, async (tx) => {
      const runs = await legacyRuns(tx, orgId);
      const legacy = await walkOrg(tx, orgId, legacyRowHash, runs);
      if (legacy.broken) {
        broken.push({ orgId, ...legacy.broken });
        return;
      }
      await tx.execute(sql`select set_config('wachsam.register_log_rekey', 'on', true)`);
      const rows = await tx
        .select()
        .from(registerAccessLog)
        .where(eq(registerAccessLog.orgId, orgId))
        .orderBy(asc(registerAccessLog.seq));
      let prev: { seq: bigint; hash: string } | null = null;
      for (const row of rows) {
        const prevSeq = prev?.seq ?? null;
        const prevHash = prev?.hash ?? genesisHash;
        const hash = rowHash(key, { ...row, prevSeq, prevHash });
        await tx.update(registerAccessLog).set({ prevSeq, prevHash, hash }).where(eq(registerAccessLog.seq, row.seq));
        prev = { seq: row.seq, hash };
      }
      await tx.execute(sql`select set_config('wachsam.register_log_rekey', '', true)`);
      await appendAccess(tx, key, {
        orgId,
        at,
        actor: 'System: Schlüssel',
        actorPersonId: null,
        action: 'log_rekeyed',
        purpose: 'administration',
        caseReference: '',
        legalBasis: '',
        query: {},
        result: { rows: rows.length, legacyRuns: [...runs.values()], legacyHead: legacy.last?.hash ?? null },
      });
    });
  return broken;
}

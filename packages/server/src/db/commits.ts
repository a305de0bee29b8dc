import type { Db, Tx } from './client.js';
import type { events } from './schema.js';

/**
 * What a commit of this instance appended to the stream, handed to its own fan-out with the
 * announcement so it need not read back what it has just written: the event rows (ids
 * contiguous, as committed) and, for alarm events, each alarm's alerted receivers.
 */
export interface Committed {
  orgId: string;
  rows: Array<typeof events.$inferSelect>;
  receivers: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Tells this instance's listeners of a commit (`org:id`, or `access:…`). */
export type Announce = (payload: string, committed?: Committed) => void;

interface TxContext {
  hooks: Array<() => void>;
  announce: Announce;
}

const announcers = new WeakMap<Db, Announce>();

const contexts = new WeakMap<object, TxContext>();

function contextOf(tx: Tx): TxContext {
  const ctx = contexts.get(tx);
  // A nested transaction (savepoint) or a database not opened through openDatabase: a bug, loudly.
  if (!ctx) throw new Error('afterCommit needs a top-level transaction of a database from openDatabase');
  return ctx;
}

/** Run `fn` once the transaction `tx` has committed; never when it rolls back. */
export function afterCommit(tx: Tx, fn: () => void): void {
  contextOf(tx).hooks.push(fn);
}

/**
 * Announce committed events to this instance's fan-out once `tx` has committed. The instance
 * that commits an alarm delivers it to its own sockets without waiting for its NOTIFY to come
 * back: a listener that went silent can then delay other instances, never this one.
 */
export function announceAfterCommit(tx: Tx, payload: string): void {
  const ctx = contextOf(tx);
  ctx.hooks.push(() => ctx.announce(payload));
}

/**
 * Announce a commit made outside `db.transaction` (a single statement in its own transaction,
 * such as the raise) to this instance's fan-out, with what it committed.
 */
export function announceCommitted(db: Db, payload: string, committed: Committed): void {
  const announce = announcers.get(db);
  // A database not opened through openDatabase: a bug, loudly.
  if (!announce) throw new Error('announceCommitted needs a database from openDatabase');
  announce(payload, committed);
}

/**
 * Wrap `db.transaction` so that hooks registered with `afterCommit` run after a successful
 * commit, in order. A throwing hook is reported and does not stop the others: the commit is
 * done whatever a hook does.
 */
export function withCommitHooks(db: Db, announce: Announce, onHookError: (err: unknown) => void): Db {
  announcers.set(db, announce);
  const transaction = db.transaction.bind(db);
  const wrapped: Db['transaction'] = async (fn, config) => {
    const ctx: TxContext = { hooks: [], announce };
    const result = await transaction(async (tx) => {
      contexts.set(tx, ctx);
      return fn(tx);
    }, config);
    for (const hook of ctx.hooks) {
      try {
        hook();
      } catch (err) {
        onHookError(err);
      }
    }
    return result;
  };
  db.transaction = wrapped;
  return db;
}

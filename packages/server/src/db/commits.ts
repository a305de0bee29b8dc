import type { Db, Tx } from './client.js';

interface TxContext {
  hooks: Array<() => void>;
  announce: (payload: string) => void;
}

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
 * Wrap `db.transaction` so that hooks registered with `afterCommit` run after a successful
 * commit, in order. A throwing hook is reported and does not stop the others: the commit is
 * done whatever a hook does.
 */
export function withCommitHooks(db: Db, announce: (payload: string) => void, onHookError: (err: unknown) => void): Db {
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

import { fsyncSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Database, Db } from './client.js';
import { withCommitHooks, type Announce } from './commits.js';
import { lockFolder } from './folder-lock.js';
import { makePrivate, privateUmask } from './private-files.js';
import * as schema from './schema.js';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

type EmscriptenOpts = Parameters<NodeFS['init']>[1];
type PostgresMod = Parameters<NonNullable<EmscriptenOpts['preRun']>[number]>[0];

/** The parts of Emscripten's NODEFS the durability and privacy patches touch. */
interface NodeFsStreamOps {
  stream_ops: { fsync?: (stream: { nfd?: number }) => number };
  node_ops: {
    mknod: (parent: unknown, name: string, mode: number, dev: unknown) => unknown;
    setattr: (node: unknown, attr: { mode?: number }) => void;
  };
}

/**
 * PGlite on Node writes through Emscripten's NODEFS, which has no fsync: PostgreSQL's fsync
 * calls succeed without flushing, and PGlite starts PostgreSQL with `-F` (fsync off) anyway.
 * A commit then survives the process dying (it is in the kernel's page cache) but not a power
 * cut or an OS crash. This file system gives NODEFS a real fsync, and `durableStartParams`
 * turns fsync on with `wal_sync_method=fsync` (NODEFS's fdatasync stays a no-op), so a commit
 * is on disk before PGlite answers it.
 */
export class DurableNodeFS extends NodeFS {
  constructor(
    dataDir: string,
    private readonly sync: (fd: number) => void = fsyncSync,
  ) {
    super(dataDir);
  }

  override async init(pg: PGlite, opts: EmscriptenOpts): Promise<{ emscriptenOpts: EmscriptenOpts }> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const patch = (mod: PostgresMod): void => {
      const nodefs = mod.NODEFS as unknown as NodeFsStreamOps;
      // Every file and folder PostgreSQL creates is the server user's alone (0600/0700), whatever
      // the process umask (worker threads cannot set one): Emscripten would create 0666/0777.
      const mknod = nodefs.node_ops.mknod.bind(nodefs.node_ops);
      nodefs.node_ops.mknod = (parent, name, mode, dev) => mknod(parent, name, mode & ~0o077, dev);
      const setattr = nodefs.node_ops.setattr.bind(nodefs.node_ops);
      nodefs.node_ops.setattr = (node, attr) =>
        setattr(node, attr.mode === undefined || attr.mode === null ? attr : { ...attr, mode: attr.mode & ~0o077 });
      nodefs.stream_ops.fsync = (stream) => {
        if (stream.nfd === undefined) return 0;
        try {
          this.sync(stream.nfd);
        } catch (err) {
          // Directories cannot be fsynced on Windows; everything else must not pass silently.
          if (!isErrno(err, 'EPERM') && !isErrno(err, 'EISDIR') && !isErrno(err, 'EINVAL')) throw err;
        }
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), patch] } };
  }
}

const isErrno = (err: unknown, code: string): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === code;

/** PGlite's own start parameters without `-F` (fsync off), syncing the WAL with fsync. */
export const durableStartParams = [
  ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
  '-c',
  'fsync=on',
  '-c',
  'wal_sync_method=fsync',
];

/**
 * The embedded database in `dataDir` (in memory without one, for tests). One process only:
 * the folder is locked first, and a second process is refused with who holds it.
 */
export async function openPglite(dataDir: string | null): Promise<Database> {
  let release = () => undefined as void;
  let client: PGlite;
  if (dataDir) {
    privateUmask();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    makePrivate(dataDir);
    release = lockFolder(dataDir).release;
  }
  try {
    client = dataDir
      ? await PGlite.create({ fs: new DurableNodeFS(dataDir), startParams: durableStartParams })
      : await PGlite.create();
    await migrate(drizzle({ client }), { migrationsFolder });
  } catch (err) {
    release();
    throw err;
  }
  const local = new Set<Announce>();
  const announce: Announce = (payload, committed) => {
    for (const l of local) l(payload, committed);
  };
  const lanes = new Lanes();
  const db = withCommitHooks(
    drizzle({ client: lanes.client(client, 'alarm'), schema }) as unknown as Db,
    announce,
    () => undefined,
  );
  const bulk = withCommitHooks(
    drizzle({ client: lanes.client(client, 'bulk'), schema }) as unknown as Db,
    announce,
    () => undefined,
  );
  return {
    db,
    bulk,
    kind: 'pglite',
    async listen(onNotify) {
      // One process per folder (the lock): every commit is this process's own, and every commit
      // that appends events announces them here (`announceAfterCommit`, `announceCommitted`).
      // PGlite's in-process NOTIFY is not listened to: it arrives inside the committing query,
      // before the commit could hand over what it wrote, and would only add a second fetch.
      local.add(onNotify);
    },
    listenerHealth: () => ({ state: 'embedded', reconnects: 0 }),
    async close() {
      local.clear();
      await client.close();
      release();
    },
  };
}

/**
 * PGlite has one connection and runs one statement (or transaction) at a time, first come first
 * served: ten uploads, an export and the retention sweep queued on it would put an alarm's
 * statements behind all of them. On PostgreSQL the alarm path has a pool of its own; here it has
 * a lane of its own. The alarm lane (alarm path, login, fan-out) goes straight to the database;
 * the bulk lane (everything else) sends one statement or transaction at a time, and only while
 * no alarm-lane work is waiting. An alarm thus waits for the one bulk statement that is running,
 * not for the queue. (PGlite runs in this thread: that statement cannot be interrupted.)
 */
export class Lanes {
  private alarmWork = 0;
  private bulkBusy = false;
  private readonly waiting: Array<() => void> = [];

  /** The client for one lane: PGlite's own, with `query`, `exec` and `transaction` taking turns. */
  client(pg: PGlite, lane: 'alarm' | 'bulk'): PGlite {
    const turn = <T>(fn: () => Promise<T>): Promise<T> => (lane === 'alarm' ? this.alarm(fn) : this.bulk(fn));
    return new Proxy(pg, {
      get: (target, prop, receiver) => {
        if (prop === 'query' || prop === 'exec' || prop === 'transaction') {
          const method = Reflect.get(target, prop, target) as (...args: unknown[]) => Promise<unknown>;
          return (...args: unknown[]) => turn(() => method.apply(target, args));
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  }

  async alarm<T>(fn: () => Promise<T>): Promise<T> {
    this.alarmWork++;
    try {
      return await fn();
    } finally {
      this.alarmWork--;
      this.wake();
    }
  }

  async bulk<T>(fn: () => Promise<T>): Promise<T> {
    while (this.bulkBusy || this.alarmWork > 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.bulkBusy = true;
    try {
      return await fn();
    } finally {
      this.bulkBusy = false;
      this.wake();
    }
  }

  private wake(): void {
    if (this.bulkBusy || this.alarmWork > 0) return;
    this.waiting.shift()?.();
  }
}

import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Who holds a data folder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The process's start time as the kernel counts it (Linux), to tell a reused pid apart. */
  procStart: string | null;
  startedAt: string;
  command: string;
  token: string;
}

export const lockFileName = 'wachsam.lock';

/**
 * A second process on the same PGlite folder corrupts it: both run their own PostgreSQL on the
 * same files, alarms that got a 201 disappear and indexes break. So every program that opens the
 * folder (server, register:verify-log, tests) takes this lock first, and a second one is refused
 * at once with the folder and the process that holds it.
 */
export class FolderLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    const since = new Date(holder.startedAt).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' });
    const where = holder.host === hostname() ? '' : ` auf Rechner ${holder.host}`;
    super(
      [
        `Der Datenordner ${folder} wird schon benutzt: Prozess ${holder.pid}${where} (${holder.command}, gestartet ${since}).`,
        'Die eingebettete Datenbank (PGlite) erlaubt nur einen Prozess je Ordner. Den laufenden Server beenden,',
        'einen anderen DATA_DIR wählen oder DATABASE_URL auf einen PostgreSQL-Server setzen (mehrere Instanzen).',
        `The data folder ${folder} is in use by process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}`,
        `(${holder.command}, started ${holder.startedAt}). The embedded database allows one process per folder.`,
      ].join('\n'),
    );
    this.name = 'FolderLockedError';
  }
}

/** The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), where there is /proc. */
function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  // Another machine (a shared network folder): we cannot look; only its operator can say it is gone.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid exists; after a reboot or a long time it may be someone else's now.
  const start = procStartOf(holder.pid);
  return holder.procStart === null || start === null || start === holder.procStart;
}

function readHolder(path: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? h : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** A lock file that never got its content (the writer died at once) is stale after this long. */
const unreadableStaleMs = 10_000;

/**
 * Take the folder for this process. Creating the lock file is atomic (`wx`); a lock left by a
 * process that is gone (kill -9, power cut) is taken over by renaming it away, which only one
 * of several starting processes can do; the one that renamed a lock that turned out to be fresh
 * puts it back and is refused.
 */
export function lockFolder(dir: string, command = commandName()): { release: () => void } {
  const folder = resolve(dir);
  const path = join(folder, lockFileName);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    procStart: procStartOf(process.pid),
    startedAt: new Date().toISOString(),
    command,
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return { release: () => releaseLock(path, me.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(path);
    if (holder === 'missing') continue;
    if (holder === 'unreadable') {
      if (Date.now() - statSync(path).mtimeMs < unreadableStaleMs) {
        sleepSync(100);
        continue;
      }
    } else if (isAlive(holder)) {
      throw new FolderLockedError(folder, holder);
    }
    takeOver(path, holder);
  }
  throw new Error(`Der Datenordner ${folder} konnte nicht gesperrt werden (${path})`);
}

function takeOver(path: string, stale: LockHolder | 'unreadable'): void {
  const aside = `${path}.stale-${process.pid}-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it over
    throw err;
  }
  const moved = readHolder(aside);
  const wasStale =
    stale === 'unreadable'
      ? moved === 'unreadable'
      : moved !== 'missing' && moved !== 'unreadable' && moved.token === stale.token;
  if (!wasStale) {
    // We renamed another process's fresh lock: put it back (fails only if the path is taken again).
    try {
      linkSync(aside, path);
    } catch {
      // the path holds a lock again; the loop reads it
    }
  }
  unlinkSync(aside);
}

function releaseLock(path: string, token: string): void {
  const holder = readHolder(path);
  if (holder !== 'missing' && holder !== 'unreadable' && holder.token === token) unlinkSync(path);
}

function commandName(): string {
  const script = process.argv[1] ?? '';
  return script.split(/[\\/]/).slice(-2).join('/') || 'node';
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

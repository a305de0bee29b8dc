import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './fsutil.js';

/**
 * One `run` per agent folder: two would both pop up every alarm. The lock is a pid file; a
 * file whose process is gone (crash, power cut) is stale and taken over.
 */
export function lockPath(dir: string): string {
  return join(dir, 'run.pid');
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

/** The pid of a live `run` in this folder, or null. */
export async function runningAgent(dir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(lockPath(dir), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

/** Take the lock; returns the pid of the holder when another `run` is alive. */
export async function acquireRunLock(
  dir: string,
): Promise<{ ok: true; release: () => Promise<void> } | { ok: false; pid: number }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath(dir), `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      const release = async () => {
        const holder = await readFile(lockPath(dir), 'utf8').catch(() => '');
        if (holder.trim() === String(process.pid)) await unlink(lockPath(dir)).catch(() => undefined);
      };
      return { ok: true, release };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const pid = await runningAgent(dir);
      if (pid !== null && pid !== process.pid) return { ok: false, pid };
      await unlink(lockPath(dir)).catch(() => undefined);
    }
  }
  return { ok: false, pid: 0 };
}

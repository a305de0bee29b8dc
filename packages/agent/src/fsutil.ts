import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files start with this prefix; listings ignore them and a crash can leave them behind. */
export const tempPrefix = '.tmp-';

/**
 * Make a directory entry change (create, rename, unlink) durable. Without this a power cut
 * right after `rename` may bring back the old directory state even though the file data was
 * synced. Windows cannot open a directory for fsync; NTFS journals metadata, so we skip it.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Write `data` to `path` so that after any crash the file is either absent/old or complete:
 * write a temp file in the same directory, fsync it, rename it over the target, fsync the
 * directory. Readers never see a half-written file.
 */
export async function writeFileDurably(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `${tempPrefix}${basename(path)}.${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDir(dir);
}

/** Remove a file durably; a file that is already gone is fine (another process removed it). */
export async function removeDurably(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  await fsyncDir(dirname(path));
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

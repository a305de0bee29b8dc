import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isErrno } from './fsutil.js';

/**
 * One `run` per agent folder: two would both pop up every alarm. The lock is a listening local
 * socket (a named pipe on Windows), not a pid file: the operating system releases it when the
 * process dies, so after a crash or reboot a recycled pid can never make a new `run` believe
 * another one is still there — which would leave the desk without alarm reception.
 */
export function lockAddress(dir: string, platform: NodeJS.Platform = process.platform): string {
  const id = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\?\\pipe\\wachsam-agent-${id}`;
  // Unix socket paths are limited to ~104 bytes; fall back to the temp folder for deep paths.
  const inDir = join(dir, 'run.sock');
  return Buffer.byteLength(inDir) < 100 ? inDir : join(tmpdir(), `wachsam-agent-${id}.sock`);
}

/** The pid of a live `run` in this folder, or null. */
export function runningAgent(dir: string): Promise<number | null> {
  return new Promise((done) => {
    const socket = net.connect(lockAddress(dir));
    let answer = '';
    const finish = (pid: number | null) => {
      socket.destroy();
      done(pid);
    };
    const timer = setTimeout(() => finish(answer ? Number(answer) : 0), 1_000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => {
      clearTimeout(timer);
      const pid = Number(answer.trim());
      finish(Number.isInteger(pid) && pid > 0 ? pid : 0);
    });
    socket.on('error', () => {
      clearTimeout(timer);
      finish(null);
    });
  });
}

export type RunLock = { ok: true; release: () => Promise<void> } | { ok: false; pid: number };

/** Take the lock; returns the pid of the holder when another `run` is alive. */
export async function acquireRunLock(dir: string): Promise<RunLock> {
  const address = lockAddress(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    const server = net.createServer((socket) => socket.end(String(process.pid)));
    try {
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(address, () => ok());
      });
      server.unref();
      return { ok: true, release: () => new Promise((ok) => server.close(() => ok())) };
    } catch (error) {
      if (!isErrno(error, 'EADDRINUSE')) throw error;
      const pid = await runningAgent(dir);
      if (pid !== null) return { ok: false, pid };
      // A socket file left by a process that died: nobody answers on it, so it is stale.
      if (process.platform !== 'win32') await unlink(address).catch(() => undefined);
    }
  }
  return { ok: false, pid: 0 };
}

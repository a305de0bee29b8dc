import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireRunLock, lockAddress, runningAgent } from './lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wachsam-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('run lock', () => {
  it('lets one run hold the folder and tells others its pid', async () => {
    expect(await runningAgent(dir)).toBeNull();
    const first = await acquireRunLock(dir);
    expect(first.ok).toBe(true);
    expect(await runningAgent(dir)).toBe(process.pid);
    expect(await acquireRunLock(dir)).toEqual({ ok: false, pid: process.pid });
    if (first.ok) await first.release();
    expect(await runningAgent(dir)).toBeNull();
  });

  it('takes over a socket left behind by a process that died', async () => {
    if (process.platform === 'win32') return; // named pipes vanish with their process
    // A process that takes the lock and is killed without cleaning up.
    const script = `import('node:net').then(({ default: net }) => net.createServer().listen(${JSON.stringify(
      lockAddress(dir),
    )}, () => console.log('up')))`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const lock = await acquireRunLock(dir);
    expect(lock.ok).toBe(true);
    if (lock.ok) await lock.release();
  });

  it('is not fooled by an old pid file', async () => {
    await writeFile(join(dir, 'run.pid'), '1\n');
    expect(await runningAgent(dir)).toBeNull();
  });
});

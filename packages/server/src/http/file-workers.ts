import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RenderTask } from './file-worker.js';

/**
 * PDFs and CSV are rendered off the main thread, by a small pool of worker threads at the lowest
 * CPU priority: the event loop that fans out alarms never waits for a layout or a long export. Started on the first PDF; idle threads end after a
 * minute. From the TypeScript sources (tests) the worker runs through tsx; built, it is plain JS.
 */
const fromSource = import.meta.url.endsWith('.ts');
let pool: Piscina | null = null;

function workers(): Piscina {
  pool ??= new Piscina({
    filename: new URL(`./file-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    // One thread below the cores: the main thread keeps one for alarms (at least one worker).
    maxThreads: Math.max(1, Math.min(2, availableParallelism() - 1)),
    minThreads: 0,
    idleTimeout: 60_000,
    ...(fromSource ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  return pool;
}

/** Render one file (a PDF, a part of a CSV) in a worker thread. */
export async function renderInWorker<K extends RenderTask['kind']>(
  kind: K,
  input: Extract<RenderTask, { kind: K }>['input'],
): Promise<Buffer> {
  const bytes = (await workers().run({ kind, input })) as ArrayBuffer;
  return Buffer.from(bytes);
}

let users = 0;

/**
 * A server uses the pool from its start to its close; when the last one closes (tests run several
 * in one process), the worker threads end.
 */
export function useFileWorkers(): { release: () => Promise<void> } {
  users++;
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      if (--users > 0) return;
      const p = pool;
      pool = null;
      await p?.destroy();
    },
  };
}

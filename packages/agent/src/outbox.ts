import { randomUUID } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { IdempotencyKey, RaiseAlarmRequest, Timestamp, type AlarmSource } from '@wachsam/protocol';
import { fsyncDir, isErrno, removeDurably, tempPrefix, writeFileDurably } from './fsutil.js';

/**
 * The durable outbox of alarm triggers: one file per press, written before anything is sent.
 *
 * Guarantee: an entry leaves `outbox/` only after the server confirmed the commit (200/201)
 * or rejected it for good (then it moves to `outbox/failed/`, kept for review). A crash or kill
 * at any other moment leaves the entry in place, so the worst case is a retry with the same
 * idempotency key — which the server answers with the alarm it already has — never a lost and
 * never a doubled alarm.
 */
export const OutboxEntry = z.object({
  version: z.literal(1),
  /** Idempotency key: fixed at the press, sent unchanged on every retry. */
  key: IdempotencyKey,
  /** The exact body sent on every attempt, with the press time, so retries are identical. */
  request: RaiseAlarmRequest.extend({ triggeredAt: Timestamp }),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const FailedEntry = OutboxEntry.extend({
  failedAt: Timestamp,
  status: z.number().int().nullable(),
  code: z.string(),
  message: z.string(),
});
export type FailedEntry = z.infer<typeof FailedEntry>;

export interface TriggerInput {
  source: AlarmSource;
  test?: boolean;
  functionTest?: boolean;
}

export interface PendingList {
  entries: OutboxEntry[];
  /** Files in the outbox that cannot be read as an entry: reported loudly, never deleted. */
  unreadable: string[];
}

/**
 * A temp file older than this belongs to a writer that died between fsync and rename (a live
 * writer needs milliseconds). If it holds a complete entry, the press happened: it is adopted.
 */
const orphanAgeMs = 30_000;

export class Outbox {
  readonly pendingDir: string;
  readonly failedDir: string;

  constructor(agentDir: string) {
    this.pendingDir = join(agentDir, 'outbox');
    this.failedDir = join(agentDir, 'outbox', 'failed');
  }

  /**
   * Record a press durably (temp file, fsync, rename, fsync directory). When this resolves the
   * trigger survives a crash or power cut; before that it exists only in this process.
   */
  async add(input: TriggerInput, now: Date = new Date()): Promise<OutboxEntry> {
    const entry: OutboxEntry = OutboxEntry.parse({
      version: 1,
      key: `wa-${randomUUID()}`,
      request: {
        source: input.source,
        test: input.test ?? false,
        functionTest: input.functionTest ?? false,
        triggeredAt: now.toISOString(),
      },
    });
    await writeFileDurably(join(this.pendingDir, entryFileName(entry)), JSON.stringify(entry) + '\n');
    return entry;
  }

  /** Pending entries, oldest press first. */
  async pending(now: Date = new Date()): Promise<PendingList> {
    await this.adoptOrphans(now);
    const entries: OutboxEntry[] = [];
    const unreadable: string[] = [];
    for (const name of await listJson(this.pendingDir)) {
      const entry = await readEntry(join(this.pendingDir, name), OutboxEntry);
      if (entry === gone) continue; // confirmed by another process meanwhile
      if (entry) entries.push(entry);
      else unreadable.push(join(this.pendingDir, name));
    }
    entries.sort((a, b) => a.request.triggeredAt.localeCompare(b.request.triggeredAt) || a.key.localeCompare(b.key));
    return { entries, unreadable };
  }

  /** The server confirmed the commit: only now may the entry go. */
  async confirm(entry: OutboxEntry): Promise<void> {
    await removeDurably(join(this.pendingDir, entryFileName(entry)));
  }

  /**
   * The server rejected the alarm for good (a 4xx that will never succeed). Write the failed
   * record first, then remove the pending entry: a crash in between leaves both, and the retry
   * gets the same final answer and ends here again.
   */
  async fail(
    entry: OutboxEntry,
    reason: { status: number | null; code: string; message: string },
    now: Date = new Date(),
  ): Promise<FailedEntry> {
    const failed = FailedEntry.parse({ ...entry, ...reason, failedAt: now.toISOString() });
    await writeFileDurably(join(this.failedDir, entryFileName(entry)), JSON.stringify(failed, null, 2) + '\n');
    await removeDurably(join(this.pendingDir, entryFileName(entry)));
    return failed;
  }

  async failed(): Promise<FailedEntry[]> {
    const out: FailedEntry[] = [];
    for (const name of await listJson(this.failedDir)) {
      const entry = await readEntry(join(this.failedDir, name), FailedEntry);
      if (entry && entry !== gone) out.push(entry);
    }
    return out.sort((a, b) => a.request.triggeredAt.localeCompare(b.request.triggeredAt));
  }

  /**
   * A writer killed after fsync but before rename leaves a complete temp file: that press was
   * real, so it is renamed into the outbox. An incomplete temp file was never durable (the
   * writer died mid-write, before `add` resolved and before anything was sent) and is removed.
   */
  private async adoptOrphans(now: Date): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.pendingDir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return;
      throw error;
    }
    let changed = false;
    for (const name of names.filter((n) => n.startsWith(tempPrefix))) {
      const path = join(this.pendingDir, name);
      try {
        if (now.getTime() - (await stat(path)).mtimeMs < orphanAgeMs) continue;
        const entry = await readEntry(path, OutboxEntry);
        if (entry === gone) continue;
        if (entry) await rename(path, join(this.pendingDir, entryFileName(entry)));
        else await unlink(path);
        changed = true;
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error;
      }
    }
    if (changed) await fsyncDir(this.pendingDir);
  }
}

/** Sortable by press time, unique by key. */
export function entryFileName(entry: OutboxEntry): string {
  const ms = String(Date.parse(entry.request.triggeredAt)).padStart(15, '0');
  return `${ms}-${entry.key}.json`;
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.endsWith('.json') && !d.name.startsWith(tempPrefix))
      .map((d) => d.name)
      .sort();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}

const gone = Symbol('gone');

/** The parsed file, `null` when it is not a valid entry, `gone` when it vanished meanwhile. */
async function readEntry<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T> | null | typeof gone> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return gone;
    throw error;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryFileName, Outbox } from './outbox.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wachsam-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Outbox', () => {
  it('writes one private file per press with a fresh key and the press time', async () => {
    const outbox = new Outbox(dir);
    const at = new Date('2026-01-02T03:04:05.678Z');
    const a = await outbox.add({ source: 'hotkey' }, at);
    const b = await outbox.add({ source: 'desktop_icon', test: true }, at);

    expect(a.key).not.toBe(b.key);
    expect(a.request).toEqual({ source: 'hotkey', test: false, functionTest: false, triggeredAt: at.toISOString() });
    const files = (await readdir(outbox.pendingDir)).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual([entryFileName(a), entryFileName(b)].sort());
    const file = join(outbox.pendingDir, entryFileName(a));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(a);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    // No temp files are left behind by a completed write.
    expect((await readdir(outbox.pendingDir)).some((f) => f.startsWith('.tmp-'))).toBe(false);
  });

  it('lists pending entries oldest first', async () => {
    const outbox = new Outbox(dir);
    const late = await outbox.add({ source: 'hotkey' }, new Date('2026-01-02T10:00:00Z'));
    const early = await outbox.add({ source: 'tray_icon' }, new Date('2026-01-02T09:00:00Z'));
    const { entries, unreadable } = await outbox.pending();
    expect(entries.map((e) => e.key)).toEqual([early.key, late.key]);
    expect(unreadable).toEqual([]);
  });

  it('keeps an entry until it is confirmed: a process that dies before confirming leaves it, with the same key', async () => {
    const entry = await new Outbox(dir).add({ source: 'hardware_button' });
    // "Crash": the writing process is gone; a new process opens the same folder.
    const afterRestart = new Outbox(dir);
    const { entries } = await afterRestart.pending();
    expect(entries).toEqual([entry]);
    expect(entries[0]?.key).toBe(entry.key);

    await afterRestart.confirm(entry);
    expect((await afterRestart.pending()).entries).toEqual([]);
    // Confirming twice (two processes sent the same entry) is harmless.
    await afterRestart.confirm(entry);
  });

  it('moves a finally rejected entry to failed/ with the reason', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    await outbox.fail(entry, { status: 401, code: 'token_revoked', message: 'Gerät gesperrt' });
    expect((await outbox.pending()).entries).toEqual([]);
    const failed = await outbox.failed();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ key: entry.key, status: 401, code: 'token_revoked', request: entry.request });
  });

  it('adopts a complete temp file left by a writer killed between fsync and rename', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    // Turn the committed file back into an orphaned temp file, 1 minute old.
    const temp = join(outbox.pendingDir, `.tmp-${entryFileName(entry)}.abc`);
    await writeFile(temp, JSON.stringify(entry));
    await rm(join(outbox.pendingDir, entryFileName(entry)));
    const old = new Date(Date.now() - 60_000);
    await utimes(temp, old, old);

    expect((await outbox.pending()).entries).toEqual([entry]);
    expect(await readdir(outbox.pendingDir)).toEqual([entryFileName(entry)]);
  });

  it('leaves a young temp file alone (its writer may still be renaming it)', async () => {
    const outbox = new Outbox(dir);
    const entry = await outbox.add({ source: 'hotkey' });
    await rm(join(outbox.pendingDir, entryFileName(entry)));
    await writeFile(join(outbox.pendingDir, '.tmp-x.json.1'), JSON.stringify(entry));
    expect((await outbox.pending()).entries).toEqual([]);
    expect(await readdir(outbox.pendingDir)).toEqual(['.tmp-x.json.1']);
  });

  it('removes an incomplete old temp file: that press never became durable', async () => {
    const outbox = new Outbox(dir);
    await outbox.add({ source: 'hotkey' });
    const temp = join(outbox.pendingDir, '.tmp-half.json.1');
    await writeFile(temp, '{"version":1,"key":"wa-');
    const old = new Date(Date.now() - 60_000);
    await utimes(temp, old, old);
    const { entries, unreadable } = await outbox.pending();
    expect(entries).toHaveLength(1);
    expect(unreadable).toEqual([]);
    expect((await readdir(outbox.pendingDir)).some((f) => f.startsWith('.tmp-'))).toBe(false);
  });

  it('reports a corrupt entry file instead of deleting it', async () => {
    const outbox = new Outbox(dir);
    await outbox.add({ source: 'hotkey' });
    const corrupt = join(outbox.pendingDir, '000000000000001-wa-broken.json');
    await writeFile(corrupt, 'not json');
    const { entries, unreadable } = await outbox.pending();
    expect(entries).toHaveLength(1);
    expect(unreadable).toEqual([corrupt]);
    expect(await readFile(corrupt, 'utf8')).toBe('not json');
  });

  it('is empty when the folder does not exist yet', async () => {
    const outbox = new Outbox(join(dir, 'missing'));
    expect(await outbox.pending()).toEqual({ entries: [], unreadable: [] });
    expect(await outbox.failed()).toEqual([]);
  });
});

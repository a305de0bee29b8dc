import { fsyncSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableNodeFS, durableStartParams } from './pglite.js';

describe('the embedded database is durable', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('flushes the WAL to disk (fsync) before a commit is answered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wachsam-fsync-'));
    dirs.push(dir);
    const synced: string[] = [];
    const sync = (fd: number) => {
      synced.push(readlinkSync(`/proc/self/fd/${fd}`));
      fsyncSync(fd);
    };
    const pg = await PGlite.create({ fs: new DurableNodeFS(dir, sync), startParams: durableStartParams });
    try {
      expect((await pg.query<{ fsync: string }>('show fsync')).rows[0]!.fsync).toBe('on');
      await pg.exec('create table t (x int)');
      synced.length = 0;
      await pg.exec('insert into t values (1)');
      // The commit's WAL segment was fsynced to the real file before the insert returned.
      expect(synced.some((p) => p.includes(`${dir}/pg_wal/`))).toBe(true);
    } finally {
      await pg.close();
    }
  });
});

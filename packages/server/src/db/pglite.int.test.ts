import { fsyncSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableNodeFS, durableStartParams, openPglite } from './pglite.js';

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

describe('the embedded database has one connection', () => {
  it('runs an alarm-lane statement after the bulk statement that is running, ahead of the bulk queue', async () => {
    const database = await openPglite(null);
    try {
      const order: string[] = [];
      const slow = sql`select count(*) from generate_series(1, 200000)`;
      // An export, uploads, the retention sweep: bulk work queued on the one connection.
      const bulks = Array.from({ length: 5 }, (_, i) =>
        database.bulk.execute(slow).then(() => order.push(`bulk ${i}`)),
      );
      const inTx = database.bulk.transaction(async (tx) => {
        await tx.execute(slow);
        await tx.execute(slow);
        order.push('bulk transaction');
      });
      // Then an alarm's statement (and a transaction of the alarm path).
      const alarm = database.db.execute(sql`select 1`).then(() => order.push('alarm'));
      const alarmTx = database.db.transaction(async (tx) => {
        await tx.execute(sql`select 2`);
        order.push('alarm transaction');
      });
      await Promise.all([...bulks, inTx, alarm, alarmTx]);
      // At most the one bulk statement already running goes first; the rest of the queue after.
      expect(order.indexOf('alarm')).toBeLessThanOrEqual(1);
      expect(order.indexOf('alarm transaction')).toBeLessThanOrEqual(2);
      expect(order.slice(3)).toEqual(
        expect.arrayContaining(['bulk 1', 'bulk 2', 'bulk 3', 'bulk 4', 'bulk transaction']),
      );
      expect(order).toHaveLength(8);
    } finally {
      await database.close();
    }
  });
});

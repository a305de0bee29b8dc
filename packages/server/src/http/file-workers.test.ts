import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderInWorker, useFileWorkers } from './file-workers.js';

/** Nice value of each thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
const niceOfThreads = () =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return { tid: Number(tid), nice: Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]) };
  });

describe('file workers', () => {
  it('format a CSV part off the main thread, in a thread at the lowest CPU priority', async () => {
    const workers = useFileWorkers();
    try {
      // A page as the database writes it (exportLogJson): seq as text, PostgreSQL's timestamp form.
      const row = (seq: number) => ({
        seq: String(seq),
        orgId: 'o',
        at: '2026-12-07T10:00:00.123456+00:00',
        actorPersonId: null,
        actor: '=Formel',
        action: 'lookup',
        purpose: 'counter',
        caseReference: 'AZ;1',
        legalBasis: '',
        query: { lastName: 'Krawallo' },
        result: { outcome: 'none' },
        prevSeq: null,
        prevHash: 'p',
        hash: 'h',
        heldUntil: null,
      });
      const part = await renderInWorker('accessLogCsv', {
        json: JSON.stringify([row(7), row(8)]),
        keep: 1,
        head: true,
      });
      const lines = part.toString('utf8').split('\r\n');
      expect(lines).toHaveLength(3); // the header, the one row kept, and the end of the last line
      expect(lines[0]).toBe(
        'seq;at;actor;action;purpose;caseReference;legalBasis;query;result;heldUntil;prevHash;hash',
      );
      expect(lines[1]).toBe(
        `7;2026-12-07T10:00:00.123Z;'=Formel;lookup;counter;"AZ;1";;"{""lastName"":""Krawallo""}";"{""outcome"":""none""}";;p;h`,
      );
      const threads = niceOfThreads();
      // The main thread (tid = pid) keeps its priority; the worker runs at nice 19.
      expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(0);
      expect(threads.some((t) => t.nice === 19)).toBe(true);
    } finally {
      await workers.release();
    }
  });
});

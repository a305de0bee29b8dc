import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/repository.js';
import type { Tx } from '../db/client.js';
import { people, registerAccessLog, registerLogHeads } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { canonicalJson, legacyPrunedAction, rowHash, verifyChain, type Anchor } from './chain.js';
import { readLogKey } from './log-key.js';
import { createEntry, logKey, login } from './testing.js';
import { main as verifyLogCli } from './verify-log.js';

/** Tampering with the register's access log directly in the database, as an administrator of it could. */
describe.each(backends)('tampering with the access-log chain on %s', (backend) => {
  let server: TestServer;
  afterEach(() => server?.close());

  const db = () => server.database.db;
  const rows = () => db().select().from(registerAccessLog).orderBy(asc(registerAccessLog.seq));
  /** As the database's owner: the triggers switched off for one transaction. */
  const asOwner = (f: (tx: Tx) => Promise<unknown>) =>
    db().transaction(async (tx) => {
      await tx.execute(sql`alter table register_access_log disable trigger user`);
      await f(tx);
      await tx.execute(sql`alter table register_access_log enable trigger user`);
    });
  const deleteSeqs = (seqs: bigint[]) =>
    asOwner(async (tx) => {
      for (const s of seqs) await tx.delete(registerAccessLog).where(eq(registerAccessLog.seq, s));
    });

  async function start(): Promise<{ dp: string; orgId: string }> {
    server = await startTestServer({ backend });
    const central = await server.login(login('sicherheit'));
    await createEntry(server, central);
    const lookup = await server.login(login('stefan.neumann'));
    for (const ref of ['A-1', 'A-2', 'A-3', 'A-4'])
      await api(server.url, 'POST', '/api/register/lookup', {
        cookie: lookup,
        body: { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'counter', caseReference: ref },
      });
    const [p] = await db()
      .select()
      .from(people)
      .where(eq(people.login, login('sicherheit')));
    const dp = await server.login(login('datenschutz'));
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
    return { dp, orgId: p!.orgId };
  }

  it('refuses DELETE, TRUNCATE and UPDATE of log rows in the database', async () => {
    await start();
    const [first] = await rows();
    await expect(db().delete(registerAccessLog).where(eq(registerAccessLog.seq, first!.seq))).rejects.toThrow();
    await expect(db().execute(sql`truncate register_access_log`)).rejects.toThrow();
    await expect(
      db().update(registerAccessLog).set({ caseReference: 'X' }).where(eq(registerAccessLog.seq, first!.seq)),
    ).rejects.toThrow();
    await expect(
      db()
        .update(registerAccessLog)
        .set({ hash: 'f'.repeat(64) })
        .where(eq(registerAccessLog.seq, first!.seq)),
    ).rejects.toThrow();
    // The prune setting alone does not open the door: it must name a prune record newer than the row.
    await expect(
      db().transaction(async (tx) => {
        await tx.execute(sql`select set_config('wachsam.register_log_prune', ${(first!.seq + 100n).toString()}, true)`);
        await tx.delete(registerAccessLog).where(eq(registerAccessLog.seq, first!.seq));
      }),
    ).rejects.toThrow();
    expect(await rows()).toHaveLength(5);
  });

  it('notices the newest rows deleted (tail deletion)', async () => {
    await start();
    const all = await rows();
    await deleteSeqs(all.slice(-2).map((r) => r.seq));
    const check = await verifyChain(db(), logKey(server));
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toMatchObject({
      seq: all.at(-1)!.seq.toString(),
      reason: expect.stringMatching(/Neueste Einträge gelöscht/),
    });
  });

  it('notices a middle deletion even with a forged prune record in the audit log or the chain', async () => {
    const { orgId } = await start();
    const all = await rows();
    const gone = all[2]!;
    await deleteSeqs([gone.seq]);
    // The old way a deletion was excused: a pruned run in the plain audit log. It counts no more.
    await appendAudit(db(), {
      orgId,
      at: new Date(),
      actor: { system: 'Register: Fristen' },
      action: legacyPrunedAction,
      subject: orgId,
      detail: {
        count: 1,
        runs: [
          {
            firstPrevSeq: gone.prevSeq!.toString(),
            firstPrevHash: gone.prevHash,
            lastSeq: gone.seq.toString(),
            lastHash: gone.hash,
            count: 1,
          },
        ],
      },
    });
    let check = await verifyChain(db(), logKey(server));
    expect(check.firstBroken).toMatchObject({ seq: all[3]!.seq.toString(), reason: expect.stringMatching(/fehlt/) });

    // A prune record in the chain, hashed without the key (another key), is no excuse either.
    const last = all.at(-1)!;
    const forged = {
      ...last,
      seq: last.seq + 1000n,
      prevSeq: last.seq,
      prevHash: last.hash,
      action: 'log_pruned',
      result: {
        count: 1,
        runs: [
          {
            firstPrevSeq: gone.prevSeq!.toString(),
            firstPrevHash: gone.prevHash,
            lastSeq: gone.seq.toString(),
            lastHash: gone.hash,
            count: 1,
          },
        ],
      },
    };
    forged.hash = rowHash(randomBytes(32), forged);
    await db().insert(registerAccessLog).values(forged);
    await db()
      .update(registerLogHeads)
      .set({ seq: forged.seq, hash: forged.hash })
      .where(eq(registerLogHeads.orgId, orgId));
    check = await verifyChain(db(), logKey(server));
    expect(check.ok).toBe(false);
    expect(check.firstBroken!.seq).toBe(all[3]!.seq.toString());
  });

  it('notices an organisation whose rows are all deleted, and with its head gone too, against the anchor', async () => {
    const { dp, orgId } = await start();
    const res = await api(server.url, 'GET', '/api/register/access-log/anchor', { cookie: dp });
    expect(res.status).toBe(200);
    const anchor = res.body as Anchor;
    const all = await rows();
    expect(anchor).toMatchObject({ orgId, seq: all.at(-1)!.seq.toString(), hash: all.at(-1)!.hash });
    await deleteSeqs(all.map((r) => r.seq));
    expect((await verifyChain(db(), logKey(server))).firstBroken).toMatchObject({
      orgId,
      reason: expect.stringMatching(/vollständig gelöscht/),
    });
    // Head deleted as well: the database alone cannot tell this from an organisation that never
    // looked anything up, but the anchor the data-protection officer keeps can.
    await db().delete(registerLogHeads).where(eq(registerLogHeads.orgId, orgId));
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
    expect((await verifyChain(db(), logKey(server), { anchors: [anchor] })).firstBroken).toMatchObject({
      orgId,
      reason: expect.stringMatching(/Anker neuer als das Protokoll/),
    });
  });

  it('notices a rollback of log and head to an earlier state with an anchor newer than the log, also through the CLI', async () => {
    const { dp, orgId } = await start();
    const all = await rows();
    const [headBefore] = await db().select().from(registerLogHeads).where(eq(registerLogHeads.orgId, orgId));
    // Two more lookups, then the anchor the data-protection officer downloads.
    const lookup = await server.login(login('stefan.neumann'));
    for (const ref of ['B-1', 'B-2'])
      await api(server.url, 'POST', '/api/register/lookup', {
        cookie: lookup,
        body: { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'counter', caseReference: ref },
      });
    const anchor = (await api(server.url, 'GET', '/api/register/access-log/anchor', { cookie: dp })).body as Anchor;
    // Whoever holds the database removes the two lookups and puts back the head they saw before.
    await deleteSeqs((await rows()).slice(all.length).map((r) => r.seq));
    await db().update(registerLogHeads).set(headBefore!).where(eq(registerLogHeads.orgId, orgId));
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
    const check = await verifyChain(db(), logKey(server), { anchors: [anchor] });
    expect(check.firstBroken).toMatchObject({ seq: anchor.seq, reason: expect.stringMatching(/Anker neuer/) });

    const file = join(server.dataDir, 'anker.json');
    writeFileSync(file, JSON.stringify(anchor));
    const lines: string[] = [];
    const env =
      backend === 'postgres'
        ? { DATABASE_URL: server.databaseUrl!, REGISTER_LOG_KEY_FILE: server.logKeyFile }
        : { DATA_DIR: join(server.dataDir, 'db') };
    if (backend === 'pglite') {
      await server.wachsam.close();
      await server.database.close();
      server.wachsam.close = async () => undefined;
      server.database.close = async () => undefined;
    }
    expect(await verifyLogCli([], env, (l) => lines.push(l))).toBe(0);
    expect(await verifyLogCli(['--anchor', file], env, (l) => lines.push(l))).toBe(1);
    expect(lines.at(-2)).toMatch(/GEBROCHEN.*Anker neuer/);
    // An anchor that was changed (or signed with another key) is refused as such.
    writeFileSync(file, JSON.stringify({ ...anchor, seq: (BigInt(anchor.seq!) - 1n).toString() }));
    expect(await verifyLogCli(['--anchor', file], env, (l) => lines.push(l))).toBe(1);
    expect(lines.at(-2)).toMatch(/Anker UNGÜLTIG/);
  });

  it('fails every row under a wrong key, through the CLI too', async () => {
    await start();
    const check = await verifyChain(db(), randomBytes(32));
    expect(check.firstBroken).toMatchObject({
      seq: (await rows())[0]!.seq.toString(),
      reason: expect.stringMatching(/falscher Schlüssel/),
    });
    if (backend === 'postgres') {
      const other = join(server.dataDir, 'other.key');
      writeFileSync(other, randomBytes(32).toString('hex'));
      const lines: string[] = [];
      expect(
        await verifyLogCli([], { DATABASE_URL: server.databaseUrl!, REGISTER_LOG_KEY_FILE: other }, (l) =>
          lines.push(l),
        ),
      ).toBe(1);
      expect(lines[0]).toMatch(/GEBROCHEN/);
    }
  });
});

describe('the access-log key file', () => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('is created 0600 at first start, and a register without a readable key answers 503 register_log_unavailable', async () => {
    server = await startTestServer({ backend: 'postgres' });
    expect(statSync(server.logKeyFile).mode & 0o777).toBe(0o600);
    await createEntry(server, await server.login(login('sicherheit')));
    const url = server.databaseUrl!;
    const other = `${server.dataDir}/other`;
    mkdirSync(join(other, 'key-is-a-folder'), { recursive: true });
    /** A second instance on the same database with another key file: every register access is refused. */
    const refused = async (keyFile: string) => {
      const s = await startTestServer({
        backend: 'postgres',
        databaseUrl: url,
        env: { REGISTER_LOG_KEY_FILE: keyFile },
      });
      try {
        const ask = await api(s.url, 'POST', '/api/register/lookup', {
          cookie: await s.login(login('stefan.neumann')),
          body: { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'counter' },
        });
        expect(ask.status).toBe(503);
        expect(ask.body.error.code).toBe('register_log_unavailable');
        const list = await api(s.url, 'GET', '/api/register/entries', { cookie: await s.login(login('sicherheit')) });
        expect(list.status).toBe(503);
      } finally {
        await s.close();
      }
    };
    // Not readable as a key.
    await refused(join(other, 'key-is-a-folder'));
    // Missing while the log is already keyed: NOT replaced by a new key, which would orphan the log.
    await refused(join(other, 'missing.key'));
    expect(() => statSync(join(other, 'missing.key'))).toThrow();
  });

  it('re-keys a log written before the key (unkeyed sha256) at the first start with a key, when it verifies', async () => {
    server = await startTestServer({ backend: 'postgres' });
    await createEntry(server, await server.login(login('sicherheit')));
    const lookup = await server.login(login('stefan.neumann'));
    for (const ref of ['L-1', 'L-2'])
      await api(server.url, 'POST', '/api/register/lookup', {
        cookie: lookup,
        body: { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'counter', caseReference: ref },
      });
    const db = server.database.db;
    // Turn the log into what the previous version wrote: sha256 chain, no heads, no key file.
    await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('wachsam.register_log_rekey', 'on', true)`);
      let prevHash = '0'.repeat(64);
      for (const r of await tx.select().from(registerAccessLog).orderBy(asc(registerAccessLog.seq))) {
        const content = {
          seq: r.seq.toString(),
          prevSeq: r.prevSeq === null ? null : r.prevSeq.toString(),
          orgId: r.orgId,
          at: r.at.toISOString(),
          actor: r.actor,
          actorPersonId: r.actorPersonId,
          action: r.action,
          purpose: r.purpose,
          caseReference: r.caseReference,
          legalBasis: r.legalBasis,
          query: r.query,
          result: r.result,
        };
        const hash = createHash('sha256')
          .update(prevHash + canonicalJson(content))
          .digest('hex');
        await tx.update(registerAccessLog).set({ prevHash, hash }).where(eq(registerAccessLog.seq, r.seq));
        prevHash = hash;
      }
      await tx.delete(registerLogHeads);
    });
    const legacyKey = `${server.dataDir}/legacy/register-log.key`;
    const second = await startTestServer({
      backend: 'postgres',
      databaseUrl: server.databaseUrl!,
      env: { REGISTER_LOG_KEY_FILE: legacyKey },
    });
    try {
      expect(statSync(legacyKey).mode & 0o777).toBe(0o600);
      const key = readLogKey(legacyKey);
      const check = await verifyChain(db, key);
      expect(check).toMatchObject({ ok: true, checked: 4 });
      const rows = await db.select().from(registerAccessLog).orderBy(asc(registerAccessLog.seq));
      expect(rows.at(-1)).toMatchObject({ action: 'log_rekeyed', result: { rows: 3 } });
      // And the register works on with the new key.
      const res = await api(second.url, 'POST', '/api/register/lookup', {
        cookie: await second.login(login('stefan.neumann')),
        body: { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'counter' },
      });
      expect(res.status).toBe(200);
      expect((await verifyChain(db, key)).ok).toBe(true);
    } finally {
      await second.close();
    }
  });
});

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { registerAccessLog } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { verifyChain } from './chain.js';
import { createEntry, logKey, login } from './testing.js';
import { main as verifyLogCli } from './verify-log.js';

const day = 24 * 3600 * 1000;

describe.each(backends)('register access log on %s', (backend) => {
  let server: TestServer;
  let central = '';
  let lookup = '';
  let dp = '';
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  const db = () => server.database.db;
  const rows = () => db().select().from(registerAccessLog).orderBy(asc(registerAccessLog.seq));
  const relogin = async () => {
    [central, lookup, dp] = await Promise.all([
      server.login(login('sicherheit')),
      server.login(login('stefan.neumann')),
      server.login(login('datenschutz')),
    ]);
  };
  const ask = (purpose: string, caseReference = '', lastName = 'Krawallo') =>
    api(server.url, 'POST', '/api/register/lookup', {
      cookie: lookup,
      body: { lastName, firstName: 'Kurt', purpose, caseReference },
    });

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    await relogin();
    await createEntry(server, central);
    await ask('appointment', 'AZ-1');
    await ask('counter', 'AZ-2', 'Niemand');
    await ask('enforcement', 'VOLL-3');
  });
  afterAll(() => server?.close());

  it('lets only data protection search, export and verify the log', async () => {
    const page = (await api(server.url, 'GET', '/api/register/access-log?purpose=counter', { cookie: dp })).body;
    expect(page.entries.map((e: { caseReference: string }) => e.caseReference)).toEqual(['AZ-2']);
    const byName = (await api(server.url, 'GET', '/api/register/access-log?name=krawallo', { cookie: dp })).body;
    expect(byName.entries.map((e: { caseReference: string }) => e.caseReference)).toEqual(['VOLL-3', 'AZ-1']);
    const byRef = (
      await api(server.url, 'GET', '/api/register/access-log?reference=voll&actor=neumann', { cookie: dp })
    ).body;
    expect(byRef.entries).toHaveLength(1);
    const first = (await api(server.url, 'GET', '/api/register/access-log?limit=2', { cookie: dp })).body;
    const rest = (
      await api(server.url, 'GET', `/api/register/access-log?limit=2&before=${first.nextBefore}`, { cookie: dp })
    ).body;
    expect(first.entries.length + rest.entries.length).toBe(4);

    const csv = await fetch(`${server.url}/api/register/access-log/export.csv`, { headers: { cookie: dp } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    // The header, the entry's creation (create_entry) and the three lookups.
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(5);
    expect(csv.headers.get('x-wachsam-truncated')).toBeNull();
    expect(text).toContain('VOLL-3');
    const json = (
      await api(server.url, 'GET', '/api/register/access-log/export.json?purpose=appointment', { cookie: dp })
    ).body;
    expect(json.truncated).toBe(false);
    expect(json.entries).toHaveLength(1);
    expect(json.entries[0]).toMatchObject({ action: 'lookup', caseReference: 'AZ-1', query: { lastName: 'Krawallo' } });

    for (const cookie of [lookup, central, await server.login(login('it'))])
      for (const path of [
        '/api/register/access-log',
        '/api/register/access-log/export.csv',
        '/api/register/access-log/verify',
      ])
        expect((await api(server.url, 'GET', path, { cookie })).status).toBe(403);
    expect((await api(server.url, 'GET', '/api/register/access-log/verify', { cookie: dp })).body).toEqual({
      ok: true,
      checked: 4,
      firstBroken: null,
    });
  });

  it('refuses any change of a row except setting a hold', async () => {
    const r = (await rows()).find((x) => x.caseReference === 'AZ-1');
    await expect(
      db().update(registerAccessLog).set({ purpose: 'other' }).where(eq(registerAccessLog.seq, r!.seq)),
    ).rejects.toThrow();
    const held = await api(server.url, 'POST', '/api/register/access-log/hold', {
      cookie: dp,
      body: { seqs: [r!.seq.toString()], heldUntil: '2028-06-30', reason: 'Kontrolle LDI 2027/12' },
    });
    expect(held.body).toEqual({ held: 1 });
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
  });

  it('deletes rows after the retention unless held, and the chain still verifies across the gap', async () => {
    clock.advance(380 * day); // 2027-12-08: every row of 2026 is past the 12 months
    await relogin();
    await ask('home_visit', 'NEU-4');
    await server.wachsam.tick();
    const left = await rows();
    // The deletion is itself a record in the chain, naming the runs it removed.
    expect(left.map((r) => r.action)).toEqual(['lookup', 'lookup', 'log_pruned']);
    expect(left.filter((r) => r.action === 'lookup').map((r) => r.caseReference)).toEqual(['AZ-1', 'NEU-4']);
    expect(left[2]!.result).toMatchObject({ count: 3 });
    expect(left[0]!.heldUntil).toBe('2028-06-30');
    expect(await verifyChain(db(), logKey(server))).toEqual({ ok: true, checked: 3, firstBroken: null });

    // The hold ends; the held row goes too, and the chain is whole again from the new first row.
    clock.advance(220 * day);
    await relogin();
    await ask('appointment', 'NEU-5');
    await server.wachsam.tick();
    expect((await rows()).map((r) => [r.action, r.caseReference])).toEqual([
      ['lookup', 'NEU-4'],
      ['log_pruned', ''],
      ['lookup', 'NEU-5'],
      ['log_pruned', ''],
    ]);
    expect(await verifyChain(db(), logKey(server))).toEqual({ ok: true, checked: 4, firstBroken: null });
  });

  it('notices a row deleted outside the retention job', async () => {
    await ask('counter', 'D-1');
    await ask('counter', 'D-2');
    const all = await rows();
    const [gone, next] = all.slice(-2) as [(typeof all)[0], (typeof all)[0]];
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table register_access_log disable trigger register_access_log_no_delete`);
      await tx.delete(registerAccessLog).where(eq(registerAccessLog.seq, gone.seq));
      await tx.execute(sql`alter table register_access_log enable trigger register_access_log_no_delete`);
    });
    const check = await verifyChain(db(), logKey(server));
    expect(check.firstBroken).toMatchObject({ seq: next.seq.toString(), reason: expect.stringMatching(/fehlt/) });
    // Put back exactly as it was, the chain is whole again: the check is about content, not luck.
    await db().insert(registerAccessLog).values(gone);
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
  });

  it('names the first row changed directly in the database, also through the CLI', async () => {
    await ask('counter', 'T-6');
    await ask('counter', 'T-7');
    const all = await rows();
    const victim = all.at(-2)!;
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table register_access_log disable trigger register_access_log_append_only`);
      await tx.execute(sql`update register_access_log set case_reference = 'GEFÄLSCHT' where seq = ${victim.seq}`);
      await tx.execute(sql`alter table register_access_log enable trigger register_access_log_append_only`);
    });
    const check = await verifyChain(db(), logKey(server));
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toMatchObject({ seq: victim.seq.toString(), reason: expect.stringMatching(/Inhalt/) });
    const viaApi = await api(server.url, 'GET', '/api/register/access-log/verify', { cookie: dp });
    expect(viaApi.body.firstBroken.seq).toBe(victim.seq.toString());

    // The CLI opens the database the way the server does; PGlite allows one process, so stop the server first.
    const lines: string[] = [];
    const env =
      backend === 'postgres'
        ? { DATABASE_URL: server.databaseUrl!, REGISTER_LOG_KEY_FILE: server.logKeyFile }
        : { DATA_DIR: join(server.dataDir, 'db') };
    if (backend === 'pglite') {
      await server.wachsam.close();
      await server.database.close();
    }
    const code = await verifyLogCli([], env, (l) => lines.push(l));
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(`seq ${victim.seq}`);
    expect(lines.join('\n')).toMatch(/GEBROCHEN/);
    if (backend === 'pglite') {
      rmSync(server.dataDir, { recursive: true, force: true });
      server = undefined as unknown as TestServer;
    }
  });
});

describe('verify-log CLI on an intact log', () => {
  it('exits 0 and says so', async () => {
    const server = await startTestServer({ backend: 'pglite' });
    const central = await server.login(login('sicherheit'));
    await createEntry(server, central);
    await api(server.url, 'POST', '/api/register/lookup', {
      cookie: await server.login(login('stefan.neumann')),
      body: { lastName: 'Krawallo', firstName: 'Kurt', purpose: 'appointment' },
    });
    await server.wachsam.close();
    await server.database.close();
    const lines: string[] = [];
    expect(await verifyLogCli([], { DATA_DIR: join(server.dataDir, 'db') }, (l) => lines.push(l))).toBe(0);
    // The entry's creation and the lookup.
    expect(lines[0]).toBe('Zugriffsprotokoll intakt: 2 Einträge geprüft.');
    rmSync(server.dataDir, { recursive: true, force: true });
  });
});

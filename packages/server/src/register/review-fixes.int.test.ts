import { and, asc, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock.js';
import { registerAccessLog, zemagSettings } from '../db/schema.js';
import { api, backends, startTestServer, throwawayPostgres, type TestServer } from '../testing.js';
import { AccessLogService } from './access-log.js';
import { verifyChain } from './chain.js';
import { RegisterLogKey } from './log-key.js';
import { exportLog, exportPageRows, type LogRow } from './log-repository.js';
import { logCsvLines } from './presenter.js';
import { createEntry, entryInput, insertReport, logKey, login, personId } from './testing.js';

const day = 24 * 3600 * 1000;
const ask = (server: TestServer, cookie: string, lastName: string, firstName: string) =>
  api(server.url, 'POST', '/api/register/lookup', {
    cookie,
    body: { lastName, firstName, purpose: 'counter', caseReference: `${lastName}/${firstName}` },
  });

describe.each(backends)('register review fixes on %s', (backend) => {
  let server: TestServer;
  let central = '';
  let lookup = '';
  let dp = '';
  let orgId = '';
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  const db = () => server.database.db;
  const logRows = () => db().select().from(registerAccessLog).orderBy(asc(registerAccessLog.seq));
  const relogin = async () => {
    [central, lookup, dp] = await Promise.all([
      server.login(login('sicherheit')),
      server.login(login('stefan.neumann')),
      server.login(login('datenschutz')),
    ]);
  };
  const art15 = async (body: Record<string, unknown>) => {
    const res = await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body });
    expect(res.status).toBe(200);
    return res.body as {
      incidentReports: Array<Record<string, unknown> & { description: string; categories: string[] }>;
    };
  };

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    await relogin();
    orgId = (await db().query.people.findFirst({ where: (p, { eq: is }) => is(p.login, login('datenschutz')) }))!.orgId;
  });
  afterAll(() => server?.close());

  it('C2: finds spelling variants and aliases, and not somebody else', async () => {
    await createEntry(server, central, {
      lastName: 'Müller',
      firstName: 'Jürgen',
      aliases: ['Kalle Krawall', 'Schulze-Böß, Hans'],
    });
    for (const [last, first] of [
      ['Mueller', 'Juergen'],
      ['Muller', 'Jurgen'],
      ['MÜL-LER', 'jürgen'],
      ['Krawall', 'Kalle'],
      ['Schulze Boess', 'Hans'],
    ] as const)
      // Found by name; without a birth date or address nothing tells the person from a namesake.
      expect((await ask(server, lookup, last, first)).body.outcome, `${last}, ${first}`).toBe('check');
    // Sounding alike (Kölner Phonetik) is a candidate too; a different first name is not.
    expect((await ask(server, lookup, 'Möller', 'Jürgen')).body.outcome).toBe('check');
    for (const [last, first] of [
      ['Müller', 'Jörg'],
      ['Krawall', 'Kurt'],
    ] as const)
      expect((await ask(server, lookup, last, first)).body.outcome, `${last}, ${first}`).toBe('none');
  });

  it('A2: creating, changing and reviewing an entry each write exactly one access-log row', async () => {
    const count = async () => (await logRows()).length;
    let before = await count();
    const e = await createEntry(server, central, { lastName: 'Schreiber', firstName: 'Sven' });
    expect(await count()).toBe(before + 1);
    expect((await logRows()).at(-1)).toMatchObject({
      action: 'create_entry',
      purpose: 'administration',
      result: { entryIds: [e.id] },
    });

    before = await count();
    const upd = await api(server.url, 'PUT', `/api/register/entries/${e.id}`, {
      cookie: central,
      body: entryInput({ lastName: 'Schreiber', firstName: 'Sven', details: 'geändert' }),
    });
    expect(upd.status).toBe(200);
    expect(await count()).toBe(before + 1);
    expect((await logRows()).at(-1)).toMatchObject({ action: 'update_entry', query: { entryId: e.id } });

    before = await count();
    const rev = await api(server.url, 'POST', `/api/register/entries/${e.id}/review`, {
      cookie: central,
      body: { comment: 'weiter erforderlich' },
    });
    expect(rev.status).toBe(200);
    expect(await count()).toBe(before + 1);
    expect((await logRows()).at(-1)).toMatchObject({ action: 'review_entry', result: { entryIds: [e.id] } });
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
  });

  it('P5: the Art. 15 report leaves out draft reports', async () => {
    // The answer holds no report ids: the reports are told apart by their text.
    const causer = { lastName: 'Entwurf', firstName: 'Egon', birthDate: null };
    await insertReport(server, causer, { status: 'draft', description: 'Noch nicht eingereicht' });
    await insertReport(server, causer, { status: 'submitted', description: 'Eingereicht' });
    const texts = (await art15({ lastName: 'Entwurf', firstName: 'Egon' })).incidentReports.map((r) => r.description);
    expect(texts).toEqual(['Eingereicht']);
  });
  it('P7: blacks out every colleague named in free text, but not the subject', async () => {
    await insertReport(
      server,
      { lastName: 'Neumann', firstName: 'Norbert', birthDate: null },
      {
        description: 'Neumann schrie. Jonas Becker und Hoffmann sahen zu; becker holte Hilfe. Beckerstraße blieb.',
        otherCategory: 'Beleidigung von Koch, Julia',
        summary: 'Warnung: Petra  Hoffmann bedroht',
      },
    );
    const [incident] = (await art15({ lastName: 'Neumann', firstName: 'Norbert' })).incidentReports;
    // Stefan Neumann is a colleague with the subject's last name: the name stays, it is also his own.
    expect(incident!.description).toBe(
      'Neumann schrie. [geschwärzt] und [geschwärzt] sahen zu; [geschwärzt] holte Hilfe. Beckerstraße blieb.',
    );
    expect(incident!.categories).toContain('Beleidigung von [geschwärzt]');
    expect((incident!.warning as { summary: string }).summary).toBe('Warnung: [geschwärzt] bedroht');
  });

  it('C3: finds reports by causer whatever the accents', async () => {
    const causer = { lastName: 'Çelik', firstName: 'Ayşe', birthDate: null };
    await insertReport(server, causer, { description: 'Meldung zu Ayşe Çelik' });
    const texts = async (lastName: string, firstName: string) =>
      (await art15({ lastName, firstName })).incidentReports.map((i) => i.description);
    expect(await texts('Celik', 'Ayse')).toContain('Meldung zu Ayşe Çelik');
    expect(await texts('Celik', 'Ali')).not.toContain('Meldung zu Ayşe Çelik');
  });

  it('C5: an export cut at its cap says so in the CSV, the JSON and the header', async () => {
    const svc = new AccessLogService(db(), clock, RegisterLogKey.available(logKey(server)));
    const actor = {
      kind: 'person' as const,
      orgId,
      personId: await personId(server, login('datenschutz')),
      roles: ['data_protection' as const],
      name: 'Ingrid Peters',
      login: login('datenschutz'),
      sessionHash: '',
      sessionExpiresAt: new Date(Date.now() + 3600_000),
    };
    const total = (await logRows()).length;
    const cut = await svc.exportCsv(actor, {}, 2);
    expect(cut.truncated).toBe(true);
    const lines = cut.body.toString('utf8').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^# GEKÜRZT: nur die ersten 2 Einträge/);
    const json = await svc.exportJson(actor, {}, 2);
    expect(json.body.truncated).toBe(true);
    expect(json.body.entries).toHaveLength(2);
    // Exactly at the cap is complete.
    const whole = await svc.exportJson(actor, {}, total);
    expect(whole.body).toMatchObject({ truncated: false });
    expect(whole.body.entries).toHaveLength(total);
    const wholeCsv = (await svc.exportCsv(actor, {}, total)).body.toString('utf8');
    expect(wholeCsv).not.toContain('GEKÜRZT');
    // The database's JSON pages give the same file as the typed rows (times, JSON, holds).
    const typed: LogRow[] = [];
    for await (const { page } of exportLog(db(), orgId, {}, total)) typed.push(...page);
    expect(wholeCsv).toBe(`\uFEFF${logCsvLines(typed, true)}`);

    // Over HTTP with the real cap of 50,000: rows filed straight into the table (content irrelevant here).
    await db().execute(sql`
      insert into register_access_log (org_id, at, actor, action, purpose, query, result, prev_seq, prev_hash, hash)
      select ${orgId}, ${clock.now().toISOString()}::timestamptz, 'Massentest', 'lookup', 'counter', '{}', '{}',
        10000000 + g, '', '' from generate_series(1, 50000) g`);
    const csv = await fetch(`${server.url}/api/register/access-log/export.csv`, { headers: { cookie: dp } });
    expect(csv.headers.get('x-wachsam-truncated')).toBe('true');
    const lines50k = (await csv.text()).trimEnd().split('\r\n');
    expect(lines50k.at(-1)).toMatch(/^# GEKÜRZT: nur die ersten 50000/);
    // Read in pages of short statements (PGlite's one connection is never held by the whole
    // export), yet every row once, oldest first, across the page boundaries.
    const seqs = lines50k.slice(1, -1).map((l) => BigInt(l.split(';')[0]!));
    expect(seqs).toHaveLength(50_000);
    expect(seqs.every((q, i) => i === 0 || q > seqs[i - 1]!)).toBe(true);
    const pages: number[] = [];
    for await (const { count } of exportLog(db(), orgId, {}, 50_001)) pages.push(count);
    expect(pages.length).toBeGreaterThan(1);
    expect(Math.max(...pages)).toBeLessThanOrEqual(exportPageRows);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(50_001);
    const viaJson = await api(server.url, 'GET', '/api/register/access-log/export.json', { cookie: dp });
    expect(viaJson.body.truncated).toBe(true);
    expect(viaJson.body.entries).toHaveLength(50_000);
    // Between pages the export waits while an alarm is under way (`AlarmActivity.quiet`): the
    // next page is not read until the wait ends.
    let paces = 0;
    let held = true;
    let resume: () => void = () => undefined;
    const paced = new AccessLogService(db(), clock, RegisterLogKey.available(logKey(server)), () => {
      paces++;
      return held ? new Promise<void>((r) => (resume = r)) : Promise.resolve();
    });
    const exporting = paced.exportCsv(actor, {}, 5_000);
    await vi.waitFor(() => expect(paces).toBe(1), { timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(paces).toBe(1);
    held = false;
    resume();
    const pacedCsv = await exporting;
    expect(pacedCsv.body.toString('utf8').trimEnd().split('\r\n')).toHaveLength(5_000 + 2);
    expect(paces).toBe(3); // after each of the pages of 2,000, 2,000 and 1,001 rows
    // The log refuses DELETE (rows go only with a prune record): the test's filler goes as the owner.
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table register_access_log disable trigger register_access_log_no_delete`);
      await tx.delete(registerAccessLog).where(eq(registerAccessLog.actor, 'Massentest'));
      await tx.execute(sql`alter table register_access_log enable trigger register_access_log_no_delete`);
    });
  });

  it('A1: prunes the access log after 12 months whatever the settings say', async () => {
    const rowsOf = async (ref: string) =>
      (await logRows()).filter((r) => r.caseReference === ref && r.orgId === orgId).length;
    const setRetention = (months: number) =>
      db()
        .insert(zemagSettings)
        .values({ orgId, value: { accessLogRetentionMonths: months } })
        .onConflictDoUpdate({ target: zemagSettings.orgId, set: { value: { accessLogRetentionMonths: months } } });
    await ask(server, lookup, 'Alt', 'Anton'); // will be 13 months old
    clock.advance(61 * day);
    await relogin();
    await ask(server, lookup, 'Jung', 'Jana'); // will be 11 months old
    clock.advance(335 * day);
    await relogin();

    await setRetention(60);
    await server.wachsam.tick();
    expect(await rowsOf('Alt/Anton')).toBe(0);
    expect(await rowsOf('Jung/Jana')).toBe(1);

    clock.advance(11 * 60 * 1000); // the job runs at most every 10 minutes
    await setRetention(1);
    await server.wachsam.tick();
    expect(await rowsOf('Jung/Jana')).toBe(1);
    expect((await verifyChain(db(), logKey(server))).ok).toBe(true);
  });
});

describe.each(backends)('the access-log chain under concurrent lookups on %s', (backend) => {
  let server: TestServer;
  let drop: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    // On PostgreSQL the database defaults to REPEATABLE READ: the chain must not depend on the default.
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const throwaway = await throwawayPostgres();
      drop = throwaway.drop;
      databaseUrl = throwaway.url;
      const name = new URL(databaseUrl).pathname.slice(1);
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`alter database ${name} set default_transaction_isolation to 'repeatable read'`);
      await c.end();
    }
    server = await startTestServer({ backend, databaseUrl });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it('I3: 20 parallel lookups leave one unforked chain, and a fork is refused by the database', async () => {
    const [central, lookup] = await Promise.all([
      server.login(login('sicherheit')),
      server.login(login('stefan.neumann')),
    ]);
    await createEntry(server, central);
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(server, lookup, 'Krawallo', 'Kurt')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const db = server.database.db;
    const rows = await db.select().from(registerAccessLog).orderBy(asc(registerAccessLog.seq));
    expect(rows).toHaveLength(21);
    expect(new Set(rows.map((r) => String(r.prevSeq))).size).toBe(21);
    expect(await verifyChain(db, logKey(server))).toEqual({ ok: true, checked: 21, firstBroken: null });

    const last = rows.at(-1)!;
    const { seq: _s, ...copy } = last;
    await expect(db.insert(registerAccessLog).values({ ...copy, hash: 'f'.repeat(64) })).rejects.toThrow();
    expect(
      await db
        .select()
        .from(registerAccessLog)
        .where(and(eq(registerAccessLog.orgId, last.orgId), eq(registerAccessLog.hash, 'f'.repeat(64)))),
    ).toEqual([]);
  });
});

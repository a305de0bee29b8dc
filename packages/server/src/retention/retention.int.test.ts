import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/repository.js';
import { FakeClock } from '../clock.js';
import { auditLog, people } from '../db/schema.js';
import { legacyPrunedAction as prunedAction } from '../register/chain.js';
import { login } from '../reports/fixtures.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const day = 24 * 3600_000;

describe.each(backends)('retention settings and the audit log on %s', (backend) => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('refuses periods outside the legal bounds with a German message naming the data and the bounds, and keeps the saved ones', async () => {
    server = await startTestServer({ backend });
    const central = await server.login(login('sicherheit'));
    const settings = (await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body;
    expect(settings).toMatchObject({
      alarmRetentionDays: 90,
      reportRetentionMonths: 24,
      draftRetentionDays: 90,
      auditRetentionMonths: 12,
    });
    const refused = async (change: object) => {
      const res = await api(server.url, 'PUT', '/api/zemag/settings', {
        cookie: central,
        body: { ...settings, ...change },
      });
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
      return res.body.error.issues;
    };
    expect(await refused({ alarmRetentionDays: 20 })).toEqual([
      {
        path: 'body.alarmRetentionDays',
        message: 'Alarme: mindestens 30 Tage – erlaubt sind zwischen 30 und 730 Tagen',
      },
    ]);
    expect(await refused({ reportRetentionMonths: 61 })).toEqual([
      {
        path: 'body.reportRetentionMonths',
        message: 'Meldungen: höchstens 60 Monate – erlaubt sind zwischen 6 und 60 Monaten',
      },
    ]);
    expect(await refused({ draftRetentionDays: 'ein Jahr' })).toEqual([
      {
        path: 'body.draftRetentionDays',
        message: 'Entwürfe: bitte eine ganze Zahl angeben (zwischen 30 und 365 Tagen)',
      },
    ]);
    expect(await refused({ auditRetentionMonths: 3 })).toEqual([
      {
        path: 'body.auditRetentionMonths',
        message: 'Protokoll: mindestens 6 Monate – erlaubt sind zwischen 6 und 36 Monaten',
      },
    ]);
    expect((await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body).toEqual(settings);

    const changed = { ...settings, alarmRetentionDays: 30, reportRetentionMonths: 60, auditRetentionMonths: 36 };
    const saved = await api(server.url, 'PUT', '/api/zemag/settings', { cookie: central, body: changed });
    expect(saved.status).toBe(200);
    expect((await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body).toEqual(changed);
    // Only the central unit sets them.
    const anna = await server.login(login('anna.schmidt'));
    expect((await api(server.url, 'PUT', '/api/zemag/settings', { cookie: anna, body: settings })).status).toBe(403);
  });

  it('deletes audit entries after the audit period, hides them before the job ran, and keeps the records the access-log chain check rests on', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    await server.login(login('it'));
    const [it] = await server.database.db
      .select()
      .from(people)
      .where(eq(people.login, login('it')));
    await appendAudit(server.database.db, {
      orgId: it!.orgId,
      at: clock.now(),
      actor: { system: 'Register: Fristen' },
      action: prunedAction,
      subject: it!.orgId,
      detail: { count: 3, runs: [] },
    });
    const startedAt = clock.now().toISOString();
    /** The logins of the first day as the audit page lists them (logging in again adds new ones). */
    const firstLogins = async () =>
      (
        await api(server.url, 'GET', '/api/admin/audit?limit=200', { cookie: await server.login(login('it')) })
      ).body.filter((e: { action: string; at: string }) => e.action === 'login' && e.at <= startedAt);

    clock.advance(364 * day);
    expect(await firstLogins()).not.toEqual([]);
    clock.advance(3 * day);
    // Past twelve months: not shown any more, though the job has not run.
    expect(await firstLogins()).toEqual([]);
    const old = (await server.database.db.select().from(auditLog)).filter(
      (e) => e.at.getTime() < clock.now().getTime() - 366 * day,
    );
    expect(old.length).toBeGreaterThan(1);

    await server.wachsam.tick();
    const left = new Set((await server.database.db.select().from(auditLog)).map((e) => e.id));
    expect(old.filter((e) => left.has(e.id)).map((e) => e.action)).toEqual([prunedAction]);
    const [entry] = await server.database.db.select().from(auditLog).where(eq(auditLog.action, 'retention.deleted'));
    expect(entry!.detail.counts).toEqual({ auditEntries: old.length - 1 });
  });
});

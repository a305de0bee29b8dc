import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import {
  aftercareTasks,
  alarmMessages,
  alarmReceivers,
  alarmSteps,
  alarms,
  auditLog,
  events,
  incidentReports,
  people,
} from '../db/schema.js';
import { complaint, createReport, demoPlaces, login, step, threatReport } from '../reports/fixtures.js';
import { RetentionJob, type Retainer } from '../retention/job.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { AlarmRetention } from './retention.js';

const day = 24 * 3600_000;

describe.each(backends)('alarm retention on %s', (backend) => {
  let server: TestServer;
  let clock: FakeClock;
  afterEach(() => server?.close());

  const start = async () => {
    clock = new FakeClock();
    server = await startTestServer({ backend, clock });
  };
  /** Sessions last 12 hours: after a jump in time everybody logs in again. */
  const as = (name: string) => server.login(login(name));
  const raise = async (cookie: string, body: object = { source: 'console' }) =>
    (
      await api(server.url, 'POST', '/api/alarms', {
        cookie,
        body,
        headers: { 'idempotency-key': randomUUID() },
      })
    ).body.alarm as { id: string; raisedAt: string };
  /** Jonas comes and writes in the thread, the security desk gives the all-clear. */
  const answeredAndResolved = async (alarmId: string) => {
    const [jonas, pforte] = await Promise.all([as('jonas.becker'), as('pforte')]);
    await api(server.url, 'POST', `/api/alarms/${alarmId}/respond`, { cookie: jonas, body: { response: 'coming' } });
    const msg = await api(server.url, 'POST', `/api/alarms/${alarmId}/messages`, {
      cookie: jonas,
      body: { text: 'Bin gleich bei Frau Schmidt am Schalter' },
    });
    expect(msg.status).toBe(201);
    const resolved = await api(server.url, 'POST', `/api/alarms/${alarmId}/resolve`, {
      cookie: pforte,
      body: { outcome: 'real', note: 'Herr Grimmig hat das Haus verlassen' },
    });
    expect(resolved.status).toBe(200);
  };
  const db = () => server.database.db;
  const retentionEntries = () => db().select().from(auditLog).where(eq(auditLog.action, 'retention.deleted'));
  /** Rows about this alarm in each table that holds them. */
  const traces = async (alarmId: string) => ({
    alarms: (await db().select().from(alarms).where(eq(alarms.id, alarmId))).length,
    receivers: (await db().select().from(alarmReceivers).where(eq(alarmReceivers.alarmId, alarmId))).length,
    steps: (await db().select().from(alarmSteps).where(eq(alarmSteps.alarmId, alarmId))).length,
    messages: (await db().select().from(alarmMessages).where(eq(alarmMessages.alarmId, alarmId))).length,
    events: (await db().select().from(events).where(eq(events.alarmId, alarmId))).length,
    tasks: (await db().select().from(aftercareTasks).where(eq(aftercareTasks.alarmId, alarmId))).length,
    audit: (
      await db()
        .select()
        .from(auditLog)
        .where(eq(auditLog.subject, `Alarm ${alarmId}`))
    ).length,
  });

  it('deletes an alarm after its period from every table: receivers and answers, messages, position, events, debrief and audit; an open alarm stays', async () => {
    await start();
    const anna = await as('anna.schmidt');
    const position = { lat: 50.9375, lon: 6.9603, accuracy: 20, at: clock.now().toISOString() };
    const alarm = await raise(anna, { source: 'console', position });
    await answeredAndResolved(alarm.id);
    // The supervisor holds the debrief and notes it: the audit records that task.
    const claudia = await as('claudia.hartmann');
    const task = (await api(server.url, 'GET', '/api/tasks', { cookie: claudia })).body.find(
      (t: { alarmId: string }) => t.alarmId === alarm.id,
    );
    await api(server.url, 'POST', `/api/tasks/${task.id}/done`, { cookie: claudia, body: { comment: 'besprochen' } });
    const open = await raise(anna);
    const before = await traces(alarm.id);
    expect(before).toMatchObject({ alarms: 1, messages: 1, tasks: 1 });
    expect(Math.min(before.receivers, before.steps, before.events, before.audit)).toBeGreaterThan(0);
    expect(
      (
        await db()
          .select()
          .from(auditLog)
          .where(eq(auditLog.subject, `task:${task.id}`))
      ).length,
    ).toBe(1);

    clock.advance(89 * day);
    await server.wachsam.tick();
    expect((await traces(alarm.id)).alarms).toBe(1);

    clock.advance(2 * day);
    await server.wachsam.tick();
    expect(await traces(alarm.id)).toEqual({
      alarms: 0,
      receivers: 0,
      steps: 0,
      messages: 0,
      events: 0,
      tasks: 0,
      audit: 0,
    });
    expect(
      (
        await db()
          .select()
          .from(auditLog)
          .where(eq(auditLog.subject, `task:${task.id}`))
      ).length,
    ).toBe(0);
    // Still open after 91 days: an open alarm is never deleted.
    expect((await traces(open.id)).alarms).toBe(1);

    const entry = (await retentionEntries()).find((e) => 'alarms' in (e.detail.counts as object));
    expect(entry!.detail.counts).toEqual({ alarms: 1, alarmMessages: 1, aftercareTasks: 1 });
    const written = JSON.stringify({ ...entry, id: undefined });
    for (const content of ['Schmidt', 'Grimmig', 'Schalter', alarm.id, task.id, '50.93'])
      expect(written).not.toContain(content);
  });

  it('hides an alarm past its period at once from history, detail, messages and reporting, before the job ran; an alarm a kept report names stays as long as the report', async () => {
    await start();
    const anna = await as('anna.schmidt');
    const forgotten = await raise(anna);
    await answeredAndResolved(forgotten.id);
    const reported = await raise(anna);
    await answeredAndResolved(reported.id);
    const places = await demoPlaces(server, await as('it'));
    const report = await createReport(server, anna, { ...threatReport(places.room('E.01')), alarmId: reported.id });
    expect(report.status).toBe(201);
    expect((await step(server, anna, report.body.id, 'submit')).body.report.status).toBe('submitted');

    clock.advance(91 * day);
    const [desk, annaLater] = await Promise.all([as('pforte'), as('anna.schmidt')]);
    const history = await api(server.url, 'GET', '/api/alarms', { cookie: desk });
    const listed = history.body.alarms.map((a: { id: string }) => a.id);
    expect(listed).not.toContain(forgotten.id);
    expect(listed).toContain(reported.id);
    for (const path of [`/api/alarms/${forgotten.id}`, `/api/alarms/${forgotten.id}/messages`])
      expect((await api(server.url, 'GET', path, { cookie: desk })).status).toBe(404);
    const write = await api(server.url, 'POST', `/api/alarms/${forgotten.id}/messages`, {
      cookie: desk,
      body: { text: 'noch da?' },
    });
    expect(write.status).toBe(404);
    const fromAlarm = await api(server.url, 'POST', `/api/alarms/${forgotten.id}/report`, { cookie: annaLater });
    expect(fromAlarm.status).toBe(404);
    expect((await api(server.url, 'GET', `/api/alarms/${reported.id}`, { cookie: desk })).status).toBe(200);
    // Nothing was deleted yet: the job has not run.
    expect((await traces(forgotten.id)).alarms).toBe(1);

    await server.wachsam.tick();
    expect((await traces(forgotten.id)).alarms).toBe(0);
    expect((await traces(reported.id)).alarms).toBe(1);

    // The report runs out 24 months after its last step; it goes first, then the alarm it held.
    const [claudia, personal] = await Promise.all([as('claudia.hartmann'), as('personal')]);
    expect((await step(server, claudia, report.body.id, 'approve', { comment: 'ok' })).status).toBe(200);
    expect((await step(server, personal, report.body.id, 'complaint', complaint)).status).toBe(200);
    clock.advance(730 * day);
    expect((await api(server.url, 'GET', `/api/alarms/${reported.id}`, { cookie: await as('pforte') })).status).toBe(
      200,
    );
    clock.advance(5 * day);
    expect((await api(server.url, 'GET', `/api/alarms/${reported.id}`, { cookie: await as('pforte') })).status).toBe(
      404,
    );
    await server.wachsam.tick();
    expect((await traces(reported.id)).alarms).toBe(0);
    expect(await db().select().from(incidentReports).where(eq(incidentReports.id, report.body.id))).toEqual([]);
  });

  it('deletes in batches of 1,000 and audits only how many', async () => {
    await start();
    const [anna] = await db()
      .select()
      .from(people)
      .where(eq(people.login, login('anna.schmidt')));
    const endedAt = new Date(clock.now().getTime() - 100 * day).toISOString();
    await db().execute(sql`
      insert into alarms (org_id, idempotency_scope, idempotency_key, request_fingerprint, status, source, test,
        function_test, sender, location, steps, step, raised_at, resolved_at, outcome)
      select ${anna!.orgId}::uuid, 'person:' || ${anna!.id}, 'old-' || g, 'x', 'resolved', 'console', false, false,
        ${JSON.stringify({ personId: anna!.id, firstName: 'Anna', lastName: 'Schmidt', phone: '' })}::jsonb,
        '{"room":"E.01"}'::jsonb, '[]'::jsonb, 1, ${endedAt}::timestamptz, ${endedAt}::timestamptz, 'real'
      from generate_series(1, 2100) g`);
    const batches: number[] = [];
    const real = new AlarmRetention(server.database.bulk, server.wachsam.services.alarms.claims);
    const counted: Retainer = {
      name: real.name,
      deleteBatch: async (orgId, c, limit) => {
        const r = await real.deleteBatch(orgId, c, limit);
        if (orgId) batches.push(r.deleted);
        return r;
      },
    };
    await new RetentionJob(server.database.bulk, clock, server.wachsam.app.log, [counted]).job();
    expect(batches).toEqual([1000, 1000, 100]);
    const left = await db()
      .select({ id: alarms.id })
      .from(alarms)
      .where(and(eq(alarms.orgId, anna!.orgId), inArray(alarms.status, ['resolved'])));
    expect(left).toEqual([]);
    const [entry] = await retentionEntries();
    expect(entry).toMatchObject({ actor: 'Aufbewahrung', subject: `org:${anna!.orgId}` });
    expect(entry!.detail.counts).toEqual({ alarms: 2100 });
    expect(JSON.stringify({ ...entry, id: undefined })).not.toMatch(/Schmidt|Anna|E\.01/);
  });

  it('clears a last known position 24 hours after it was stored', async () => {
    await start();
    const stefan = await as('stefan.neumann');
    const fix = { lat: 50.94, lon: 6.96, accuracy: 10, at: clock.now().toISOString() };
    expect(
      (await api(server.url, 'POST', '/api/mobile/position', { cookie: stefan, body: { position: fix } })).status,
    ).toBe(204);
    const stored = async () =>
      (
        await db()
          .select()
          .from(people)
          .where(eq(people.login, login('stefan.neumann')))
      )[0]!.lastPosition;
    expect(await stored()).toEqual(fix);
    clock.advance(23 * 3600_000);
    await server.wachsam.tick();
    expect(await stored()).toEqual(fix);
    clock.advance(2 * 3600_000);
    await server.wachsam.tick();
    expect(await stored()).toBeNull();
    const entries = await retentionEntries();
    expect(entries.map((e) => e.detail.counts)).toEqual([{ lastPositions: 1 }]);
  });
});

import { randomUUID } from 'node:crypto';
import { eq, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportInputDraft } from '@wachsam/protocol';
import * as schema from '../db/schema.js';
import { aftercareTasks, auditLog, incidentReports, reportAttachments, reportTransitions } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import {
  addPerson,
  complaint,
  createReport,
  demoPlaces,
  loginAll,
  publication,
  step,
  threatReport,
  upload,
  type Cookies,
} from './fixtures.js';

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));

describe.each(backends)('what reviewers and readers learn about the reporter on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  const tasksOf = (cookie: string) => api(server.url, 'GET', '/api/tasks', { cookie }).then((r) => r.body);
  const warnings = () => api(server.url, 'GET', '/api/warnings', { cookie: c.stefan }).then((r) => r.body);

  /** Anna's report carried to publication; answers the published report. */
  async function published(input: ReportInputDraft, publish: object = publication) {
    const id = (await createReport(server, c.anna, input)).body.id as string;
    await step(server, c.anna, id, 'submit');
    await step(server, c.claudia, id, 'approve');
    await step(server, c.personal, id, 'complaint', complaint);
    await step(server, c.sicherheit, id, 'quality-check');
    const res = await step(server, c.sicherheit, id, 'publish', publish);
    expect(res.status).toBe(200);
    return res.body as { id: string; warning: { id: string; department: string; building: string } };
  }

  beforeAll(async () => {
    server = await startTestServer({ backend });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it("publishes the causer's description only as the central unit wrote it, never the reporter's text", async () => {
    const own = 'kam an meinen Platz (Anna Schmidt, Schalter 1) und schrie';
    const causer = { known: true, lastName: 'Grimmig', firstName: 'Gerd', description: own };
    const silent = await published(threatReport(places.room('E.01'), { causer }));
    let listed = (await warnings()).find((w: { id: string }) => w.id === silent.warning.id);
    expect(listed.person).toMatchObject({ lastName: 'Grimmig', description: '' });
    expect(json(await warnings())).not.toContain('Anna');
    expect(json(await warnings())).not.toContain('Schalter 1');

    const edited = await published(threatReport(places.room('E.01'), { causer }), {
      ...publication,
      personDescription: 'etwa 1,90 m, Glatze, schreit schnell',
    });
    listed = (await warnings()).find((w: { id: string }) => w.id === edited.warning.id);
    expect(listed.person.description).toBe('etwa 1,90 m, Glatze, schreit schnell');
    expect(json(await warnings())).not.toContain('Anna');
  });

  it("gives the warning an id of its own and the department of the incident's room, not the reporter's", async () => {
    // Anna works in the Bürgerbüro; the incident happened in the Ordnungsamt's room N.01.
    const inRoom = await published(threatReport(places.room('N.01')));
    expect(inRoom.warning.id).not.toBe(inRoom.id);
    expect(inRoom.warning).toMatchObject({ department: 'Ordnungsamt', building: 'Bürgerzentrum Nord' });
    const listed = (await warnings()).find((w: { id: string }) => w.id === inRoom.warning.id);
    expect(listed).toMatchObject({ department: 'Ordnungsamt', building: 'Bürgerzentrum Nord' });
    // Nothing in the audit log ties the warning to the report.
    const audit = json(await server.database.db.select().from(auditLog));
    expect(audit).toContain(inRoom.id);
    expect(audit).not.toContain(inRoom.warning.id);

    // Outside any room (a home visit): no department at all, never Anna's.
    const outside = await published(threatReport(places.room('E.01'), { roomId: null, address: 'Lindenweg 4' }));
    expect(outside.warning).toMatchObject({ department: '', building: '' });
    expect((await warnings()).find((w: { id: string }) => w.id === outside.warning.id).department).toBe('');
  });

  it('after a return, a resubmission below the threshold leaves no trace of who reported, anywhere', async () => {
    const rita = await addPerson(server, c.it, {
      firstName: 'Rita',
      lastName: 'Rückzug',
      departmentId: places.dept('Bürgerbüro'),
      roles: ['employee'],
      login: 'rita.rueckzug@musterstadt.example',
    });
    const db = server.database.db;
    const before = (await db.select({ id: auditLog.id }).from(auditLog)).reduce((m, r) => (r.id > m ? r.id : m), 0n);

    const description = 'Herr X. drohte mir am Schalter 2 mit Schlägen, ich bin seit Jahren dort.';
    const id = (await createReport(server, rita.cookie, threatReport(places.room('E.02'), { description }))).body
      .id as string;
    const early = await upload(server, rita.cookie, id, 'notiz.txt', `Notiz ${randomUUID()}`, 'text/plain');
    expect((await step(server, rita.cookie, id, 'submit')).body.report.status).toBe('submitted');
    const late = await upload(server, rita.cookie, id, 'foto.png', Buffer.from(randomUUID()), 'image/png');
    expect(late.status).toBe(201);
    const reason = 'Bitte genauer schildern, was an Schalter 2 gesagt wurde';
    expect((await step(server, c.claudia, id, 'return', { comment: reason })).body.status).toBe('draft');
    const task = (await tasksOf(c.claudia)).find((t: { reportId: string }) => t.reportId === id);
    const done = await api(server.url, 'POST', `/api/tasks/${task.id}/done`, {
      cookie: c.claudia,
      body: { comment: 'Gespräch mit Rita geführt' },
    });
    expect(done.status).toBe(200);

    // On second thought it was an insult: level 1, below the threshold.
    const changed = await api(server.url, 'PUT', `/api/reports/${id}`, {
      cookie: rita.cookie,
      body: threatReport(places.room('E.02'), { description, categories: ['insult'] }),
    });
    expect(changed.body.level).toBe(1);
    const res = await step(server, rita.cookie, id, 'submit');
    expect(res.body).toMatchObject({ report: null, statisticsOnly: true });

    // The audit log since Rita logged in: only the anonymous statistics entry.
    const recent = (await db.select().from(auditLog)).filter((a) => a.id > before);
    expect(recent.map((a) => a.action)).toEqual(['report.statistics_only']);
    for (const a of recent) {
      expect(a.actorPersonId).toBeNull();
      expect(json(a)).not.toMatch(/Rita|Rückzug|Claudia|Hartmann/);
    }
    // No table holds the report, its debrief, its evidence, the return's reason or the text.
    const everything = json(
      await Promise.all(
        (Object.values(schema) as unknown[])
          .filter((t): t is PgTable => is(t, PgTable))
          .map((t) => db.select().from(t)),
      ),
    );
    for (const trace of [id, task.id, early.body.sha256, late.body.sha256, reason, description, 'Gespräch mit Rita'])
      expect(everything, trace).not.toContain(trace);
    expect(await db.select().from(incidentReports).where(eq(incidentReports.reporterPersonId, rita.id))).toEqual([]);
    expect(await db.select().from(reportTransitions).where(eq(reportTransitions.actorPersonId, rita.id))).toEqual([]);
    expect(await db.select().from(reportAttachments).where(eq(reportAttachments.uploadedBy, rita.id))).toEqual([]);
    expect(await db.select().from(aftercareTasks).where(eq(aftercareTasks.affectedPersonId, rita.id))).toEqual([]);
  });

  it('names neither the reporter, the report nor the alarm to the central unit in a debrief it holds', async () => {
    const karl = await addPerson(server, c.it, {
      firstName: 'Karl',
      lastName: 'Kassenwart',
      departmentId: places.dept('Stadtkasse'), // no supervisor: the debrief goes to the central unit
      roles: ['employee'],
      login: 'karl.kassenwart@musterstadt.example',
    });
    const id = (await createReport(server, karl.cookie, threatReport(places.room('1.20')))).body.id as string;
    await step(server, karl.cookie, id, 'submit');
    const tasks = await tasksOf(c.sicherheit);
    const task = tasks.find((t: { affectedPerson: string }) => t.affectedPerson === 'Betroffene Person (Stadtkasse)');
    expect(task).toMatchObject({ reportId: null, alarmId: null });
    expect(json(tasks)).not.toMatch(/Karl|Kassenwart/);
    expect(json(tasks)).not.toContain(id);
    const done = await api(server.url, 'POST', `/api/tasks/${task.id}/done`, { cookie: c.sicherheit, body: {} });
    expect(done.body).toMatchObject({ affectedPerson: 'Betroffene Person (Stadtkasse)', reportId: null });

    // Stefan's alarm (Ordnungsamt, no supervisor): the debrief carries neither his name nor the
    // alarm's id, which his report about the incident would carry too.
    const alarm = await api(server.url, 'POST', '/api/alarms', {
      cookie: c.stefan,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(alarm.status).toBe(201);
    const alarmId = alarm.body.alarm.id as string;
    const resolved = await api(server.url, 'POST', `/api/alarms/${alarmId}/resolve`, {
      cookie: c.pforte,
      body: { outcome: 'real' },
    });
    expect(resolved.status).toBe(200);
    const after = await tasksOf(c.sicherheit);
    expect(after).toContainEqual(
      expect.objectContaining({ affectedPerson: 'Betroffene Person (Ordnungsamt)', alarmId: null, reportId: null }),
    );
    expect(json(after)).not.toContain(alarmId);
    expect(json(after)).not.toMatch(/Stefan|Neumann/);
  });
});

import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, incidentFacts, reportTransitions } from '../db/schema.js';
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
  type Cookies,
} from './fixtures.js';

describe.each(backends)('report workflow on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  let otherSupervisor: { id: string; cookie: string };
  const get = (cookie: string, id: string) => api(server.url, 'GET', `/api/reports/${id}`, { cookie });

  beforeAll(async () => {
    server = await startTestServer({ backend });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
    otherSupervisor = await addPerson(server, c.it, {
      firstName: 'Sonja',
      lastName: 'Sozial',
      departmentId: places.dept('Sozialamt'),
      roles: ['employee', 'supervisor'],
      login: 'sonja.sozial@musterstadt.example',
    });
  });
  afterAll(() => server?.close());

  it('carries a report from draft to archive, each step by its role, and refuses everybody else', async () => {
    const created = await createReport(server, c.anna, threatReport(places.room('E.01')));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      status: 'draft',
      level: 2,
      suggestedLevel: 2,
      departmentId: places.dept('Bürgerbüro'),
      reporter: { name: 'Anna Schmidt' },
      actions: ['edit', 'submit'],
    });

    // A draft is the reporter's own: nobody else learns it exists.
    for (const who of [c.claudia, c.personal, c.sicherheit, c.stefan, c.jonas])
      expect((await get(who, id)).status).toBe(404);
    expect((await step(server, c.claudia, id, 'submit')).status).toBe(404);

    const submitted = await step(server, c.anna, id, 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ statisticsOnly: false, notice: null, report: { status: 'submitted' } });
    expect(submitted.body.helpOffers.length).toBeGreaterThanOrEqual(6);

    // Submitted: the supervisor of Anna's department sees it; HR, another department's
    // supervisor, a lookup role and colleagues do not.
    for (const who of [c.personal, otherSupervisor.cookie, c.stefan, c.jonas])
      expect((await get(who, id)).status).toBe(404);
    expect((await step(server, otherSupervisor.cookie, id, 'approve')).status).toBe(404);
    // The wrong roles are refused by the route before the report is even looked at.
    for (const [who, action, body] of [
      [c.anna, 'approve', {}],
      [c.anna, 'complaint', complaint],
      [c.claudia, 'publish', publication],
      [c.personal, 'publish', publication],
      [c.stefan, 'quality-check', {}],
    ] as const)
      expect((await step(server, who, id, action, body)).status, `${action}`).toBe(403);
    // HR may approve only where it stands in for a missing supervisor (a report that goes on only
    // for the complaint); this one it does not even see yet.
    expect((await step(server, c.personal, id, 'approve')).status).toBe(404);

    const forClaudia = await get(c.claudia, id);
    expect(forClaudia.body.reporter.name).toBe('Anna Schmidt');
    expect(forClaudia.body.actions).toEqual(['approve', 'return']);
    expect((await get(c.sicherheit, id)).body.actions).toEqual([]);
    // The reporter cannot change a submitted report.
    expect(
      (await api(server.url, 'PUT', `/api/reports/${id}`, { cookie: c.anna, body: threatReport(places.room('E.01')) }))
        .status,
    ).toBe(409);

    expect((await step(server, c.sicherheit, id, 'quality-check')).body.error.code).toBe('invalid_transition');
    const approved = await step(server, c.claudia, id, 'approve', { comment: 'Geprüft' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    const again = await step(server, c.claudia, id, 'approve');
    expect([again.status, again.body.error.code]).toEqual([409, 'invalid_transition']);

    expect((await get(c.personal, id)).body.actions).toEqual(['file_complaint']);
    const noReference = await step(server, c.personal, id, 'complaint', { comment: 'ohne Aktenzeichen' });
    expect(noReference.status).toBe(400);
    const filed = await step(server, c.personal, id, 'complaint', {
      ...complaint,
      hausverbot: { date: '2025-03-13', reference: 'HV 7/25' },
    });
    expect(filed.status).toBe(200);
    expect(filed.body.status).toBe('complaint_filed');
    expect(filed.body.legal.strafanzeige).toEqual(complaint.strafanzeige);
    expect(filed.body.legal.hausverbot.reference).toBe('HV 7/25');

    // The central unit does the quality check without learning who reported.
    const central = await get(c.sicherheit, id);
    expect(central.body.view).toBe('central');
    expect(central.body).not.toHaveProperty('reporter');
    expect(central.body.transitions.map((t: { actor: string }) => t.actor)).toEqual([
      'Meldende Person',
      'Claudia Hartmann',
      'Heike Vogel',
    ]);
    expect(JSON.stringify(central.body)).not.toContain('Anna');
    // Those who may know see the name.
    expect((await get(c.personal, id)).body.transitions[0].actor).toBe('Anna Schmidt');

    expect((await step(server, c.sicherheit, id, 'publish', publication)).body.error.code).toBe('invalid_transition');
    expect((await step(server, c.sicherheit, id, 'quality-check', { comment: 'vollständig' })).body.status).toBe(
      'quality_checked',
    );
    const published = await step(server, c.sicherheit, id, 'publish', publication);
    expect(published.body).toMatchObject({ status: 'published' });
    expect(published.body.publishedAt).not.toBeNull();

    const warnings = await api(server.url, 'GET', '/api/warnings', { cookie: c.stefan });
    expect(warnings.body.map((w: { id: string }) => w.id)).toContain(published.body.warning.id);
    const archived = await step(server, c.sicherheit, id, 'archive');
    expect(archived.body.status).toBe('archived');
    expect((await api(server.url, 'GET', '/api/warnings', { cookie: c.stefan })).body).toEqual([]);

    // Every step left a transition and an audit entry, each naming the role it was taken in.
    const transitions = await server.database.db
      .select()
      .from(reportTransitions)
      .where(eq(reportTransitions.reportId, id));
    expect(transitions.map((t) => [t.fromStatus, t.toStatus, t.actorRole])).toEqual([
      ['draft', 'submitted', 'reporter'],
      ['submitted', 'approved', 'supervisor'],
      ['approved', 'complaint_filed', 'hr'],
      ['complaint_filed', 'quality_checked', 'security_management'],
      ['quality_checked', 'published', 'security_management'],
      ['published', 'archived', 'security_management'],
    ]);
    const audit = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `report:${id}`));
    expect(audit.map((a) => a.action)).toEqual([
      'report.submit',
      'report.approve',
      'report.file_complaint',
      'report.quality_check',
      'report.publish',
      'report.archive',
    ]);
    expect(audit[1]!.detail).toMatchObject({ from: 'submitted', to: 'approved', role: 'supervisor' });
    // The audit log is read by IT: the reporter's own step names no person, no comment is copied.
    expect(audit[0]).toMatchObject({ actor: 'Meldende Person', actorPersonId: null, reporterSide: true });
    for (const a of audit) expect(a.detail).not.toHaveProperty('comment');
  });

  it('returns a report to the reporter; the resubmission still counts as one incident', async () => {
    const id = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    await step(server, c.anna, id, 'submit');
    const factsOf = () => server.database.db.select().from(incidentFacts).where(eq(incidentFacts.reportId, id));
    expect(await factsOf()).toHaveLength(1);

    const noReason = await step(server, c.claudia, id, 'return', {});
    expect(noReason.status).toBe(400);
    const returned = await step(server, c.claudia, id, 'return', { comment: 'Bitte den Ablauf genauer schildern' });
    expect(returned.body.status).toBe('draft');
    // Back with the reporter: it waits in her inbox, not in the supervisor's.
    const inbox = (cookie: string) =>
      api(server.url, 'GET', '/api/reports?scope=inbox', { cookie }).then((r) =>
        r.body.map((s: { id: string }) => s.id),
      );
    expect(await inbox(c.anna)).toContain(id);
    expect(await inbox(c.claudia)).not.toContain(id);
    expect((await get(c.claudia, id)).status).toBe(404);

    const changed = await api(server.url, 'PUT', `/api/reports/${id}`, {
      cookie: c.anna,
      body: threatReport(places.room('E.01'), {
        categories: ['threat', 'property_damage'],
        description: 'Er drohte und trat gegen die Schaltertür.',
      }),
    });
    expect(changed.status).toBe(200);
    const resubmitted = await step(server, c.anna, id, 'submit');
    expect(resubmitted.body.report.status).toBe('submitted');
    expect(await inbox(c.claudia)).toContain(id);
    const facts = await factsOf();
    expect(facts).toHaveLength(1);
    expect(facts[0]!.categories).toEqual(['threat', 'property_damage']);
    expect(facts[0]!.month).toBe('2025-03-01');
    expect(resubmitted.body.report.transitions.map((t: { to: string; comment: string }) => [t.to, t.comment])).toEqual([
      ['submitted', ''],
      ['draft', 'Bitte den Ablauf genauer schildern'],
      ['submitted', ''],
    ]);
    // One debrief for one incident, however often it is submitted.
    const tasks = (await api(server.url, 'GET', '/api/tasks', { cookie: c.claudia })).body.filter(
      (t: { reportId: string }) => t.reportId === id,
    );
    expect(tasks).toHaveLength(1);
  });

  it('suggests the level from the mapping and wants a reason for a different one', async () => {
    const room = places.room('E.01');
    const insult = { categories: ['insult' as const] };
    const suggested = await createReport(server, c.anna, threatReport(room, insult));
    expect(suggested.body).toMatchObject({ level: 1, suggestedLevel: 1 });

    // A draft keeps the chosen level without its reason; the submission asks for it.
    const noReason = await createReport(server, c.anna, threatReport(room, { ...insult, level: 2 }));
    expect(noReason.status).toBe(201);
    expect(noReason.body).toMatchObject({ level: 2, suggestedLevel: 1 });
    const refused = await step(server, c.anna, noReason.body.id, 'submit');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(refused.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['levelReason']);
    const reasoned = await createReport(
      server,
      c.anna,
      threatReport(room, { ...insult, level: 2, levelReason: 'Wiederholte Beleidigungen mit Drohgebärde' }),
    );
    expect(reasoned.body).toMatchObject({ level: 2, suggestedLevel: 1 });

    // Cologne's mapping: property damage is level 2. Only the central unit changes it.
    const settings = (await api(server.url, 'GET', '/api/zemag/settings', { cookie: c.anna })).body;
    expect(settings.levelMapping.property_damage).toBe(1);
    const cologne = { ...settings, levelMapping: { ...settings.levelMapping, property_damage: 2 } };
    expect((await api(server.url, 'PUT', '/api/zemag/settings', { cookie: c.anna, body: cologne })).status).toBe(403);
    expect((await api(server.url, 'PUT', '/api/zemag/settings', { cookie: c.sicherheit, body: cologne })).status).toBe(
      200,
    );
    const damage = await createReport(server, c.anna, threatReport(room, { categories: ['property_damage'] }));
    expect(damage.body).toMatchObject({ level: 2, suggestedLevel: 2 });
    const audit = await server.database.db.select().from(auditLog).where(like(auditLog.action, 'zemag.%'));
    expect(audit).toHaveLength(1);
  });

  it('refuses an incomplete report at submission, naming what is missing', async () => {
    const id = (
      await createReport(server, c.anna, {
        occurredAt: '2025-04-01T10:00:00+02:00',
        categories: ['threat'],
        causer: { known: true },
      })
    ).body.id as string;
    const res = await step(server, c.anna, id, 'submit');
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'address',
      'causer.lastName',
      'description',
    ]);
    expect((await get(c.anna, id)).body.status).toBe('draft');
  });

  it('lists by scope: mine, inbox, everything the caller may see', async () => {
    const id = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    await step(server, c.anna, id, 'submit');
    const list = (cookie: string, q: string) =>
      api(server.url, 'GET', `/api/reports?${q}`, { cookie }).then(
        (r) => r.body as Array<{ id: string; mine: boolean }>,
      );
    expect((await list(c.anna, 'scope=mine')).find((s) => s.id === id)?.mine).toBe(true);
    expect((await list(c.claudia, 'scope=inbox')).map((s) => s.id)).toContain(id);
    expect((await list(c.claudia, 'scope=all&status=submitted')).map((s) => s.id)).toContain(id);
    expect((await list(otherSupervisor.cookie, 'scope=all')).map((s) => s.id)).not.toContain(id);
    expect((await list(c.personal, 'scope=all')).map((s) => s.id)).not.toContain(id);
    expect(await list(c.stefan, 'scope=all')).toEqual([]);
    expect((await list(c.sicherheit, 'scope=all')).map((s) => s.id)).toContain(id);
    expect((await list(c.sicherheit, 'scope=inbox')).map((s) => s.id)).not.toContain(id);
  });

  it('gives the debrief to the supervisor, who alone may close it', async () => {
    const id = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    await step(server, c.anna, id, 'submit');
    const task = (await api(server.url, 'GET', '/api/tasks', { cookie: c.claudia })).body.find(
      (t: { reportId: string }) => t.reportId === id,
    );
    expect(task).toMatchObject({ kind: 'debrief', affectedPerson: 'Anna Schmidt', doneAt: null });
    expect(new Date(task.dueOn).getTime() - new Date(task.createdOn).getTime()).toBe(7 * 24 * 3600 * 1000);
    expect((await api(server.url, 'GET', '/api/tasks', { cookie: c.anna })).body).toEqual([]);
    const done = (cookie: string) =>
      api(server.url, 'POST', `/api/tasks/${task.id}/done`, { cookie, body: { comment: 'Gespräch geführt' } });
    expect((await done(c.anna)).status).toBe(404);
    expect((await done(otherSupervisor.cookie)).status).toBe(404);
    const closed = await done(c.claudia);
    expect(closed.status).toBe(200);
    expect(closed.body.doneAt).not.toBeNull();
    expect((await done(c.claudia)).status).toBe(409);
  });

  it('leaves a report of a department without supervisor to the central unit', async () => {
    const loner = await addPerson(server, c.it, {
      firstName: 'Karl',
      lastName: 'Kasse',
      departmentId: places.dept('Stadtkasse'),
      roles: ['employee'],
      login: 'karl.kasse@musterstadt.example',
    });
    const id = (await createReport(server, loner.cookie, threatReport(places.room('1.20')))).body.id as string;
    await step(server, loner.cookie, id, 'submit');
    const tasks = (await api(server.url, 'GET', '/api/tasks', { cookie: c.sicherheit })).body;
    // The central unit does not learn who reported, not even from the debrief: no name, and no
    // report id that would tie the task to the report.
    expect(tasks).toContainEqual(expect.objectContaining({ affectedPerson: 'Betroffene Person (Stadtkasse)' }));
    expect(JSON.stringify(tasks)).not.toContain(id);
    expect(JSON.stringify(tasks)).not.toMatch(/Karl|Kasse\b/);
  });
});

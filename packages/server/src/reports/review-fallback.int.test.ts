import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { auditLog, incidentReports, zemagSettings } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import {
  addPerson,
  complaint,
  createReport,
  demoPlaces,
  login,
  loginAll,
  publication,
  step,
  threatReport,
  type Cookies,
} from './fixtures.js';

const day = 24 * 3600 * 1000;

describe.each(backends)('review without a supervisor, and warnings that expire, on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  const clock = new FakeClock(new Date('2025-04-01T09:00:00Z').getTime());
  const get = (cookie: string, id: string) => api(server.url, 'GET', `/api/reports/${id}`, { cookie });
  const inbox = (cookie: string) =>
    api(server.url, 'GET', '/api/reports?scope=inbox', { cookie }).then((r) => r.body.map((s: { id: string }) => s.id));

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it('lets the central unit review where the department has no other supervisor, never its own report', async () => {
    // The Stadtkasse has no supervisor.
    const karl = await addPerson(server, c.it, {
      firstName: 'Karl',
      lastName: 'Kasse',
      departmentId: places.dept('Stadtkasse'),
      roles: ['employee'],
      login: 'karl.kasse@musterstadt.example',
    });
    const id = (await createReport(server, karl.cookie, threatReport(places.room('1.20')))).body.id as string;
    await step(server, karl.cookie, id, 'submit');
    expect((await get(c.sicherheit, id)).body.actions).toEqual(['approve', 'return']);
    expect(await inbox(c.sicherheit)).toContain(id);
    const returned = await step(server, c.sicherheit, id, 'return', { comment: 'Bitte den Ort genauer angeben' });
    expect(returned.body.status).toBe('draft');
    await step(server, karl.cookie, id, 'submit');
    const approved = await step(server, c.sicherheit, id, 'approve', { comment: 'geprüft' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.transitions.map((t: { role: string }) => t.role)).toEqual([
      'reporter',
      'security_management',
      'reporter',
      'security_management',
    ]);
    // Standing in for the supervisor does not tell the central unit who reported.
    expect(approved.body.view).toBe('central');
    expect(approved.body).not.toHaveProperty('reporter');
    expect(JSON.stringify(approved.body)).not.toMatch(/Karl|Kasse\b/);
    expect((await get(c.personal, id)).body.actions).toEqual(['file_complaint']);

    // Claudia is the Bürgerbüro's only supervisor: her own report goes to the central unit too.
    const own = (await createReport(server, c.claudia, threatReport(places.room('E.02')))).body.id as string;
    await step(server, c.claudia, own, 'submit');
    expect((await get(c.claudia, own)).body.actions).toEqual([]);
    expect((await step(server, c.sicherheit, own, 'approve')).body.status).toBe('approved');

    // Where the department has a supervisor, the central unit does not step in.
    const anna = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    await step(server, c.anna, anna, 'submit');
    expect((await get(c.sicherheit, anna)).body.actions).toEqual([]);
    expect(await inbox(c.sicherheit)).not.toContain(anna);
    expect((await step(server, c.sicherheit, anna, 'approve')).status).toBe(403);

    // Four eyes: the central unit's own report (its department has no supervisor) waits for another.
    const mine = (await createReport(server, c.sicherheit, threatReport(places.room('E.05')))).body.id as string;
    await step(server, c.sicherheit, mine, 'submit');
    expect((await get(c.sicherheit, mine)).body.actions).toEqual([]);
    expect((await step(server, c.sicherheit, mine, 'approve')).status).toBe(403);
    expect(await inbox(c.sicherheit)).not.toContain(mine);
  });

  it("archives a published warning once the register's retention has passed, audited without content", async () => {
    const settings = (await api(server.url, 'GET', '/api/zemag/settings', { cookie: c.sicherheit })).body;
    const put = await api(server.url, 'PUT', '/api/zemag/settings', {
      cookie: c.sicherheit,
      body: { ...settings, registerRetentionMonths: 6 },
    });
    expect(put.status).toBe(200);
    // A setting an earlier version stored (the access log's retention, now fixed) costs nothing.
    // (The test database holds the demo organisation only.)
    await server.database.db.update(zemagSettings).set({ value: { ...put.body, accessLogRetentionMonths: 3 } });
    const reread = (await api(server.url, 'GET', '/api/zemag/settings', { cookie: c.sicherheit })).body;
    expect(reread).toEqual(put.body);
    expect(reread).not.toHaveProperty('accessLogRetentionMonths');
    const id = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    await step(server, c.anna, id, 'submit');
    await step(server, c.claudia, id, 'approve');
    await step(server, c.personal, id, 'complaint', complaint);
    await step(server, c.sicherheit, id, 'quality-check');
    const published = await step(server, c.sicherheit, id, 'publish', publication);
    const warningId = published.body.warning.id as string;
    const listed = async () => {
      // Sessions expire with the fake clock's months: log in again after each jump.
      const cookie = await server.login(login('stefan.neumann'));
      const res = await api(server.url, 'GET', '/api/warnings', { cookie });
      return res.body.map((w: { id: string }) => w.id);
    };

    clock.advance(150 * day); // five months: still shown
    await server.wachsam.tick();
    expect(await listed()).toContain(warningId);

    clock.advance(40 * day); // past six months
    await server.wachsam.tick();
    expect(await listed()).not.toContain(warningId);
    const [row] = await server.database.db.select().from(incidentReports).where(eq(incidentReports.id, id));
    expect(row!.status).toBe('archived');
    const audit = (
      await server.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.subject, `report:${id}`))
    ).at(-1)!;
    expect(audit).toMatchObject({ action: 'report.warning_expired', actorPersonId: null });
    expect(audit.detail).toMatchObject({ from: 'published', to: 'archived', retentionMonths: 6 });
    const text = JSON.stringify(audit.detail);
    for (const content of [warningId, 'Grimmig', publication.summary]) expect(text).not.toContain(content);
    const central = await server.login(login('sicherheit'));
    expect((await get(central, id)).body.transitions.at(-1)).toMatchObject({
      to: 'archived',
      actor: 'Meldesystem (Aufbewahrungsfrist)',
      role: 'system',
    });
  });
});

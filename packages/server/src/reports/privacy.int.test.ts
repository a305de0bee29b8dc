import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroToleranceNotice } from '@wachsam/protocol';
import {
  aftercareTasks,
  auditLog,
  incidentFacts,
  incidentReports,
  reportAttachments,
  reportTransitions,
} from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import {
  complaint,
  createReport,
  upload,
  demoPlaces,
  loginAll,
  publication,
  step,
  threatReport,
  type Cookies,
} from './fixtures.js';

describe.each(backends)('reporter privacy on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  /** Anna as the organisation knows her: every string that would identify her. */
  let anna: { id: string; firstName: string; lastName: string; login: string; phone: string };

  beforeAll(async () => {
    server = await startTestServer({ backend });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: c.it })).body as Array<typeof anna>;
    anna = people.find((p) => p.login === 'anna.schmidt@musterstadt.example')!;
  });
  afterAll(() => server?.close());

  it('keeps a report below the threshold only as an anonymous count, and reminds of zero tolerance', async () => {
    const secret = 'Zeugin Erika Musterfrau hörte die Beleidigung';
    const created = await createReport(server, c.anna, {
      occurredAt: '2025-02-28T23:30:00Z', // 1 March in Germany: counted in March
      roomId: places.room('E.01'),
      categories: ['insult'],
      description: 'Der Kunde beschimpfte mich als unfähig.',
      causer: { known: true, lastName: 'Pöbel', firstName: 'Paul' },
      witnesses: secret,
    });
    const id = created.body.id as string;
    expect(created.body.level).toBe(1);
    expect((await upload(server, c.anna, id, 'aufnahme.png', Buffer.from('evidence bytes'), 'image/png')).status).toBe(
      201,
    );
    const factsBefore = await server.database.db.select().from(incidentFacts).where(isNull(incidentFacts.reportId));

    const res = await step(server, c.anna, id, 'submit');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ report: null, statisticsOnly: true, notice: zeroToleranceNotice });
    expect(res.body.helpOffers.map((h: { title: string }) => h.title)).toContain('WEISSER RING e.V.');

    const db = server.database.db;
    expect(await db.select().from(incidentReports).where(eq(incidentReports.id, id))).toEqual([]);
    expect(await db.select().from(incidentReports).where(eq(incidentReports.reporterPersonId, anna.id))).toEqual([]);
    expect(await db.select().from(reportTransitions).where(eq(reportTransitions.reportId, id))).toEqual([]);
    expect(await db.select().from(reportAttachments).where(eq(reportAttachments.reportId, id))).toEqual([]);
    expect(await db.select().from(aftercareTasks).where(eq(aftercareTasks.affectedPersonId, anna.id))).toEqual([]);
    // Not even the audit log ties Anna to it.
    const audit = JSON.stringify(await db.select().from(auditLog), (_k, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    expect(audit).not.toContain(id);
    expect(audit).not.toContain('Erika');
    expect(audit).not.toContain('Pöbel');

    const factsAfter = await db.select().from(incidentFacts).where(isNull(incidentFacts.reportId));
    expect(factsAfter).toHaveLength(factsBefore.length + 1);
    const fact = factsAfter.find((f) => !factsBefore.some((b) => b.id === f.id))!;
    expect(fact).toMatchObject({
      month: '2025-03-01',
      departmentId: places.dept('Bürgerbüro'),
      mainCategory: 'insult',
      categories: ['insult'],
      level: 1,
    });
    expect(Object.keys(fact).sort()).toEqual([
      'categories',
      'departmentId',
      'id',
      'level',
      'mainCategory',
      'month',
      'orgId',
      'reportId',
    ]);
    expect((await api(server.url, 'GET', `/api/reports/${id}`, { cookie: c.anna })).status).toBe(404);
  });

  it('publishes a warning that holds nothing about the reporter', async () => {
    const internal = 'Interne Schilderung: Frau Schmidt war allein am Schalter, Tür 3 klemmt.';
    const id = (
      await createReport(
        server,
        c.anna,
        threatReport(places.room('E.01'), {
          description: internal,
          address: 'Zuhause bei Schmidts, Lindenweg 4',
          witnesses: 'Sabine Wagner',
          injuries: 'Prellung am Arm',
        }),
      )
    ).body.id as string;
    const evidence = await upload(
      server,
      c.anna,
      id,
      'foto-von-anna.png',
      Buffer.from('png bytes of the door'),
      'image/png',
    );
    await step(server, c.anna, id, 'submit');
    await step(server, c.claudia, id, 'approve');
    await step(server, c.personal, id, 'complaint', complaint);
    await step(server, c.sicherheit, id, 'quality-check');
    const published = await step(server, c.sicherheit, id, 'publish', {
      ...publication,
      personDescription: 'etwa 1,90 m, Glatze, graue Jacke',
    });
    expect(published.status).toBe(200);

    const res = await api(server.url, 'GET', '/api/warnings', { cookie: c.stefan });
    const warning = res.body.find((w: { id: string }) => w.id === published.body.warning.id);
    expect(warning).toEqual({
      id: published.body.warning.id,
      publishedAt: expect.any(String),
      occurredMonth: '2025-03',
      level: 2,
      categories: ['threat', 'insult'],
      department: 'Bürgerbüro',
      building: 'Rathaus',
      person: {
        known: true,
        lastName: 'Grimmig',
        firstName: 'Gerd',
        birthDate: '1975-05-05',
        description: 'etwa 1,90 m, Glatze, graue Jacke',
      },
      summary: publication.summary,
      measures: publication.measures,
    });
    const text = JSON.stringify(res.body);
    for (const leak of [
      id,
      anna.id,
      anna.firstName,
      anna.lastName,
      anna.login,
      anna.phone,
      'anna',
      internal,
      'Lindenweg',
      'Sabine Wagner',
      'Prellung',
      'foto-von-anna',
      evidence.body.sha256,
      'Hinterhof', // the causer's address stays with the reviewers
    ])
      expect(text, leak).not.toContain(leak);
  });
});

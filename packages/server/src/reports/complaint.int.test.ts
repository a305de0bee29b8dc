import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroToleranceNotice } from '@wachsam/protocol';
import { FakeClock } from '../clock.js';
import { auditLog, incidentFacts, incidentReports, reportTransitions } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { addPerson, createReport, demoPlaces, loginAll, step, type Cookies } from './fixtures.js';

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));

/** An insult by a named person: level 1, below the register threshold (§ 185 StGB, prosecuted on request). */
const insult = (roomId: string, wantsComplaint: boolean) => ({
  occurredAt: '2026-12-12T10:15:00+01:00',
  roomId,
  categories: ['insult' as const],
  description: 'Der Kunde beschimpfte mich am Schalter als „unfähige Beamtin“.',
  causer: { known: true, lastName: 'Pöbel', firstName: 'Paul', birthDate: '1980-01-01' },
  witnesses: 'Sabine Wagner',
  wantsComplaint,
});

/**
 * Issue 9, row 10. Below the register threshold a report is reduced to an anonymous count, but
 * Cologne's zero tolerance wants every verbal attack charged, and an insult is prosecuted only
 * on request, within three months (§ 77b StGB). When the reporter asks for it, the report goes
 * to the supervisor and HR first, with the deadline, and is reduced only after HR's decision.
 */
describe.each(backends)('a report below the threshold that the reporter wants charged, on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  const clock = new FakeClock(new Date('2026-12-14T08:00:00Z').getTime());
  const get = (cookie: string, id: string) => api(server.url, 'GET', `/api/reports/${id}`, { cookie });
  const listed = async (cookie: string, scope: string) =>
    (await api(server.url, 'GET', `/api/reports?scope=${scope}`, { cookie })).body.map((s: { id: string }) => s.id);

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it('reaches the supervisor and HR with the Strafantrag deadline, then only the anonymous count remains; never the central unit or the register', async () => {
    const id = (await createReport(server, c.anna, insult(places.room('E.01'), true))).body.id as string;
    const submitted = await step(server, c.anna, id, 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      statisticsOnly: false,
      complaintOnly: true,
      report: { status: 'submitted', level: 1, complaintOnly: true, strafantragDeadline: '2027-03-12' },
    });
    expect(submitted.body.notice).toContain('Strafantragsfrist endet am 12.03.2027 (§ 77b StGB)');
    expect(submitted.body.helpOffers.map((h: { title: string }) => h.title)).toContain('WEISSER RING e.V.');
    const db = server.database.db;
    const facts = () => db.select().from(incidentFacts).where(eq(incidentFacts.reportId, id));
    expect(await facts()).toHaveLength(1); // counted from the submission on

    // The supervisor reviews it as any report; the central unit never learns it exists.
    const claudia = await get(c.claudia, id);
    expect(claudia.body).toMatchObject({ reporter: { name: 'Anna Schmidt' }, actions: ['approve', 'return'] });
    expect((await get(c.sicherheit, id)).status).toBe(404);
    expect(await listed(c.sicherheit, 'all')).not.toContain(id);
    expect((await step(server, c.claudia, id, 'approve', { comment: 'Bitte Strafantrag stellen' })).status).toBe(200);

    // HR: the deadline, and the way out of the workflow instead of the register track.
    expect(await listed(c.personal, 'inbox')).toContain(id);
    const hr = await get(c.personal, id);
    expect(hr.body).toMatchObject({
      view: 'full',
      complaintOnly: true,
      strafantragDeadline: '2027-03-12',
      actions: ['close_complaint'],
    });
    const wrongTrack = await step(server, c.personal, id, 'complaint', {
      strafantrag: { date: '2026-12-15', reference: 'StA 1 Js 2/26' },
    });
    expect([wrongTrack.status, wrongTrack.body.error.code]).toEqual([409, 'invalid_transition']);
    expect((await get(c.sicherheit, id)).status).toBe(404);
    expect(await listed(c.sicherheit, 'all')).not.toContain(id);
    expect((await api(server.url, 'GET', `/api/register/prefill/${id}`, { cookie: c.sicherheit })).status).toBe(404);
    expect((await step(server, c.sicherheit, id, 'quality-check')).status).toBe(404);

    // Only HR closes it, and only with the complaint's date and reference (or a reason).
    const close = (cookie: string, body: object) =>
      api(server.url, 'POST', `/api/reports/${id}/close-complaint`, { cookie, body });
    expect((await close(c.claudia, { decision: 'declined', comment: 'x' })).status).toBe(403);
    expect((await close(c.personal, { decision: 'filed' })).status).toBe(400);
    const closed = await close(c.personal, {
      decision: 'filed',
      strafantrag: { date: '2026-12-15', reference: 'StA Musterstadt 12 Js 99/26' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ reduced: true, decision: 'filed' });

    // Reduced: the report, its steps and its audit trail are gone; the fact stays, unlinked.
    expect((await get(c.anna, id)).status).toBe(404);
    expect(await db.select().from(incidentReports).where(eq(incidentReports.id, id))).toEqual([]);
    expect(await db.select().from(reportTransitions).where(eq(reportTransitions.reportId, id))).toEqual([]);
    expect(await facts()).toEqual([]);
    const audit = await db.select().from(auditLog);
    expect(json(audit)).not.toContain(id);
    const entry = audit.find((a) => a.action === 'report.complaint_closed')!;
    expect(entry).toMatchObject({
      actor: expect.stringContaining('personal@'),
      subject: expect.stringMatching(/^incident_fact:/),
    });
    expect(entry.detail).toEqual({ decision: 'filed', strafanzeige: false, strafantrag: true });
    const [fact] = await db
      .select()
      .from(incidentFacts)
      .where(eq(incidentFacts.id, entry.subject.slice('incident_fact:'.length)));
    expect(fact).toMatchObject({ reportId: null, mainCategory: 'insult', level: 1, month: '2026-12-01' });
    expect(json(entry)).not.toMatch(/Anna|Schmidt|Pöbel|12 Js 99/);
    // Never published, never in the register.
    expect((await api(server.url, 'GET', '/api/warnings', { cookie: c.stefan })).body).toEqual([]);
  });

  it('without the wish it is counted at once, with the zero-tolerance reminder; HR stands in for a missing supervisor and may decide against it, with a reason', async () => {
    const plain = (await createReport(server, c.anna, insult(places.room('E.01'), false))).body.id as string;
    const counted = await step(server, c.anna, plain, 'submit');
    expect(counted.body).toMatchObject({ report: null, statisticsOnly: true, complaintOnly: false });
    expect(counted.body.notice).toBe(zeroToleranceNotice);

    // The Stadtkasse has no supervisor: HR reviews in the supervisor's place, not the central unit.
    const karl = await addPerson(server, c.it, {
      firstName: 'Karl',
      lastName: 'Kasse',
      departmentId: places.dept('Stadtkasse'),
      roles: ['employee'],
      login: 'karl.kasse@musterstadt.example',
    });
    const id = (await createReport(server, karl.cookie, insult(places.room('1.20'), true))).body.id as string;
    await step(server, karl.cookie, id, 'submit');
    expect(await listed(c.personal, 'inbox')).toContain(id);
    expect((await get(c.personal, id)).body.actions).toEqual(['approve', 'return']);
    expect(await listed(c.sicherheit, 'inbox')).not.toContain(id);
    expect((await get(c.sicherheit, id)).status).toBe(404);
    expect((await step(server, c.sicherheit, id, 'approve')).status).toBe(404);
    const approved = await step(server, c.personal, id, 'approve');
    expect(approved.body.transitions.map((t: { role: string }) => t.role)).toEqual(['reporter', 'hr']);

    const close = (body: object) =>
      api(server.url, 'POST', `/api/reports/${id}/close-complaint`, { cookie: c.personal, body });
    const noReason = await close({ decision: 'declined' });
    expect(noReason.status).toBe(400);
    expect(json(noReason.body)).toContain('Bitte begründen');
    expect((await close({ decision: 'declined', comment: 'Karl zieht den Wunsch zurück' })).body).toEqual({
      reduced: true,
      decision: 'declined',
    });
    expect((await get(karl.cookie, id)).status).toBe(404);
    const entry = (await server.database.db.select().from(auditLog)).find(
      (a) => a.action === 'report.complaint_closed' && (a.detail as { decision: string }).decision === 'declined',
    );
    expect(json(entry)).not.toMatch(/Karl|zieht/);
  });
});

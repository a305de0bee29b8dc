import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { auditLog } from '../db/schema.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import {
  addPerson,
  complaint,
  demoPlaces,
  login,
  loginAll,
  publication,
  step,
  upload,
  type Cookies,
} from './fixtures.js';

const json = (v: unknown) => JSON.stringify(v);
const uuids = (text: string) =>
  new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []);
/** Every instant with a time of day in a text, to the second ("2026-03-12T09:12:35"). */
const seconds = (text: string) => new Set((text.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/g) ?? []).map(String));
const second = (iso: string) => new Date(iso).toISOString().slice(0, 19);

/** Every page of the admin audit log, newest first. */
async function fullAudit(server: TestServer, cookie: string) {
  const all: Array<{ id: string; actor: string; action: string; subject: string; detail: unknown }> = [];
  for (let before = ''; ;) {
    const page = await api(server.url, 'GET', `/api/admin/audit?limit=500${before ? `&before=${before}` : ''}`, {
      cookie,
    });
    expect(page.status).toBe(200);
    all.push(...page.body);
    if (page.body.length < 500) return all;
    before = page.body.at(-1).id;
  }
}

/**
 * Issue 9, row 4. The central unit (Sicherheitsmanagement) checks and publishes reports without
 * learning who reported. Here it is curious: it sits on the reporter's floor, so it received her
 * alarm with her name, phone, room and the time to the second, and it tries to match that with
 * everything it may read about the report over the API and its WebSocket.
 */
describe.each(backends)('a curious central unit on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  const clock = new FakeClock(new Date('2026-03-12T09:12:34.567Z').getTime());
  const later = (ms: number) => clock.advance(ms);

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it('finds nothing that leads to the reporter: ids, times, rooms, phone lines, witnesses, tasks, audit, alarms, realtime', async () => {
    // The central unit's desk is on the first floor of the Rathaus: it is alerted with everyone there.
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: c.it })).body as Array<{
      id: string;
      login: string | null;
    }>;
    const { id: markusId, ...markus } = people.find((p) => p.login === login('sicherheit'))!;
    const moved = await api(server.url, 'PUT', `/api/admin/people/${markusId}`, {
      cookie: c.it,
      body: { ...markus, roomId: places.room('1.12') },
    });
    expect(moved.status).toBe(200);
    // The reporter works at the Stadtkasse, a department without a supervisor: the central unit
    // reviews her report in the supervisor's place and holds her debrief.
    const phone = '+49 221 555-777';
    const karla = await addPerson(server, c.it, {
      firstName: 'Karla',
      lastName: 'Kassner',
      departmentId: places.dept('Stadtkasse'),
      roomId: places.room('1.20'),
      phone,
      roles: ['employee'],
      login: 'karla.kassner@musterstadt.example',
    });
    const central = await server.login(login('sicherheit'));
    const socket = await TestRealtime.connect(server.url, { cookie: central });

    // --- Karla's alarm: the central unit is alerted, sees her name, phone, room, time ---
    later(1_234);
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: karla.cookie,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    const alarmId = raised.body.alarm.id as string;
    await socket.alarmEvent('alarm.raised', alarmId, 30_000);
    later(41_321);
    await api(server.url, 'POST', `/api/alarms/${alarmId}/respond`, { cookie: c.pforte, body: { response: 'coming' } });
    later(187_654);
    const resolved = await api(server.url, 'POST', `/api/alarms/${alarmId}/resolve`, {
      cookie: c.pforte,
      body: { outcome: 'real', note: 'Kunde ging nach Ansprache' },
    });
    expect(resolved.status).toBe(200);
    await socket.alarmEvent('alarm.resolved', alarmId, 30_000);

    // --- Karla reports the incident from her alarm, with everything that would identify her ---
    later(313_579);
    const draft = await api(server.url, 'POST', `/api/alarms/${alarmId}/report`, { cookie: karla.cookie });
    expect(draft.status).toBe(201);
    const reportId = draft.body.id as string;
    const witnesses = 'Andreas Richter (Kasse 2) hat alles gehört';
    const injuries = 'Zittern, Prellung am Handgelenk';
    const line = 'Durchwahl +49 221 555-777';
    later(97_531);
    const filled = await api(server.url, 'PUT', `/api/reports/${reportId}`, {
      cookie: karla.cookie,
      body: {
        occurredAt: draft.body.occurredAt,
        roomId: draft.body.roomId,
        address: draft.body.address,
        alarmId,
        categories: ['threat'],
        description: 'Ein Kunde drohte, mich nach Dienstschluss abzupassen, und schlug auf den Tresen.',
        causer: { known: true, lastName: 'Grimmig', firstName: 'Gerd', birthDate: '1975-05-05' },
        witnesses,
        injuries,
        evidence: {
          threatCall: {
            at: new Date(clock.now().getTime() - 7_654).toISOString(),
            line,
            callerNumber: 'unterdrückt',
            wording: 'Wir sehen uns nach Dienstschluss.',
          },
        },
      },
    });
    expect(filled.status).toBe(200);
    later(12_345);
    const file = await upload(
      server,
      karla.cookie,
      reportId,
      'karla-kassner-notiz.txt',
      'Notiz von Karla',
      'text/plain',
    );
    expect(file.status).toBe(201);
    later(61_111);
    expect((await step(server, karla.cookie, reportId, 'submit')).body.report.status).toBe('submitted');

    // --- the workflow, each step by its role; the central unit stands in for the supervisor ---
    later(3_600_000 + 4_321);
    expect((await step(server, central, reportId, 'approve', { comment: 'freigegeben' })).status).toBe(200);
    later(2 * 3_600_000 + 2_468);
    expect((await step(server, c.personal, reportId, 'complaint', complaint)).status).toBe(200);
    const hr = await api(server.url, 'GET', `/api/reports/${reportId}`, { cookie: c.personal });
    expect(hr.body.reporter.name).toBe('Karla Kassner'); // HR files the complaint: it may know
    const hrTimes = seconds(json(hr.body));

    // --- what the central unit learned about Karla (the alarm) and what is hers (the report) ---
    const alarmList = await api(server.url, 'GET', '/api/alarms', { cookie: central });
    expect(alarmList.body.alarms.map((a: { id: string }) => a.id)).toContain(alarmId);
    const alarmDetail = await api(server.url, 'GET', `/api/alarms/${alarmId}`, { cookie: central });
    expect(alarmDetail.body.alarm.sender).toMatchObject({ firstName: 'Karla', lastName: 'Kassner', phone });
    const own = (await api(server.url, 'GET', `/api/reports/${reportId}`, { cookie: karla.cookie })).body;
    const roomName = '1.20 Stadtkasse';

    // --- everything the central unit may read about reports, during QS and after publication ---
    const read = async () => ({
      lists: await Promise.all(
        ['all', 'inbox', 'mine'].map(
          async (scope) => (await api(server.url, 'GET', `/api/reports?scope=${scope}`, { cookie: central })).body,
        ),
      ),
      report: (await api(server.url, 'GET', `/api/reports/${reportId}`, { cookie: central })).body,
      tasks: (await api(server.url, 'GET', '/api/tasks', { cookie: central })).body,
      warnings: (await api(server.url, 'GET', '/api/warnings', { cookie: central })).body,
      stats: (await api(server.url, 'GET', '/api/stats/table', { cookie: central })).body,
    });
    later(7_200_000 + 1_357);
    const duringCheck = await read();
    expect(duringCheck.report.actions).toEqual(['quality_check']);
    expect((await step(server, central, reportId, 'quality-check', { comment: 'vollständig' })).status).toBe(200);
    later(600_000 + 8_642);
    const prefill = (await api(server.url, 'GET', `/api/register/prefill/${reportId}`, { cookie: central })).body;
    expect(prefill.lastName).toBe('Grimmig');
    const published = await step(server, central, reportId, 'publish', publication);
    expect(published.status).toBe(200);
    const afterPublication = await read();
    const seen = json({ duringCheck, afterPublication, prefill, published: published.body });

    // The central view is built from an allow-list: exactly these fields, nothing added unnoticed.
    expect(Object.keys(afterPublication.report).sort()).toEqual([
      'actions',
      'attachmentCount',
      'categories',
      'causer',
      'departmentId',
      'description',
      'evidence',
      'id',
      'legal',
      'level',
      'levelReason',
      'occurredOn',
      'otherCategory',
      'place',
      'policeInvolved',
      'status',
      'suggestedLevel',
      'transitions',
      'view',
      'warning',
    ]);
    expect(afterPublication.report).toMatchObject({
      view: 'central',
      place: { building: 'Rathaus', department: 'Stadtkasse' },
      occurredOn: '2026-03-12',
      attachmentCount: 1,
      evidence: { threatCall: { on: '2026-03-12', callerNumber: 'unterdrückt' } },
    });

    // 1. Nothing that names her, reaches her or was hers: person, login, phone, alarm, room,
    //    the line the call came in on, witnesses, injuries, the evidence file.
    for (const trace of [
      karla.id,
      'Karla',
      'Kassner',
      'karla.kassner',
      phone,
      '555-777',
      alarmId,
      places.room('1.20'),
      roomName,
      '1.20',
      line,
      witnesses,
      'Andreas Richter',
      injuries,
      'karla-kassner-notiz',
      file.body.id,
      file.body.sha256,
    ])
      expect(seen, trace).not.toContain(trace);

    // 2. No id it could join: nothing it saw about the alarm (sender, receivers, device, alarm)
    //    or about Karla comes back in what it reads about the report.
    const alarmSide = new Set([
      ...uuids(json([alarmList.body, alarmDetail.body, socket.frames])),
      karla.id,
      places.room('1.20'),
    ]);
    expect([...uuids(seen)].filter((id) => alarmSide.has(id))).toEqual([]);

    // 3. No time to match: not the alarm's to the second, not the report's own (created, saved,
    //    submitted, the evidence's upload, the call). The only time of day the central unit
    //    reads is the publication of the warning, its own act.
    const herTimes = new Set([
      ...seconds(json([alarmList.body, alarmDetail.body, socket.frames])),
      ...seconds(json(own)),
      ...hrTimes,
      second(raised.body.alarm.raisedAt),
    ]);
    expect([...seconds(seen)].filter((t) => herTimes.has(t))).toEqual([]);
    expect([...seconds(json({ duringCheck, prefill }))]).toEqual([]);
    expect([...seconds(json(afterPublication))]).toEqual([second(published.body.warning.publishedAt)]);

    // 4. Tasks: the debrief of her alarm, which the central unit holds, names neither her, her
    //    alarm nor her report.
    expect(duringCheck.tasks).toEqual([
      expect.objectContaining({ affectedPerson: 'Betroffene Person (Stadtkasse)', alarmId: null, reportId: null }),
    ]);

    // 5. Evidence stays with those who may know her; the audit log is not the central unit's.
    expect((await api(server.url, 'GET', `/api/reports/${reportId}/attachments`, { cookie: central })).status).toBe(
      403,
    );
    const download = await api(server.url, 'GET', `/api/reports/${reportId}/attachments/${file.body.id}`, {
      cookie: central,
    });
    expect(download.status).toBe(403);
    expect((await api(server.url, 'GET', '/api/admin/audit', { cookie: central })).status).toBe(403);

    // 6. Its WebSocket carried alarms only: nothing about the report.
    expect(json(socket.frames)).not.toContain(reportId);
    await socket.close();

    // 7. The admin audit (IT): the report's entries name no reporter, and no entry that names
    //    Karla (her login, her alarm) names the report, its debrief or its fact.
    const audit = await fullAudit(server, c.it);
    const aboutReport = audit.filter((a) => json(a).includes(reportId));
    // Her own step (the submission) is not listed to IT at all: its time, next to her login,
    // would name her. The reviewers' steps are, without their comments.
    expect(aboutReport.map((a) => a.action).sort()).toEqual([
      'report.approve',
      'report.file_complaint',
      'report.publish',
      'report.quality_check',
    ]);
    expect(audit.filter((a) => a.actor === 'Meldende Person')).toEqual([]);
    for (const a of aboutReport) {
      for (const trace of [karla.id, 'Karla', 'Kassner', 'karla.kassner', alarmId, witnesses, line])
        expect(json(a), `${a.action}: ${trace}`).not.toContain(trace);
      expect(a.detail).not.toHaveProperty('comment');
    }
    // It is kept in the log, as "Meldende Person", with the evidence's hash.
    const [submitted] = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subject, `report:${reportId}`), eq(auditLog.action, 'report.submit')));
    expect(submitted).toMatchObject({ actor: 'Meldende Person', actorPersonId: null, reporterSide: true });
    expect(json(submitted!.detail)).toContain(file.body.sha256);
    const aboutKarla = audit.filter((a) => /Karla|Kassner|karla\.kassner/.test(json(a)) || json(a).includes(karla.id));
    expect(aboutKarla.length).toBeGreaterThan(0);
    for (const a of aboutKarla) expect(json(a), a.action).not.toContain(reportId);
  });
});

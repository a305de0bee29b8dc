import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createReport, demoPlaces, loginAll, step, type Cookies } from './fixtures.js';

/** Issue 9, row 10: a draft saves whatever is typed; the submission names each missing field. */
describe.each(backends)('report drafts on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it('saves a draft as typed, legal details and dates half done, and names every missing field in German at submission', async () => {
    const typed = {
      occurredAt: '2026-13',
      categories: [],
      level: 3,
      causer: { known: true, birthDate: '01.05.19' },
      legal: { strafanzeige: { date: '2026-03', reference: '' }, strafantrag: null, hausverbot: null },
      evidence: { threatCall: { at: '', wording: 'Wir kriegen dich' } },
    };
    const created = await createReport(server, c.anna, typed);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      occurredAt: '2026-13',
      categories: [],
      causer: { known: true, birthDate: '01.05.19' },
      legal: { strafanzeige: { date: '2026-03', reference: '' } },
      evidence: { threatCall: { at: '', wording: 'Wir kriegen dich' } },
      strafantragDeadline: null,
    });
    const id = created.body.id as string;
    // Saving again with even less keeps working.
    const saved = await api(server.url, 'PUT', `/api/reports/${id}`, {
      cookie: c.anna,
      body: { ...typed, occurredAt: '', legal: { strafanzeige: { date: '', reference: 'Az. folgt' } } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.legal.strafanzeige).toEqual({ date: '', reference: 'Az. folgt' });
    const listed = (await api(server.url, 'GET', '/api/reports?scope=mine', { cookie: c.anna })).body.find(
      (s: { id: string }) => s.id === id,
    );
    expect(listed).toMatchObject({ status: 'draft', occurredOn: null });

    const refused = await step(server, c.anna, id, 'submit');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'Die Meldung ist noch unvollständig',
    });
    const byPath = Object.fromEntries(
      (refused.body.error.issues as Array<{ path: string; message: string }>).map((i) => [i.path, i.message]),
    );
    expect(byPath).toEqual({
      occurredAt: 'Datum und Uhrzeit angeben',
      categories: 'Bitte mindestens eine Kategorie wählen',
      'causer.birthDate': 'Datum im Format JJJJ-MM-TT',
      'causer.lastName': 'Bei bekannter Person den Nachnamen angeben',
      'legal.strafanzeige.date': 'Datum im Format JJJJ-MM-TT',
      'evidence.threatCall.at': 'Datum und Uhrzeit angeben',
      description: 'Bitte beschreiben, was passiert ist',
      address: 'Raum oder Adresse angeben',
      levelReason: 'Die Stufe weicht von der vorgeschlagenen Stufe 0 ab; bitte begründen',
    });
    expect((await api(server.url, 'GET', `/api/reports/${id}`, { cookie: c.anna })).body.status).toBe('draft');

    // Completed, it goes through: the stored report is the checked one.
    const complete = await api(server.url, 'PUT', `/api/reports/${id}`, {
      cookie: c.anna,
      body: {
        occurredAt: '2026-03-02T09:15:00+01:00',
        roomId: places.room('E.01'),
        categories: ['threat'],
        description: 'Drohung am Telefon',
        causer: { known: true, lastName: 'Grimmig', birthDate: '2019-05-01' },
        legal: { strafanzeige: { date: '2026-03-03', reference: 'StA 1 Js 1/26' } },
        evidence: { threatCall: { at: '2026-03-02T09:10:00+01:00', wording: 'Wir kriegen dich' } },
      },
    });
    expect(complete.status).toBe(200);
    const submitted = await step(server, c.anna, id, 'submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body.report).toMatchObject({ status: 'submitted', strafantragDeadline: '2026-06-02' });
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { complaint, createReport, demoPlaces, loginAll, step, threatReport, upload, type Cookies } from './fixtures.js';

const raise = (server: TestServer, cookie: string) =>
  api(server.url, 'POST', '/api/alarms', {
    cookie,
    body: { source: 'console' },
    headers: { 'idempotency-key': randomUUID() },
  }).then((r) => r.body.alarm as { id: string; raisedAt: string });

describe.each(backends)('aftercare, alarms and evidence on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;
  const tasksOf = (cookie: string) => api(server.url, 'GET', '/api/tasks', { cookie }).then((r) => r.body);

  beforeAll(async () => {
    server = await startTestServer({ backend });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it('opens a report from a resolved alarm with its facts, and gives the supervisor a debrief', async () => {
    const alarm = await raise(server, c.anna);
    const early = await api(server.url, 'POST', `/api/alarms/${alarm.id}/report`, { cookie: c.anna });
    expect([early.status, early.body.error.code]).toEqual([409, 'invalid_transition']);
    await api(server.url, 'POST', `/api/alarms/${alarm.id}/respond`, { cookie: c.jonas, body: { response: 'coming' } });
    const resolved = await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, {
      cookie: c.jonas,
      body: { outcome: 'real', note: 'Kunde hat das Gebäude verlassen' },
    });
    expect(resolved.status).toBe(200);

    // The debrief was committed with the resolution: Anna's supervisor has it.
    const debrief = (await tasksOf(c.claudia)).find((t: { alarmId: string }) => t.alarmId === alarm.id);
    expect(debrief).toMatchObject({ kind: 'debrief', reportId: null, affectedPerson: 'Anna Schmidt' });

    const res = await api(server.url, 'POST', `/api/alarms/${alarm.id}/report`, { cookie: c.anna });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      alarmId: alarm.id,
      occurredAt: alarm.raisedAt,
      roomId: places.room('E.01'),
      address: 'Marktplatz 1, 12345 Musterstadt',
      reporter: { name: 'Anna Schmidt' },
    });
    expect(res.body.description).toContain('Alarmkonsole');
    // Time and room are in their own fields, never in the description the central unit reads.
    expect(res.body.roomId).toBe(places.room('E.01'));
    expect(res.body.description).not.toContain('E.01');
    expect(res.body.description).toContain('Ausgang: echter Notfall');
    expect(res.body.description).toContain('Notiz: Kunde hat das Gebäude verlassen');
    // A second click finds the same draft.
    const again = await api(server.url, 'POST', `/api/alarms/${alarm.id}/report`, { cookie: c.anna });
    expect(again.body.id).toBe(res.body.id);
    // The helper who came may report too; a stranger to the alarm may not.
    const helper = await api(server.url, 'POST', `/api/alarms/${alarm.id}/report`, { cookie: c.jonas });
    expect(helper.status).toBe(201);
    expect(helper.body.id).not.toBe(res.body.id);
    expect((await api(server.url, 'POST', `/api/alarms/${alarm.id}/report`, { cookie: c.stefan })).status).toBe(404);

    // Completed and submitted, the report does not start a second debrief for the same attack.
    const completed = await api(server.url, 'PUT', `/api/reports/${res.body.id}`, {
      cookie: c.anna,
      body: { ...threatReport(places.room('E.01')), occurredAt: alarm.raisedAt, alarmId: alarm.id },
    });
    expect(completed.status).toBe(200);
    expect((await step(server, c.anna, res.body.id, 'submit')).body.report.status).toBe('submitted');
    const forAnna = (await tasksOf(c.claudia)).filter(
      (t: { alarmId: string; reportId: string }) => t.alarmId === alarm.id || t.reportId === res.body.id,
    );
    expect(forAnna).toHaveLength(1);
  });

  it('starts no debrief after a false alarm', async () => {
    const before = (await tasksOf(c.claudia)).length;
    const alarm = await raise(server, c.anna);
    await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, {
      cookie: c.pforte,
      body: { outcome: 'false_alarm' },
    });
    expect(await tasksOf(c.claudia)).toHaveLength(before);
  });

  it('stores evidence with the SHA-256 of exactly the uploaded bytes and hands it back unchanged', async () => {
    const id = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    const bytes = randomBytes(200_000);
    const up = await upload(server, c.anna, id, 'Foto Tür "3".png', bytes, 'image/png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      name: 'Foto Tür _3_.png',
      mime: 'image/png',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const list = await api(server.url, 'GET', `/api/reports/${id}/attachments`, { cookie: c.anna });
    expect(list.body).toEqual([up.body]);

    const download = (cookie: string) =>
      fetch(`${server.url}/api/reports/${id}/attachments/${up.body.id}`, { headers: { cookie } });
    const got = await download(c.anna);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    // Bad input is refused with a clear 4xx.
    expect((await upload(server, c.anna, id, 'x.json', '{"a":1}', 'application/json')).status).toBe(415);
    expect((await upload(server, c.anna, id, 'x.zip', 'PK', 'application/zip')).status).toBe(415);
    expect((await upload(server, c.anna, id, 'leer.txt', '', 'text/plain')).status).toBe(400);
    const huge = await upload(server, c.anna, id, 'gross.pdf', Buffer.alloc(10 * 1024 * 1024 + 1), 'application/pdf');
    expect([huge.status, huge.body.error?.code]).toEqual([413, 'body_too_large']);
    const noName = await fetch(`${server.url}/api/reports/${id}/attachments`, {
      method: 'POST',
      headers: { cookie: c.anna, 'content-type': 'text/plain' },
      body: 'Notiz',
    });
    expect(noName.status).toBe(400);
    expect((await upload(server, c.stefan, id, 'x.txt', 'x', 'text/plain')).status).toBe(404);

    // While a draft nobody else sees it; after submission the supervisor does, a colleague not.
    expect((await download(c.claudia)).status).toBe(404);
    await step(server, c.anna, id, 'submit');
    expect((await download(c.claudia)).status).toBe(200);
    expect((await download(c.stefan)).status).toBe(404);
    expect((await upload(server, c.claudia, id, 'x.txt', 'x', 'text/plain')).status).toBe(403);
    expect((await upload(server, c.anna, id, 'nachtrag.txt', 'Nachtrag', 'text/plain; charset=utf-8')).status).toBe(
      201,
    );
    await step(server, c.claudia, id, 'approve');
    expect((await upload(server, c.anna, id, 'spaet.txt', 'zu spät', 'text/plain')).status).toBe(409);
    expect((await api(server.url, 'GET', `/api/reports/${id}`, { cookie: c.personal })).body.attachments).toHaveLength(
      2,
    );
    await step(server, c.personal, id, 'complaint', complaint);
  });

  it('lists the help offers; the central unit maintains them', async () => {
    const offers = (await api(server.url, 'GET', '/api/help-offers', { cookie: c.anna })).body;
    expect(offers.map((o: { title: string }) => o.title)).toEqual([
      'Psychologische Erste Hilfe / Kollegiale Erstbetreuung',
      'Betriebsärztlicher Dienst',
      'Mitarbeiterberatung (Sozialberatung)',
      'Unfallanzeige an die Unfallkasse NRW',
      'WEISSER RING e.V.',
      'Opferschutzbeauftragte der Polizei NRW',
    ]);
    expect(offers[4].contact).toContain('116 006');

    const input = { title: 'Selbstverteidigungskurs', description: 'Jeden Dienstag', contact: 'Sport', sortOrder: 5 };
    expect((await api(server.url, 'POST', '/api/help-offers', { cookie: c.anna, body: input })).status).toBe(403);
    const created = await api(server.url, 'POST', '/api/help-offers', { cookie: c.sicherheit, body: input });
    expect(created.status).toBe(201);
    const titles = (cookie: string) =>
      api(server.url, 'GET', '/api/help-offers', { cookie }).then((r) => r.body.map((o: { title: string }) => o.title));
    expect((await titles(c.anna))[0]).toBe('Selbstverteidigungskurs');

    const off = await api(server.url, 'PUT', `/api/help-offers/${created.body.id}`, {
      cookie: c.sicherheit,
      body: { ...input, active: false },
    });
    expect(off.body.active).toBe(false);
    expect(await titles(c.anna)).not.toContain('Selbstverteidigungskurs');
    expect(await titles(c.sicherheit)).toContain('Selbstverteidigungskurs');
    const del = await api(server.url, 'DELETE', `/api/help-offers/${created.body.id}`, { cookie: c.sicherheit });
    expect(del.status).toBe(204);
    expect(await titles(c.sicherheit)).not.toContain('Selbstverteidigungskurs');
    expect(
      (await api(server.url, 'DELETE', `/api/help-offers/${created.body.id}`, { cookie: c.sicherheit })).status,
    ).toBe(404);
  });
});

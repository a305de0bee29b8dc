import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentReports } from '../db/schema.js';
import { seedDemo } from '../org/demo.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import {
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

type Place = { roomId: string; label: string };

describe.each(backends)('places, repeated creates and the published warning on %s', (backend) => {
  let server: TestServer;
  let c: Cookies;
  let places: Awaited<ReturnType<typeof demoPlaces>>;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    c = await loginAll(server);
    places = await demoPlaces(server, c.it);
  });
  afterAll(() => server?.close());

  it('lists the rooms of the caller’s own organisation to every employee, labelled building · floor · room', async () => {
    await seedDemo(server.database.db, {
      dataDir: server.dataDir,
      publicUrl: server.url,
      slug: 'nachbarstadt',
      name: 'Gemeinde Nachbarstadt',
    });
    const ours = await api(server.url, 'GET', '/api/places', { cookie: c.anna });
    expect(ours.status).toBe(200);
    const adminRooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: c.it })).body as Array<{
      id: string;
    }>;
    expect(ours.body.map((p: Place) => p.roomId).sort()).toEqual(adminRooms.map((r) => r.id).sort());
    expect(ours.body).toContainEqual({
      roomId: places.room('E.01'),
      label: 'Rathaus · Erdgeschoss · E.01 Bürgerbüro Schalter 1',
    });

    const neighbour = await server.login(login('anna.schmidt').replace('musterstadt', 'nachbarstadt'));
    const theirs = (await api(server.url, 'GET', '/api/places', { cookie: neighbour })).body as Place[];
    expect(theirs.length).toBe(ours.body.length);
    const ourIds = new Set(ours.body.map((p: Place) => p.roomId));
    expect(theirs.some((p) => ourIds.has(p.roomId))).toBe(false);
    // A room of the other organisation is no place for our report.
    const foreign = await createReport(server, c.anna, threatReport(theirs[0]!.roomId));
    expect(foreign.status).toBe(400);
  });

  it('answers a repeated create with the same key with the same draft, per reporter', async () => {
    const key = 'offline-draft-0001';
    const first = await createReport(server, c.anna, threatReport(places.room('E.01')), key);
    expect(first.status).toBe(201);
    // The answer was lost; the device retries with what it has now.
    const again = await createReport(
      server,
      c.anna,
      threatReport(places.room('E.01'), { description: 'weiter geschrieben' }),
      key,
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // Another reporter's key is theirs: the same text makes their own draft.
    const jonas = await createReport(server, c.jonas, threatReport(places.room('E.01')), key);
    expect(jonas.status).toBe(201);
    expect(jonas.body.id).not.toBe(first.body.id);

    const rows = await server.database.db
      .select({ id: incidentReports.id })
      .from(incidentReports)
      .where(and(eq(incidentReports.idempotencyKey, key)));
    expect(rows.map((r) => r.id).sort()).toEqual([first.body.id, jonas.body.id].sort());

    // Two copies of one create racing each other still make one draft.
    const raced = await Promise.all(
      [1, 2, 3].map(() => createReport(server, c.anna, threatReport(places.room('E.01')), 'raced-key-0001')),
    );
    expect(raced.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(raced.map((r) => r.body.id)).size).toBe(1);

    const missing = await api(server.url, 'POST', '/api/reports', {
      cookie: c.anna,
      body: threatReport(places.room('E.01')),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues[0].path).toBe('headers.idempotency-key');
  });

  it('shows the published summary and measures on the report from publication on, nothing of the reporter', async () => {
    const id = (await createReport(server, c.anna, threatReport(places.room('E.01')))).body.id as string;
    await step(server, c.anna, id, 'submit');
    await step(server, c.claudia, id, 'approve', { comment: 'ok' });
    await step(server, c.personal, id, 'complaint', complaint);
    const checked = await step(server, c.sicherheit, id, 'quality-check');
    expect(checked.body.warning).toBeNull();
    const published = await step(server, c.sicherheit, id, 'publish', publication);
    expect(published.body.warning).toMatchObject({
      summary: publication.summary,
      measures: publication.measures,
      building: 'Rathaus',
      department: 'Bürgerbüro',
    });
    const warnings = (await api(server.url, 'GET', '/api/warnings', { cookie: c.stefan })).body;
    const own = await api(server.url, 'GET', `/api/reports/${id}`, { cookie: c.anna });
    expect(own.body.warning).toEqual(warnings.find((w: { id: string }) => w.id === published.body.warning.id));
    expect(JSON.stringify(own.body.warning)).not.toContain('Anna');
    const archived = await step(server, c.sicherheit, id, 'archive');
    expect(archived.body.warning).toEqual(own.body.warning);
  });
});

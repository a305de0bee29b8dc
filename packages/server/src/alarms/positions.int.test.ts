import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const admin = 'it@musterstadt.example';
const field = 'stefan.neumann@musterstadt.example';
// Two points 1.0 km apart on a meridian; the Rathaus gets the first as its coordinates.
const rathaus = { lat: 50.9375, lon: 6.9603 };
const away = { lat: 50.946493, lon: 6.9603 };

describe.each(backends)('a personal button and the last known position on %s', (backend) => {
  let server: TestServer;
  afterEach(() => server?.close());

  /** A button without a room, bound to Stefan (field service): it goes where he goes. */
  const personalButton = async (cookie: string) => {
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
      id: string;
      lastName: string;
    }>;
    const stefan = people.find((p) => p.lastName === 'Neumann')!;
    const dev = await api(server.url, 'POST', '/api/admin/devices', {
      cookie,
      body: { kind: 'button', name: 'Notruftaster Neumann', personId: stefan.id, externalId: 'taster-neumann' },
    });
    expect(dev.status).toBe(201);
    expect(dev.body.roomId).toBeNull();
    const code = (await api(server.url, 'POST', `/api/admin/devices/${dev.body.id}/enrolment-code`, { cookie })).body
      .code;
    return (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token as string;
  };

  const press = (token: string) =>
    api(server.url, 'POST', '/api/buttons/press', { token, body: { pressId: `press-${randomUUID()}` } });

  it('raises with the phone’s last fix, marked as last known, with the nearby building’s address', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const cookie = await server.login(admin);
    const buildings = (await api(server.url, 'GET', '/api/admin/buildings', { cookie })).body as Array<{
      id: string;
      name: string;
      address: string;
    }>;
    const b = buildings.find((x) => x.name === 'Rathaus')!;
    const put = await api(server.url, 'PUT', `/api/admin/buildings/${b.id}`, {
      cookie,
      body: { name: b.name, address: b.address, latitude: rathaus.lat, longitude: rathaus.lon },
    });
    expect(put.body).toMatchObject({ latitude: rathaus.lat, longitude: rathaus.lon });
    const token = await personalButton(cookie);

    // No fix yet: the alarm goes out at once, without a position.
    const blind = await press(token);
    expect(blind.status).toBe(201);
    expect(blind.body.alarm).toMatchObject({ position: null, positionKind: null, positionAddress: null });

    const phone = await server.login(field);
    const fix = { ...rathaus, accuracy: 20, at: clock.now().toISOString() };
    expect(
      (await api(server.url, 'POST', '/api/mobile/position', { cookie: phone, body: { position: fix } })).status,
    ).toBe(204);
    clock.advance(60_000);
    const raised = await press(token);
    expect(raised.status).toBe(201);
    expect(raised.body.alarm).toMatchObject({
      source: 'network_button',
      position: fix,
      positionKind: 'last_known',
      positionAddress: 'Rathaus, Marktplatz 1, 12345 Musterstadt',
      sender: { lastName: 'Neumann' },
      // Carried, so not placed at a desk: no room from the button.
      location: { room: '' },
    });

    // A fix 1 km away is near no known building: position yes, address no.
    clock.advance(60_000);
    const far = { ...away, accuracy: 15, at: clock.now().toISOString() };
    await api(server.url, 'POST', '/api/mobile/position', { cookie: phone, body: { position: far } });
    const again = await press(token);
    expect(again.body.alarm).toMatchObject({ position: far, positionKind: 'last_known', positionAddress: null });
  });

  it('keeps only the newest fix, at most every 30 s, and forgets a fix older than 12 hours', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const token = await personalButton(await server.login(admin));
    const phone = await server.login(field);
    const fixAt = (p: { lat: number; lon: number }) => ({ ...p, accuracy: 10, at: clock.now().toISOString() });
    const first = fixAt(rathaus);
    await api(server.url, 'POST', '/api/mobile/position', { cookie: phone, body: { position: first } });
    clock.advance(10_000);
    // Within 30 s of the stored one: dropped, the stored fix stays.
    await api(server.url, 'POST', '/api/mobile/position', { cookie: phone, body: { position: fixAt(away) } });
    expect((await press(token)).body.alarm.position).toEqual(first);

    clock.advance(13 * 60 * 60 * 1000);
    const stale = await press(token);
    expect(stale.body.alarm).toMatchObject({ position: null, positionKind: null });
  });

  it('a live position from the phone is marked live; a button needs a room or a person', async () => {
    server = await startTestServer({ backend });
    const phone = await server.login(field);
    const position = { ...away, accuracy: 30, at: new Date().toISOString() };
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: phone,
      body: { source: 'mobile', position },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.body.alarm).toMatchObject({ position, positionKind: 'live', positionAddress: null });

    const cookie = await server.login(admin);
    for (const kind of ['button', 'workstation']) {
      const res = await api(server.url, 'POST', '/api/admin/devices', { cookie, body: { kind, name: 'Ohne Raum' } });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0]).toMatchObject({ path: 'body.roomId' });
    }
    const badBuilding = await api(server.url, 'POST', '/api/admin/buildings', {
      cookie,
      body: { name: 'Halb', latitude: 50.9 },
    });
    expect(badBuilding.status).toBe(400);
  });
});

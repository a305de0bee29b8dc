import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const admin = 'it@musterstadt.example';

describe.each(backends)('rollout: organisation enrolment token and hostname mappings on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });

  const raise = (token: string) =>
    api(server.url, 'POST', '/api/alarms', {
      token,
      body: { source: 'hotkey' },
      headers: { 'idempotency-key': randomUUID() },
    });

  const setup = async (clock?: FakeClock) => {
    server = await startTestServer({ backend, ...(clock ? { clock } : {}) });
    const cookie = await server.login(admin);
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie })).body as Array<{
      id: string;
      name: string;
      floorId: string;
      departmentId: string | null;
    }>;
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
      id: string;
      lastName: string;
    }>;
    return { cookie, rooms, people };
  };

  it('a PC enrols itself by hostname into its mapped room; the secret is shown once; an unmapped PC is an unprotected seat until mapped, then follows the mapping', async () => {
    const { cookie, rooms, people } = await setup();
    const [roomA, roomB] = [rooms[0]!, rooms[1]!];
    const person = people[0]!;

    const created = await api(server.url, 'POST', '/api/admin/enrolment-tokens', {
      cookie,
      body: { name: 'Softwareverteilung 2026', validDays: 30 },
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^wsorg_/);
    const listed = await api(server.url, 'GET', '/api/admin/enrolment-tokens', { cookie });
    expect(listed.body).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));

    const mapped = await api(server.url, 'POST', '/api/admin/host-mappings', {
      cookie,
      body: { hostname: 'PC-0042', roomId: roomA.id, personId: person.id },
    });
    expect(mapped.status).toBe(201);
    expect(mapped.body.hostname).toBe('pc-0042');

    // The domain suffix and case do not matter: the directory's name of the PC does.
    const enrolled = await api(server.url, 'POST', '/api/devices/enrol', {
      body: { orgToken: secret, hostname: 'pc-0042.stadt.local' },
    });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({
      workstation: { name: 'PC-0042', room: roomA.name },
      person: { id: person.id },
    });
    const pc = enrolled.body.deviceId as string;
    const alarm = await raise(enrolled.body.token);
    expect(alarm.status).toBe(201);
    expect(alarm.body.alarm.location).toMatchObject({ workstation: 'PC-0042', room: roomA.name });

    // A PC nobody mapped: enrolled, but "Zuordnung fehlt" and counted as unprotected.
    const stray = await api(server.url, 'POST', '/api/devices/enrol', {
      body: { orgToken: secret, hostname: 'PC-9999' },
    });
    expect(stray.status).toBe(201);
    expect(stray.body.workstation).toMatchObject({ name: 'PC-9999', room: '' });
    const strayId = stray.body.deviceId as string;
    const devices = (await api(server.url, 'GET', '/api/admin/devices', { cookie })).body as Array<{
      id: string;
      unassigned: boolean;
      hostname: string | null;
    }>;
    expect(devices.find((d) => d.id === strayId)).toMatchObject({ unassigned: true, hostname: 'pc-9999' });
    expect(devices.find((d) => d.id === pc)).toMatchObject({ unassigned: false });
    const desk = await server.login('pforte@musterstadt.example');
    const seats = (await api(server.url, 'GET', '/api/devices/offline', { cookie: desk })).body as Array<{
      id: string;
      unassigned: boolean;
    }>;
    expect(seats).toContainEqual(expect.objectContaining({ id: strayId, unassigned: true }));
    // The mapped PC is no such seat (until its agent connects it counts as not yet heard from).
    expect(seats.find((s) => s.id === pc)?.unassigned ?? false).toBe(false);

    // Mapping it moves the connected PC: its connection ends so the agent reconnects with the room.
    const ws = await TestRealtime.connect(server.url, { token: stray.body.token });
    clients.push(ws);
    const map2 = await api(server.url, 'POST', '/api/admin/host-mappings', {
      cookie,
      body: { hostname: 'pc-9999', roomId: roomB.id, personId: null },
    });
    expect(map2.status).toBe(201);
    await ws.next((f) => f.kind === 'closing' && f.reason === 'roles_changed', 15_000);
    const seatsAfter = (await api(server.url, 'GET', '/api/devices/offline', { cookie: desk })).body as Array<{
      id: string;
      unassigned: boolean;
    }>;
    expect(seatsAfter.find((s) => s.id === strayId)?.unassigned ?? false).toBe(false);
    const moved = await raise(stray.body.token);
    expect(moved.body.alarm.location).toMatchObject({ workstation: 'PC-9999', room: roomB.name });

    // A moved PC: its hostname is now mapped to another room, and the PC follows.
    const put = await api(server.url, 'PUT', `/api/admin/host-mappings/${mapped.body.id}`, {
      cookie,
      body: { hostname: 'pc-0042', roomId: roomB.id, personId: null },
    });
    expect(put.status).toBe(200);
    const again = await raise(enrolled.body.token);
    expect(again.body.alarm.location).toMatchObject({ workstation: 'PC-0042', room: roomB.name });

    // A second mapping of the same name is refused, in German.
    const dup = await api(server.url, 'POST', '/api/admin/host-mappings', {
      cookie,
      body: { hostname: 'PC-0042', roomId: roomA.id, personId: null },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('schon eine Zuordnung');

    // Deleting a mapping does not unprotect the seat: the PC keeps its room.
    expect((await api(server.url, 'DELETE', `/api/admin/host-mappings/${mapped.body.id}`, { cookie })).status).toBe(
      204,
    );
    const kept = await raise(enrolled.body.token);
    expect(kept.body.alarm.location).toMatchObject({ room: roomB.name });

    const audit = (await api(server.url, 'GET', '/api/admin/audit?limit=100', { cookie })).body as Array<{
      action: string;
    }>;
    const actions = audit.map((a) => a.action);
    for (const a of ['enrolment_token.created', 'device.enrolled', 'host_mapping.created', 'host_mapping.updated'])
      expect(actions).toContain(a);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('the token never takes over an enrolled PC; a released PC is the same device with a new token; revoked and expired tokens, revoked devices and PCs outside the scope are refused', async () => {
    const clock = new FakeClock(Date.now());
    const { cookie, rooms } = await setup(clock);
    const inDept = rooms.find((r) => r.departmentId !== null)!;
    const other = rooms.find((r) => r.departmentId !== inDept.departmentId)!;
    const token = async (body: Record<string, unknown>) =>
      (await api(server.url, 'POST', '/api/admin/enrolment-tokens', { cookie, body })).body;
    const enrol = (orgToken: string, hostname: string) =>
      api(server.url, 'POST', '/api/devices/enrol', { body: { orgToken, hostname } });

    for (const [hostname, roomId] of [
      ['pc-in', inDept.id],
      ['pc-out', other.id],
    ])
      await api(server.url, 'POST', '/api/admin/host-mappings', { cookie, body: { hostname, roomId, personId: null } });

    const scoped = await token({
      name: 'Nur eine Abteilung',
      scope: { kind: 'department', departmentId: inDept.departmentId },
    });
    expect((await enrol(scoped.secret, 'pc-in')).status).toBe(201);
    const outside = await enrol(scoped.secret, 'pc-out');
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toContain('außerhalb des Geltungsbereichs');

    const all = await token({ name: 'Alle', validDays: 1 });
    const first = await enrol(all.secret, 'pc-out');
    // Whoever reads the install script cannot take over an enrolled PC with the token.
    const takeover = await enrol(all.secret, 'PC-OUT');
    expect(takeover.status).toBe(409);
    expect(takeover.body.error.message).toContain('schon registriert');
    expect((await raise(first.body.token)).status).toBe(201);
    // Reinstalled: the administration releases it with a one-time code; the token enrols it again.
    await api(server.url, 'POST', `/api/admin/devices/${first.body.deviceId}/enrolment-code`, { cookie });
    const second = await enrol(all.secret, 'PC-OUT');
    expect(second.body.deviceId).toBe(first.body.deviceId);
    expect((await raise(first.body.token)).status).toBe(401);
    expect((await raise(second.body.token)).status).toBe(201);
    const listed = (await api(server.url, 'GET', '/api/admin/enrolment-tokens', { cookie })).body as Array<{
      id: string;
      uses: number;
    }>;
    expect(listed.find((t) => t.id === all.id)?.uses).toBe(2);

    // A token for terminal servers: each session enrols its client again and takes it over.
    const ts = await token({ name: 'Terminalserver', terminalServers: true });
    expect(ts.terminalServers).toBe(true);
    const session1 = await enrol(ts.secret, 'thin-01');
    const session2 = await enrol(ts.secret, 'THIN-01');
    expect(session2.body.deviceId).toBe(session1.body.deviceId);
    expect((await raise(session1.body.token)).status).toBe(401);
    expect((await raise(session2.body.token)).status).toBe(201);

    // A scoped token cannot reach a PC outside its scope once its mapping is gone either.
    const mappings = (await api(server.url, 'GET', '/api/admin/host-mappings', { cookie })).body as Array<{
      id: string;
      hostname: string;
    }>;
    const outMapping = mappings.find((m) => m.hostname === 'pc-out')!;
    await api(server.url, 'DELETE', `/api/admin/host-mappings/${outMapping.id}`, { cookie });
    await api(server.url, 'POST', `/api/admin/devices/${first.body.deviceId}/enrolment-code`, { cookie });
    const scoped2 = await token({
      name: 'Nur eine Abteilung, zweiter',
      scope: { kind: 'department', departmentId: inDept.departmentId },
    });
    const stillOutside = await enrol(scoped2.secret, 'pc-out');
    expect(stillOutside.status).toBe(403);

    // Revoked by an administrator: the token in the install script must not bring it back.
    await api(server.url, 'POST', `/api/admin/devices/${first.body.deviceId}/revoke`, { cookie });
    const back = await enrol(all.secret, 'pc-out');
    expect(back.status).toBe(401);
    expect(back.body.error.message).toContain('gesperrt');

    // A revoked token enrols no more PCs; PCs it enrolled stay enrolled.
    const revoked = await api(server.url, 'POST', `/api/admin/enrolment-tokens/${scoped.id}/revoke`, { cookie });
    expect(revoked.body.revokedAt).not.toBeNull();
    const late = await enrol(scoped.secret, 'pc-in');
    expect(late.body.error.code).toBe('enrolment_code_invalid');

    clock.advance(2 * 86_400_000);
    const expired = await enrol(all.secret, 'pc-new');
    expect(expired.body.error.code).toBe('enrolment_code_invalid');

    // Bad input is named, not guessed at.
    const neither = await api(server.url, 'POST', '/api/devices/enrol', { body: { hostname: 'pc-x' } });
    expect(neither.status).toBe(400);
    const badHost = await enrol(all.secret, 'pc x/');
    expect(badHost.status).toBe(400);
  });
  it('the PCs of a building behind one address all enrol at once; wrong tokens and guessed codes are throttled', async () => {
    server = await startTestServer({ backend, env: { LOGIN_ATTEMPTS_PER_MINUTE: '3' } });
    const cookie = await server.login(admin);
    const { secret } = (await api(server.url, 'POST', '/api/admin/enrolment-tokens', { cookie, body: { name: 'GPO' } }))
      .body;
    const enrol = (body: Record<string, string>) => api(server.url, 'POST', '/api/devices/enrol', { body });
    for (let i = 0; i < 12; i++) expect((await enrol({ orgToken: secret, hostname: `pc-${i}` })).status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await enrol({ orgToken: `wsorg_falsch${i}`, hostname: 'pc-x' })).body.error.code).toBe(
        'enrolment_code_invalid',
      );
    const locked = await enrol({ orgToken: 'wsorg_falsch9', hostname: 'pc-x' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toContain('Zu viele Registrierungsversuche');
    for (let i = 0; i < 3; i++) expect((await enrol({ code: `AAAA-BBBB-CCC${i}` })).status).toBe(400);
    expect((await enrol({ code: 'AAAA-BBBB-CCCX' })).status).toBe(429);
  });
});

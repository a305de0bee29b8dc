import { afterEach, describe, expect, it } from 'vitest';
import type { Person, Role } from '@wachsam/protocol';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

describe.each(backends)('four eyes for the register roles, on %s', (backend) => {
  let server: TestServer;
  afterEach(() => server?.close());

  const people = async (cookie: string): Promise<Person[]> =>
    (await api(server.url, 'GET', '/api/admin/people', { cookie })).body;
  const person = async (cookie: string, lastName: string): Promise<Person> =>
    (await people(cookie)).find((p) => p.lastName === lastName)!;
  /** An administrator saves the person with these roles, as the people form does. */
  const saveRoles = async (cookie: string, p: Person, roles: Role[]) => {
    const { id, ...input } = p;
    return api(server.url, 'PUT', `/api/admin/people/${id}`, { cookie, body: { ...input, roles } });
  };
  const requests = async (cookie: string) =>
    (await api(server.url, 'GET', '/api/admin/role-requests', { cookie })).body;
  const decide = (cookie: string, id: string, how: 'approve' | 'reject') =>
    api(server.url, 'POST', `/api/admin/role-requests/${id}/${how}`, { cookie });
  const auditOf = async (cookie: string) =>
    (await api(server.url, 'GET', '/api/admin/audit?limit=500', { cookie })).body as Array<{
      actor: string;
      action: string;
      subject: string;
      detail: Record<string, unknown>;
    }>;

  it('a register role granted by one administrator takes effect only when a second person confirms it, and both steps are audited', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const dpo = await server.login(login('datenschutz'));
    const jonas = await server.login(login('jonas.becker'));
    const becker = await person(admin, 'Becker');

    const saved = await saveRoles(admin, becker, [...becker.roles, 'lookup']);
    expect(saved.status).toBe(200);
    expect(saved.body.roles).toEqual(becker.roles); // not yet
    // Jonas cannot ask the register yet.
    const lookup = { purpose: 'Außendienst-Termin', reference: 'AZ-1', lastName: 'Grimmig', firstName: 'Gerd' };
    expect((await api(server.url, 'POST', '/api/register/lookup', { cookie: jonas, body: lookup })).status).toBe(403);

    const [open] = await requests(admin);
    expect(open).toMatchObject({
      personId: becker.id,
      personName: 'Jonas Becker',
      role: 'lookup',
      requestedByName: `Bernd Lange (${login('it')})`,
      mayApprove: false, // for the requester
      otherApprovers: 1, // the data-protection officer
      waitsForOwnPassword: false,
    });
    expect((await requests(dpo))[0]).toMatchObject({ id: open.id, mayApprove: true });

    // Asking twice is one request.
    await saveRoles(admin, becker, [...becker.roles, 'lookup']);
    expect(await requests(admin)).toHaveLength(1);

    // The requester cannot confirm it; the data-protection officer can.
    const own = await decide(admin, open.id, 'approve');
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/zweite Person/);
    expect((await decide(dpo, open.id, 'approve')).status).toBe(204);
    expect((await person(admin, 'Becker')).roles).toContain('lookup');
    expect(await requests(admin)).toEqual([]);
    // Decided once: a second decision is refused.
    expect((await decide(dpo, open.id, 'reject')).status).toBe(409);

    const audit = await auditOf(admin);
    const created = audit.find((e) => e.action === 'role_request.created')!;
    const approved = audit.find((e) => e.action === 'role_request.approved')!;
    expect(created).toMatchObject({
      actor: `Bernd Lange (${login('it')})`,
      subject: 'Person Jonas Becker: Rolle Abfragende Stelle',
      detail: { personId: becker.id, role: 'lookup' },
    });
    expect(approved).toMatchObject({
      actor: `Ingrid Peters (${login('datenschutz')})`,
      subject: 'Person Jonas Becker: Rolle Abfragende Stelle',
      detail: { personId: becker.id, role: 'lookup', requestedBy: `Bernd Lange (${login('it')})` },
    });
    expect(typeof approved.detail.requestedAt).toBe('string');
  });

  it('nobody confirms their own request or a request for themselves: an administrator cannot give themselves a register role', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const dpo = await server.login(login('datenschutz'));
    const lange = await person(admin, 'Lange');
    const peters = await person(admin, 'Peters');

    expect((await saveRoles(admin, lange, [...lange.roles, 'data_protection', 'security_management'])).status).toBe(
      200,
    );
    expect((await saveRoles(admin, peters, [...peters.roles, 'security_management'])).status).toBe(200);
    const open = await requests(dpo);
    const forLange = open.filter((r: { personId: string }) => r.personId === lange.id);
    const forPeters = open.find((r: { personId: string }) => r.personId === peters.id);
    expect(forLange.map((r: { role: string }) => r.role).sort()).toEqual(['data_protection', 'security_management']);
    // The administrator asked for himself: neither his own request nor one for himself.
    for (const r of forLange) expect((await decide(admin, r.id, 'approve')).status).toBe(403);
    // The data-protection officer cannot confirm a role for herself.
    const self = await decide(dpo, forPeters.id, 'approve');
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/für sich selbst/);
    expect(forPeters).toMatchObject({ mayApprove: false, otherApprovers: 0 });
    expect((await person(admin, 'Lange')).roles).toEqual(['admin']);
    expect((await person(admin, 'Peters')).roles).toEqual(['employee', 'data_protection']);

    // A rejection changes nothing and is audited; the data-protection officer rejects his request.
    expect((await decide(dpo, forLange[0].id, 'reject')).status).toBe(204);
    const rejected = (await auditOf(admin)).find((e) => e.action === 'role_request.rejected')!;
    expect(rejected.actor).toBe(`Ingrid Peters (${login('datenschutz')})`);
    expect((await person(admin, 'Lange')).roles).toEqual(['admin']);
  });

  it('a new administrator needs four eyes too, and is confirmed only once they chose their own password', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const dpo = await server.login(login('datenschutz'));
    const created = await api(server.url, 'POST', '/api/admin/people', {
      cookie: admin,
      body: { firstName: 'Max', lastName: 'Puppe', login: login('max.puppe'), roles: ['employee', 'admin'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.roles).toEqual(['employee']);
    expect(
      (
        await api(server.url, 'PUT', `/api/admin/people/${created.body.id}/password`, {
          cookie: admin,
          body: { password: 'von-admin-gesetzt-1' },
        })
      ).status,
    ).toBe(204);
    const [open] = await requests(dpo);
    expect(open).toMatchObject({ role: 'admin', waitsForOwnPassword: true });
    // The administrator knows Max's password: confirming now would hand him a second admin account.
    const early = await decide(dpo, open.id, 'approve');
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/Passwort selbst ändern/);

    const max = await server.login(login('max.puppe'), 'von-admin-gesetzt-1');
    expect(
      (
        await api(server.url, 'POST', '/api/auth/password', {
          cookie: max,
          body: { currentPassword: 'von-admin-gesetzt-1', newPassword: 'nur-max-kennt-es-2' },
        })
      ).status,
    ).toBe(204);
    expect((await requests(dpo))[0]).toMatchObject({ waitsForOwnPassword: false });
    const maxWs = await TestRealtime.connect(server.url, { cookie: max });
    try {
      expect((await decide(dpo, open.id, 'approve')).status).toBe(204);
      // The new rights reach his open connection: it reconnects with them.
      await maxWs.next((f) => f.kind === 'closing' && f.reason === 'roles_changed', 15_000);
    } finally {
      await maxWs.close();
    }
    expect((await api(server.url, 'GET', '/api/admin/audit', { cookie: max })).status).toBe(200);
    // Now holding a four-eyes role, nobody else may set his password.
    const reset = await api(server.url, 'PUT', `/api/admin/people/${created.body.id}/password`, {
      cookie: admin,
      body: { password: 'wieder-vom-admin-3' },
    });
    expect(reset.status).toBe(403);
  });

  it('taking a register role away needs no second person and ends its connections at once', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const stefan = await server.login(login('stefan.neumann'));
    const neumann = await person(admin, 'Neumann');
    const ws = await TestRealtime.connect(server.url, { cookie: stefan });
    try {
      const saved = await saveRoles(
        admin,
        neumann,
        neumann.roles.filter((r) => r !== 'lookup'),
      );
      expect(saved.body.roles).toEqual(['employee', 'helper']);
      await ws.next((f) => f.kind === 'closing' && f.reason === 'roles_changed', 15_000);
    } finally {
      await ws.close();
    }
    const lookup = { purpose: 'Außendienst-Termin', reference: 'AZ-1', lastName: 'Grimmig', firstName: 'Gerd' };
    expect((await api(server.url, 'POST', '/api/register/lookup', { cookie: stefan, body: lookup })).status).toBe(403);
    const removed = (await auditOf(admin)).find((e) => e.action === 'person.updated')!;
    expect(removed.detail).toMatchObject({ rolesRemoved: ['lookup'], rolesAdded: [], rolesRequested: [] });
  });

  it('two approvers at once: one confirms, the other is told it is decided', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const dpo = await server.login(login('datenschutz'));
    // A second approver: Heike Vogel becomes data-protection deputy (confirmed by Ingrid).
    const vogel = await person(admin, 'Vogel');
    await saveRoles(admin, vogel, [...vogel.roles, 'data_protection']);
    await decide(dpo, (await requests(dpo))[0].id, 'approve');
    const deputy = await server.login(login('personal'));
    const klein = await person(admin, 'Klein');
    await saveRoles(admin, klein, [...klein.roles, 'lookup']);
    const [open] = await requests(dpo);
    expect(open.otherApprovers).toBe(2);
    const results = await Promise.all([decide(dpo, open.id, 'approve'), decide(deputy, open.id, 'approve')]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    const approvals = (await auditOf(admin)).filter(
      (e) => e.action === 'role_request.approved' && e.detail.personId === klein.id,
    );
    expect(approvals).toHaveLength(1);
  });

  it('an administrator sets neither their own password nor that of a person with a four-eyes role', async () => {
    server = await startTestServer({ backend });
    const admin = await server.login(login('it'));
    const setPassword = (p: Person) =>
      api(server.url, 'PUT', `/api/admin/people/${p.id}/password`, {
        cookie: admin,
        body: { password: 'neu-gesetzt-123' },
      });
    const own = await setPassword(await person(admin, 'Lange'));
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/Mein Konto/);
    for (const lastName of ['Peters', 'Sommer', 'Neumann']) {
      const res = await setPassword(await person(admin, lastName));
      expect({ lastName, status: res.status }).toEqual({ lastName, status: 403 });
      expect(res.body.error.message).toMatch(/wachsam reset-password/);
    }
    expect((await setPassword(await person(admin, 'Becker'))).status).toBe(204);
    // The demo's register roles were seeded directly and are all there.
    const roles = Object.fromEntries((await people(admin)).map((p) => [p.lastName, p.roles]));
    expect(roles).toMatchObject({
      Peters: ['employee', 'data_protection'],
      Sommer: ['employee', 'security_management'],
      Neumann: ['employee', 'helper', 'lookup'],
      Lange: ['admin'],
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const admin = 'it@musterstadt.example';
const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe.each(backends)('SCIM 2.0 as Entra ID provisions on %s', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  /** A SCIM request as Entra sends it: bearer token, application/scim+json. */
  const scim = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : null };
  };

  const setup = async () => {
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    const created = await api(server.url, 'POST', '/api/admin/scim-tokens', { cookie, body: { name: 'Entra ID' } });
    expect(created.status).toBe(201);
    return { cookie, token: created.body.secret as string, tokenId: created.body.id as string };
  };

  it('runs the requests Entra sends for a user: find, create, find again, patch, deactivate, delete (= deactivate)', async () => {
    const { cookie, token } = await setup();
    const userName = 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@stadt.example';
    const none = await scim(token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await scim(token, 'POST', '/Users', {
      schemas: [userSchema, enterprise],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: 'test.user@stadt.example' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Tessa Tester', familyName: 'Tester', givenName: 'Tessa' },
      phoneNumbers: [{ type: 'work', value: '+49 221 123' }],
      [enterprise]: { department: 'Bürgeramt Süd' },
      roles: [],
    });
    expect(created.status).toBe(201);
    expect(created.type).toContain('application/scim+json');
    expect(created.body).toMatchObject({
      userName: userName.toLowerCase(),
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      active: true,
      name: { givenName: 'Tessa', familyName: 'Tester' },
      emails: [{ value: 'test.user@stadt.example' }],
      [enterprise]: { department: 'Bürgeramt Süd' },
    });
    const id = created.body.id as string;

    const found = await scim(token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    const dup = await scim(token, 'POST', '/Users', {
      schemas: [userSchema],
      userName,
      name: { givenName: 'A', familyName: 'B' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ status: '409', scimType: 'uniqueness' });

    const patched = await scim(token, 'PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@stadt.example' },
        { op: 'Replace', path: 'name.familyName', value: 'Neumann' },
        { op: 'Add', path: 'title', value: 'Sachbearbeitung' },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: { familyName: 'Neumann' },
      emails: [{ value: 'updated@stadt.example' }],
    });

    const people = async () =>
      (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
        id: string;
        active: boolean;
        managedBy: string | null;
        lastName: string;
      }>;
    expect((await people()).find((p) => p.id === id)).toMatchObject({
      active: true,
      managedBy: 'scim',
      lastName: 'Neumann',
    });

    // A CSV import does not overwrite what the directory keeps: the line is refused, with the reason.
    const csv = Buffer.from(`Anmeldename;Vorname;Nachname\r\n${userName};Falsch;Name\r\n`).toString('base64');
    const imported = await api(server.url, 'POST', '/api/admin/import', {
      cookie,
      body: { kind: 'people', file: csv },
    });
    expect(imported.body.lines).toEqual([
      expect.objectContaining({
        action: 'error',
        errors: ['wird über SCIM aus dem Verzeichnis gepflegt: dort ändern'],
      }),
    ]);

    // Entra disables the account: the string "False", as Entra sent booleans for years.
    const off = await scim(token, 'PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.body.active).toBe(false);
    expect((await people()).find((p) => p.id === id)?.active).toBe(false);
    const on = await scim(token, 'PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(on.body.active).toBe(true);

    expect((await scim(token, 'DELETE', `/Users/${id}`)).status).toBe(204);
    // Deleted in Entra: deactivated here, with its history; never removed.
    expect((await people()).find((p) => p.id === id)?.active).toBe(false);
    expect((await scim(token, 'GET', '/Users/5171a35d-82ae-4a2b-a0b0-71f0ae3d1c5c')).status).toBe(404);
    const bad = await scim(token, 'GET', `/Users?filter=${encodeURIComponent('name.givenName sw "T"')}`);
    expect(bad).toMatchObject({ status: 400, body: { scimType: 'invalidFilter' } });
  });

  it('runs the requests Entra sends for a group: find, create, add and remove members, unknown members refused', async () => {
    const { token } = await setup();
    const mk = async (userName: string, givenName: string) =>
      (
        await scim(token, 'POST', '/Users', {
          schemas: [userSchema],
          userName,
          active: true,
          name: { givenName, familyName: 'Team' },
        })
      ).body.id as string;
    const [a, b] = [await mk('ute.team@stadt.example', 'Ute'), await mk('olaf.team@stadt.example', 'Olaf')];
    const filter = `/Groups?filter=${encodeURIComponent('displayName eq "Ersthelfer Süd"')}`;
    expect((await scim(token, 'GET', filter)).body.totalResults).toBe(0);
    const group = await scim(token, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Ersthelfer Süd',
      meta: { resourceType: 'Group' },
    });
    expect(group.status).toBe(201);
    const gid = group.body.id as string;
    const add = await scim(token, 'PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: a },
            { $ref: null, value: b },
          ],
        },
      ],
    });
    expect(add.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
    const removed = await scim(token, 'PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: b }] }],
    });
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([a]);
    expect((await scim(token, 'GET', filter)).body).toMatchObject({ totalResults: 1, Resources: [{ id: gid }] });
    const stranger = await scim(token, 'PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: '5171a35d-82ae-4a2b-a0b0-71f0ae3d1c5c' }] }],
    });
    expect(stranger.status).toBe(400);
  });

  it('answers only its own bearer token, in SCIM’s error shape, and only within its organisation', async () => {
    const { cookie, token, tokenId } = await setup();
    const none = await fetch(`${server.url}/scim/v2/Users`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    expect((await scim('wsscim_falsch', 'GET', '/Users')).status).toBe(401);
    // The demo's people of the same organisation are visible; the token's secret is never listed.
    const list = await scim(token, 'GET', '/Users?count=5');
    expect(list.body.totalResults).toBeGreaterThan(5);
    expect(list.body.Resources).toHaveLength(5);
    const tokens = await api(server.url, 'GET', '/api/admin/scim-tokens', { cookie });
    expect(JSON.stringify(tokens.body)).not.toContain(token.slice(7));
    // Holders of four-eyes roles (the administration, the register) are Wachsam's to keep, not Entra's.
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
      id: string;
      login: string;
    }>;
    const admin = people.find((p) => p.login === 'it@musterstadt.example')!;
    const off = await scim(token, 'PATCH', `/Users/${admin.id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: false }],
    });
    expect(off).toMatchObject({ status: 409, body: { scimType: 'mutability' } });
    expect((await scim(token, 'DELETE', `/Users/${admin.id}`)).status).toBe(409);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    // Malformed values are a 400, never a 500 nor a guess.
    const anna = people.find((p) => p.login === 'anna.schmidt@musterstadt.example')!;
    const maybe = await scim(token, 'PATCH', `/Users/${anna.id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: 'nein' }],
    });
    expect(maybe).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
    const nullMail = await scim(token, 'POST', '/Users', {
      schemas: [userSchema],
      userName: 'null.mail@stadt.example',
      name: { givenName: 'Nu', familyName: 'Ll' },
      emails: [null],
    });
    expect(nullMail.status).toBe(400);
    const one = { schemas: [userSchema], externalId: 'same-external-id', name: { givenName: 'E', familyName: 'X' } };
    expect((await scim(token, 'POST', '/Users', { ...one, userName: 'ext.one@stadt.example' })).status).toBe(201);
    const twice = await scim(token, 'POST', '/Users', { ...one, userName: 'ext.two@stadt.example' });
    expect(twice).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });

    await api(server.url, 'POST', `/api/admin/scim-tokens/${tokenId}/revoke`, { cookie });
    expect((await scim(token, 'GET', '/Users')).status).toBe(401);
  });
});

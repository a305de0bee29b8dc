import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssoErrorParam } from '@wachsam/protocol';
import { directorySources, people } from '../../db/schema.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../../testing.js';
import { startTestProvider, testCertificate, TestBrowser, type TestProvider } from './test-provider.js';

const admin = 'it@musterstadt.example';
const anna = 'anna.schmidt@musterstadt.example';
const pforte = 'pforte@musterstadt.example';

// One Wachsam and one real OpenID provider (oidc-provider over HTTPS, a self-signed certificate
// that only OIDC_CA_FILE makes trusted) per backend. The test that stops the provider runs last.
describe.each(backends)('single sign-on with OpenID Connect on %s', (backend) => {
  let server: TestServer;
  let idp: TestProvider;
  let adminCookie: string;
  const clients: TestRealtime[] = [];

  beforeAll(async () => {
    const pems = await testCertificate();
    const caFile = join(mkdtempSync(join(tmpdir(), 'wachsam-oidc-ca-')), 'ca.pem');
    writeFileSync(caFile, pems.cert);
    server = await startTestServer({ backend, env: { OIDC_CA_FILE: caFile } });
    idp = await startTestProvider(server.url, pems);
    idp.accounts.set('anna', {
      preferred_username: anna.toUpperCase(),
      given_name: 'Anna',
      family_name: 'Schmidt',
      groups: ['wachsam-helfer', 'wachsam-admins', 'unbekannte-gruppe'],
    });
    idp.accounts.set('pforte', { preferred_username: pforte, groups: ['wachsam-pforte'] });
    adminCookie = await server.login(admin);
    await configure({});
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) await c.close();
    await idp?.stop();
    await server?.close();
  });

  const configure = async (overrides: Record<string, unknown>) => {
    const res = await api(server.url, 'PUT', '/api/admin/sso', {
      cookie: adminCookie,
      body: {
        enabled: true,
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        rolesClaim: 'groups',
        roleMapping: {
          'wachsam-helfer': ['helper'],
          'wachsam-admins': ['admin'],
          'wachsam-pforte': ['security_desk'],
        },
        createPeople: false,
        localPasswords: true,
        breakGlassLogin: null,
        ...overrides,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const startUrl = () => `${server.url}/api/auth/sso/musterstadt/start`;

  /** Log in at the provider as `account` and deliver the callback: the browser and where Wachsam sent it. */
  const ssoLogin = async (account: string) => {
    const browser = new TestBrowser(idp.caPem);
    const { callbackUrl } = await browser.loginAtProvider(startUrl(), account);
    const landed = await browser.request(callbackUrl);
    expect(landed.status).toBe(303);
    return { browser, landed, cookie: browser.cookieHeader(server.url), callbackUrl };
  };
  const refusedWith = (location: string | null) => new URL(location!).searchParams.get(ssoErrorParam);
  const auditActions = async () =>
    (await api(server.url, 'GET', '/api/admin/audit?limit=100', { cookie: adminCookie })).body as Array<{
      action: string;
      detail: Record<string, unknown>;
    }>;

  it('logs in by the code flow with PKCE, state and nonce; the session works; roles come from the groups, a four-eyes role only as a request', async () => {
    const browser = new TestBrowser(idp.caPem);
    const first = await browser.request(startUrl());
    expect(first.status).toBe(303);
    const authorize = new URL(first.location!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toBe(browser.cookie(server.url, 'wachsam_sso_state'));
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/api/auth/sso/callback`);

    const { callbackUrl } = await browser.loginAtProvider(first.location!, 'anna');
    const landed = await browser.request(callbackUrl);
    expect(landed.location).toBe(`${server.url}/`);
    const cookie = browser.cookieHeader(server.url);
    expect(browser.cookie(server.url, 'wachsam_sso_state')).toBeUndefined();

    const me = await api(server.url, 'GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body.login).toBe(anna);
    expect(me.body.roles).toEqual(expect.arrayContaining(['employee', 'helper']));
    expect(me.body.roles).not.toContain('admin');

    const requests = await api(server.url, 'GET', '/api/admin/role-requests', { cookie: adminCookie });
    expect(requests.body).toEqual([
      expect.objectContaining({
        personId: me.body.personId,
        role: 'admin',
        requestedByName: 'Anmeldung (Single Sign-on)',
      }),
    ]);
    // A second login asks no second time and grants nothing more.
    const again = await ssoLogin('anna');
    expect(again.landed.location).toBe(`${server.url}/`);
    expect((await api(server.url, 'GET', '/api/admin/role-requests', { cookie: adminCookie })).body).toHaveLength(1);
    expect((await auditActions()).map((a) => a.action)).toContain('login.sso');

    // The secret never comes back; the addresses to register at the provider do.
    const settings = await api(server.url, 'GET', '/api/admin/sso', { cookie: adminCookie });
    expect(JSON.stringify(settings.body)).not.toContain(idp.clientSecret);
    const saved = (await auditActions()).filter((a) => a.action === 'sso.settings_saved');
    expect(saved[0]?.detail).toMatchObject({ secretChanged: true });
    expect(JSON.stringify(saved)).not.toContain(idp.clientSecret);
    expect(settings.body).toMatchObject({ hasClientSecret: true, redirectUri: `${server.url}/api/auth/sso/callback` });
    // Only the administration reads or changes them.
    expect((await api(server.url, 'GET', '/api/admin/sso', { cookie })).status).toBe(403);
  });

  it('refuses a replayed state, a state from another browser and a callback without a started login', async () => {
    const { browser, landed, callbackUrl } = await ssoLogin('anna');
    expect(landed.location).toBe(`${server.url}/`);
    // The same answer of the provider again, with the state cookie put back: the state was used.
    const state = new URL(callbackUrl).searchParams.get('state')!;
    browser.setCookie(server.url, 'wachsam_sso_state', state);
    const replayed = await new TestBrowser(idp.caPem).request(callbackUrl);
    expect(refusedWith(replayed.location)).toBe('sso_state');
    const replayedWithCookie = await browser.request(callbackUrl);
    expect(refusedWith(replayedWithCookie.location)).toBe('sso_state');

    // Started in one browser, delivered in another (login CSRF): refused, and the login is gone.
    const victim = new TestBrowser(idp.caPem);
    const started = await new TestBrowser(idp.caPem).loginAtProvider(startUrl(), 'anna');
    const planted = await victim.request(started.callbackUrl);
    expect(refusedWith(planted.location)).toBe('sso_state');
    expect(victim.cookie(server.url, 'wachsam_session')).toBeUndefined();

    const forged = await victim.request(`${server.url}/api/auth/sso/callback?code=x&state=${randomUUID()}`);
    expect(refusedWith(forged.location)).toBe('sso_state');
    // Refusals of a state nobody knows name no organisation; the planted one is in its audit log.
    expect(await auditActions()).toContainEqual(
      expect.objectContaining({
        action: 'login.sso_refused',
        detail: expect.objectContaining({ code: 'sso_state', reason: 'in einem anderen Browser begonnen' }),
      }),
    );
  });

  it('refuses an ID token for another client and an expired one, signed by the provider itself', async () => {
    try {
      idp.tamper = (p) => ({ ...p, aud: 'ein-anderer-client' });
      const wrongAudience = await ssoLogin('anna');
      expect(refusedWith(wrongAudience.landed.location)).toBe('sso_failed');
      expect(wrongAudience.browser.cookie(server.url, 'wachsam_session')).toBeUndefined();

      const now = Math.floor(Date.now() / 1000);
      idp.tamper = (p) => ({ ...p, iat: now - 7200, exp: now - 3600 });
      const expired = await ssoLogin('anna');
      expect(refusedWith(expired.landed.location)).toBe('sso_failed');
      expect(expired.browser.cookie(server.url, 'wachsam_session')).toBeUndefined();
    } finally {
      idp.tamper = null;
    }
    const reasons = (await auditActions())
      .filter((a) => a.action === 'login.sso_refused' && a.detail.code === 'sso_failed')
      .map((a) => String(a.detail.reason));
    expect(reasons.some((r) => /aud/.test(r))).toBe(true);
    expect(reasons.some((r) => /exp/.test(r))).toBe(true);
    // The untampered token still logs in: the refusals were the token's, not the setup's.
    expect((await ssoLogin('anna')).landed.location).toBe(`${server.url}/`);
  });

  it('refuses a deactivated person', async () => {
    idp.accounts.set('jonas', { preferred_username: 'jonas.becker@musterstadt.example', groups: ['wachsam-helfer'] });
    await server.database.db
      .update(people)
      .set({ deactivatedAt: new Date() })
      .where(eq(people.login, 'jonas.becker@musterstadt.example'));
    const { landed, browser } = await ssoLogin('jonas');
    expect(refusedWith(landed.location)).toBe('sso_deactivated');
    expect(browser.cookie(server.url, 'wachsam_session')).toBeUndefined();
  });

  it('does not move a person to another account of the provider by the user name alone, and trusts an e-mail only when verified', async () => {
    // Lea was linked to her Entra account at her first login (previous test) or is unknown; a
    // second account with a new object id and her user name is someone else.
    idp.accounts.set('linked', {
      preferred_username: 'stefan.neumann@musterstadt.example',
      oid: '6f1c2b4e-0000-4000-8000-0000000000aa',
      groups: [],
    });
    const first = await ssoLogin('linked');
    expect(first.landed.location).toBe(`${server.url}/`);
    idp.accounts.set('reused', {
      preferred_username: 'stefan.neumann@musterstadt.example',
      oid: '6f1c2b4e-0000-4000-8000-0000000000bb',
      groups: [],
    });
    const reused = await ssoLogin('reused');
    expect(refusedWith(reused.landed.location)).toBe('sso_unknown_person');
    expect(reused.browser.cookie(server.url, 'wachsam_session')).toBeUndefined();
    // An address the provider does not vouch for (Entra and ADFS send no `email_verified`) names nobody.
    idp.accounts.set('mail', {
      preferred_username: 'unbekannt@extern.example',
      email: 'anna.schmidt@musterstadt.example',
      email_verified: undefined,
      groups: [],
    });
    expect(refusedWith((await ssoLogin('mail')).landed.location)).toBe('sso_unknown_person');
  });

  it('creates a person at the first login only when allowed, never while a directory sync owns the people', async () => {
    idp.accounts.set('neu', {
      preferred_username: 'lea.neumann@musterstadt.example',
      given_name: 'Lea',
      family_name: 'Neumann',
      email: 'lea.neumann@musterstadt.example',
      oid: '6f1c2b4e-0000-4000-8000-000000000001',
      groups: ['wachsam-helfer'],
    });
    const unknown = await ssoLogin('neu');
    expect(refusedWith(unknown.landed.location)).toBe('sso_unknown_person');

    await configure({ createPeople: true });
    const created = await ssoLogin('neu');
    expect(created.landed.location).toBe(`${server.url}/`);
    const me = await api(server.url, 'GET', '/api/auth/me', { cookie: created.cookie });
    expect(me.body).toMatchObject({ login: 'lea.neumann@musterstadt.example', firstName: 'Lea', lastName: 'Neumann' });
    expect(me.body.roles).toEqual(expect.arrayContaining(['employee', 'helper']));
    const [row] = await server.database.db.select().from(people).where(eq(people.id, me.body.personId));
    expect(row).toMatchObject({ externalId: '6f1c2b4e-0000-4000-8000-000000000001', passwordHash: null });

    // With an LDAP source, the directory decides who exists.
    const [org] = await server.database.db.select({ orgId: people.orgId }).from(people).where(eq(people.login, admin));
    await server.database.db.insert(directorySources).values({ orgId: org!.orgId, name: 'AD', settings: {} });
    idp.accounts.set('neu2', { preferred_username: 'tom.neu@musterstadt.example', groups: [] });
    const blocked = await ssoLogin('neu2');
    expect(refusedWith(blocked.landed.location)).toBe('sso_unknown_person');
    expect((await api(server.url, 'GET', '/api/admin/sso', { cookie: adminCookie })).body.directoryManaged).toBe(true);
    await server.database.db.delete(directorySources).where(eq(directorySources.orgId, org!.orgId));
    await configure({ createPeople: false });
  });

  it('sends the stored client secret only to the provider it was entered for', async () => {
    const moved = await api(server.url, 'PUT', '/api/admin/sso', {
      cookie: adminCookie,
      body: { enabled: true, issuer: 'https://angreifer.example/', clientId: idp.clientId },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toContain('Client-Geheimnis neu eingeben');
    const same = await api(server.url, 'PUT', '/api/admin/sso', {
      cookie: adminCookie,
      body: { enabled: true, issuer: idp.issuer, clientId: idp.clientId, rolesClaim: 'groups' },
    });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    await configure({});
  });

  it('switches local passwords off except for the break-glass administrator', async () => {
    const notAdmin = await api(server.url, 'PUT', '/api/admin/sso', {
      cookie: adminCookie,
      body: {
        enabled: true,
        issuer: idp.issuer,
        clientId: idp.clientId,
        localPasswords: false,
        breakGlassLogin: pforte,
      },
    });
    expect(notAdmin.status).toBe(400);
    expect(notAdmin.body.error.issues).toEqual([expect.objectContaining({ path: 'body.breakGlassLogin' })]);
    const missing = await api(server.url, 'PUT', '/api/admin/sso', {
      cookie: adminCookie,
      body: { enabled: true, issuer: idp.issuer, clientId: idp.clientId, localPasswords: false },
    });
    expect(missing.status).toBe(400);

    // Left out, the stored secret stays (write-only).
    await configure({ localPasswords: false, breakGlassLogin: admin, clientSecret: undefined });
    const refused = await api(server.url, 'POST', '/api/auth/login', {
      body: { login: pforte, password: server.demoPassword },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('Mit Dienstkonto anmelden (Single Sign-on)');
    const options = await api(server.url, 'GET', '/api/auth/sso?org=musterstadt');
    expect(options.body).toEqual([{ slug: 'musterstadt', name: expect.any(String), localPasswords: false }]);
    // The break-glass login still works with its password, and single sign-on for everyone.
    expect(
      (await api(server.url, 'POST', '/api/auth/login', { body: { login: admin, password: server.demoPassword } }))
        .status,
    ).toBe(200);
    expect((await ssoLogin('pforte')).landed.location).toBe(`${server.url}/`);
    await configure({});
    expect(
      (await api(server.url, 'POST', '/api/auth/login', { body: { login: pforte, password: server.demoPassword } }))
        .status,
    ).toBe(200);
  });

  it('logs out of Wachsam and, with RP-initiated logout, of the provider', async () => {
    const { cookie, browser } = await ssoLogin('anna');
    const out = await api(server.url, 'POST', '/api/auth/sso/logout', { cookie });
    expect(out.status).toBe(200);
    const end = new URL(out.body.redirectTo);
    expect(end.origin).toBe(idp.issuer);
    expect(end.searchParams.get('client_id')).toBe(idp.clientId);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${server.url}/`);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie })).status).toBe(401);

    // At the provider: confirm, and back to Wachsam's start page.
    const back = await browser.follow(end.href);
    expect(back.url).toBe(`${server.url}/`);
    // The provider's session ended too: the next login asks for the account again.
    expect((await browser.loginAtProvider(startUrl(), 'anna')).sawLoginForm).toBe(true);

    // A password session is no single sign-on: nothing to end at the provider, also in a browser
    // that still holds the mark of an earlier single sign-on.
    const again = await ssoLogin('anna');
    const mark = again.browser.cookie(server.url, 'wachsam_sso');
    expect(mark).toBeTruthy();
    const local = await server.login(admin);
    const out2 = await api(server.url, 'POST', '/api/auth/sso/logout', { cookie: `${local}; wachsam_sso=${mark}` });
    expect(out2.body).toEqual({ redirectTo: null });
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: local })).status).toBe(401);
  });

  it('checks the provider and runs a test login for the administration that logs nobody in and changes nothing', async () => {
    const check = await api(server.url, 'POST', '/api/admin/sso/check', { cookie: adminCookie });
    expect(check.body).toMatchObject({ ok: true, pkceS256: true, endSession: true });

    await configure({ createPeople: true });
    idp.accounts.set('probe', { preferred_username: 'probe.person@musterstadt.example', groups: ['wachsam-admins'] });
    // Only an administrator of the organisation starts a test login.
    expect((await new TestBrowser(idp.caPem).request(`${startUrl()}?test=1`)).status).toBe(401);

    const adminBrowser = new TestBrowser(idp.caPem);
    const adminSession = /wachsam_session=([^;]+)/.exec(adminCookie)![1]!;
    adminBrowser.setCookie(server.url, 'wachsam_session', adminSession);
    const { callbackUrl, sawLoginForm } = await adminBrowser.loginAtProvider(`${startUrl()}?test=1`, 'probe');
    expect(sawLoginForm).toBe(true);
    const landed = await adminBrowser.request(callbackUrl);
    expect(landed.location).toBe(`${server.url}/admin/sso?test=done`);
    // The administrator's own session is untouched; nobody was created, nothing requested.
    expect(adminBrowser.cookie(server.url, 'wachsam_session')).toBe(adminSession);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: adminCookie })).body.login).toBe(admin);
    const probe = await server.database.db
      .select()
      .from(people)
      .where(eq(people.login, 'probe.person@musterstadt.example'));
    expect(probe).toEqual([]);
    const requests = await api(server.url, 'GET', '/api/admin/role-requests', { cookie: adminCookie });
    expect(requests.body).toHaveLength(1); // Anna's from the first test, nothing new
    const settings = (await api(server.url, 'GET', '/api/admin/sso', { cookie: adminCookie })).body;
    expect(settings.lastTest).toMatchObject({
      ok: true,
      claims: { preferred_username: 'probe.person@musterstadt.example', groups: ['wachsam-admins'] },
    });
    expect(settings.lastTest.message).toContain('Würde angelegt');
    expect(settings.lastTest.message).toContain('Zur Freigabe (Vier-Augen): Administration');
    await configure({ createPeople: false });
  });

  // Last: the provider is stopped for good.
  it('keeps raising and receiving alarms with the provider down: enrolled devices and open sessions do not ask it', async () => {
    const receiver = await ssoLogin('pforte');
    const token = await api(server.url, 'POST', '/api/admin/enrolment-tokens', {
      cookie: adminCookie,
      body: { name: 'SSO-Test', validDays: 1 },
    });
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: adminCookie })).body as Array<{
      id: string;
    }>;
    await api(server.url, 'POST', '/api/admin/host-mappings', {
      cookie: adminCookie,
      body: { hostname: 'PC-SSO-1', roomId: rooms[0]!.id },
    });
    const pc = await api(server.url, 'POST', '/api/devices/enrol', {
      body: { orgToken: token.body.secret, hostname: 'PC-SSO-1' },
    });
    expect(pc.status).toBe(201);

    await idp.stop();
    const check = await api(server.url, 'POST', '/api/admin/sso/check', { cookie: adminCookie });
    expect(check.body.ok).toBe(false);

    const watcher = await TestRealtime.connect(server.url, { cookie: receiver.cookie });
    clients.push(watcher);
    const raised = await api(server.url, 'POST', '/api/alarms', {
      token: pc.body.token,
      body: { source: 'hotkey' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    await watcher.alarmEvent('alarm.raised', raised.body.alarm.id, 30_000);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: receiver.cookie })).body.login).toBe(pforte);

    // A person with an open session raises too (the console's button).
    const fromSession = await api(server.url, 'POST', '/api/alarms', {
      cookie: receiver.cookie,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(fromSession.status).toBe(201);
    await watcher.alarmEvent('alarm.raised', fromSession.body.alarm.id, 30_000);
    // The break-glass way still opens: a password login needs no provider.
    expect(
      (await api(server.url, 'POST', '/api/auth/login', { body: { login: admin, password: server.demoPassword } }))
        .status,
    ).toBe(200);
  });
});

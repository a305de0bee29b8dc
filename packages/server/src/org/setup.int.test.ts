import { afterEach, describe, expect, it } from 'vitest';
import { main as wachsamCli } from '../cli.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const setupBody = (token: string, slug = 'stadt-beispiel') => ({
  token,
  organisation: { name: 'Stadt Beispiel', slug },
  admin: { firstName: 'Erika', lastName: 'Muster', login: `it@${slug}.example`, password: 'erste-admin-123' },
  dataProtection: {
    firstName: 'Dora',
    lastName: 'Datenschutz',
    login: `datenschutz@${slug}.example`,
    password: 'dsb-passwort-123',
  },
});

describe.each(backends)('first-run setup, on %s', (backend) => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('the web setup needs the code printed at start, creates the organisation and its first admin without demo data, and is gone afterwards', async () => {
    server = await startTestServer({ backend, demo: false });
    const code = await server.wachsam.openSetup();
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await api(server.url, 'GET', '/api/setup')).body).toEqual({ needed: true });

    // Somebody else on the network without the code: refused, nothing created.
    const guess = await api(server.url, 'POST', '/api/setup', { body: setupBody('a-guessed-code') });
    expect(guess.status).toBe(403);
    expect(guess.body.error.message).toMatch(/Einrichtungscode ist falsch/);
    expect((await api(server.url, 'GET', '/api/setup')).body).toEqual({ needed: true });

    const done = await api(server.url, 'POST', '/api/setup', { body: setupBody(code!) });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      organisation: { name: 'Stadt Beispiel', slug: 'stadt-beispiel' },
      adminLogin: 'it@stadt-beispiel.example',
      dataProtectionLogin: 'datenschutz@stadt-beispiel.example',
    });

    const admin = await server.login('it@stadt-beispiel.example', 'erste-admin-123');
    const me = (await api(server.url, 'GET', '/api/auth/me', { cookie: admin })).body;
    expect(me).toMatchObject({
      firstName: 'Erika',
      roles: ['employee', 'admin'],
      organisation: { slug: 'stadt-beispiel' },
    });
    const dpo = await server.login('datenschutz@stadt-beispiel.example', 'dsb-passwort-123');
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: dpo })).body.roles).toEqual([
      'employee',
      'data_protection',
    ]);
    // No demo data: two people, the default plan, nothing else.
    const list = async (path: string) => (await api(server.url, 'GET', `/api/admin/${path}`, { cookie: admin })).body;
    expect((await list('people')).map((p: { lastName: string }) => p.lastName).sort()).toEqual([
      'Datenschutz',
      'Muster',
    ]);
    for (const empty of ['buildings', 'floors', 'rooms', 'departments', 'groups', 'devices'])
      expect(await list(empty)).toEqual([]);
    expect((await list('plans')).map((p: { name: string }) => p.name)).toEqual(['Standard-Alarmplan']);
    expect(
      (
        await api(server.url, 'POST', '/api/auth/login', {
          body: { login: 'it@musterstadt.example', password: 'demo1234demo' },
        })
      ).status,
    ).toBe(401);
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: admin })).body;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['organisation.created', 'person.created']),
    );
    expect(audit.find((e: { action: string }) => e.action === 'organisation.created').actor).toMatch(
      /^Ersteinrichtung \(Web-Formular, /,
    );

    // The code is void and the form is gone: the API refuses, whatever the code.
    expect((await api(server.url, 'GET', '/api/setup')).body).toEqual({ needed: false });
    const again = await api(server.url, 'POST', '/api/setup', { body: setupBody(code!, 'zweite-stadt') });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/bereits eingerichtet/);
  });

  it('two setups at once: one wins, the other is refused and creates nothing', async () => {
    server = await startTestServer({ backend, demo: false });
    const code = (await server.wachsam.openSetup())!;
    const results = await Promise.all([
      api(server.url, 'POST', '/api/setup', { body: setupBody(code, 'erste') }),
      api(server.url, 'POST', '/api/setup', { body: setupBody(code, 'zweite') }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!.body.organisation.slug;
    const loser = winner === 'erste' ? 'zweite' : 'erste';
    await server.login(`it@${winner}.example`, 'erste-admin-123');
    expect(
      (
        await api(server.url, 'POST', '/api/auth/login', {
          body: { login: `it@${loser}.example`, password: 'erste-admin-123' },
        })
      ).status,
    ).toBe(401);
  });

  it('a database with an organisation opens no setup: the form and its API refuse', async () => {
    server = await startTestServer({ backend });
    expect(await server.wachsam.openSetup()).toBeNull();
    expect((await api(server.url, 'GET', '/api/setup')).body).toEqual({ needed: false });
    expect((await api(server.url, 'POST', '/api/setup', { body: setupBody('irgendein-code') })).status).toBe(409);
  });

  it('wachsam setup refuses once an organisation exists, and a web setup after the CLI is refused too', async () => {
    server = await startTestServer({ backend, demo: false });
    const code = (await server.wachsam.openSetup())!;
    // The CLI on the same database (PostgreSQL: the server may run meanwhile; PGlite: in-process
    // here, through the same handle, since the folder is locked to this process).
    const out: string[] = [];
    const env = {
      ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
      WACHSAM_ORG_NAME: 'Gemeinde Kommandozeile',
      WACHSAM_ADMIN_FIRST_NAME: 'Karl',
      WACHSAM_ADMIN_LAST_NAME: 'Konsole',
      WACHSAM_ADMIN_LOGIN: 'it@gemeinde-kommandozeile.example',
      WACHSAM_ADMIN_PASSWORD: 'konsole-geheim-1',
    };
    if (backend === 'postgres') {
      expect(await wachsamCli(['setup'], env, (l) => out.push(l))).toBe(0);
      expect(out.join('\n')).toContain('Organisation „Gemeinde Kommandozeile“ (gemeinde-kommandozeile) angelegt.');
      expect(out.join('\n')).not.toContain('konsole-geheim-1');
      await server.login('it@gemeinde-kommandozeile.example', 'konsole-geheim-1');
      const web = await api(server.url, 'POST', '/api/setup', { body: setupBody(code) });
      expect(web.status).toBe(409);
      expect((await api(server.url, 'GET', '/api/setup')).body).toEqual({ needed: false });
      const second: string[] = [];
      expect(await wachsamCli(['setup'], env, (l) => second.push(l))).toBe(1);
      expect(second.join('\n')).toContain('bereits eingerichtet');
    } else {
      // PGlite: a second process on the folder is refused, naming it (the folder lock).
      const locked: string[] = [];
      expect(await wachsamCli(['setup'], { ...env, DATA_DIR: `${server.dataDir}/db` }, (l) => locked.push(l))).toBe(3);
      expect(locked.join('\n')).toContain('wird schon benutzt');
    }
  });
});

import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { sessions } from '../db/schema.js';
import { api, startTestServer, type TestServer } from '../testing.js';

describe('security of pages and sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demo: false });
  });
  afterAll(() => server?.close());

  it.each(['/', '/api/health', '/api/alarms', '/nowhere'])('%s carries CSP and friends', async (path) => {
    const res = await fetch(`${server.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sets the session cookie httpOnly and SameSite=Strict', async () => {
    const s = await startTestServer();
    try {
      const res = await fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'pforte@musterstadt.example', password: s.demoPassword }),
      });
      const cookie = res.headers.getSetCookie()[0] ?? '';
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
    } finally {
      await s.close();
    }
  });

  it('refuses an expired session and removes it at the next login', async () => {
    const clock = new FakeClock();
    const s = await startTestServer({ clock });
    try {
      const old = await s.login('pforte@musterstadt.example');
      clock.advance(13 * 3600_000);
      expect((await api(s.url, 'GET', '/api/auth/me', { cookie: old })).status).toBe(401);
      await s.login('it@musterstadt.example');
      expect(await s.database.db.select().from(sessions)).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('upgrades to https and sends HSTS only where the browser is on https', async () => {
    const secureHeaders = (res: { headers: Headers }) => ({
      hsts: res.headers.get('strict-transport-security') !== null,
      upgrade: (res.headers.get('content-security-policy') ?? '').includes('upgrade-insecure-requests'),
    });
    const none = { hsts: false, upgrade: false };
    const both = { hsts: true, upgrade: true };
    expect(secureHeaders(await fetch(`${server.url}/`))).toEqual(none);
    // Without TRUST_PROXY, anyone can send X-Forwarded-Proto: it says nothing.
    expect(secureHeaders(await fetch(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } }))).toEqual(none);

    const s = await startTestServer({
      demo: false,
      env: { PUBLIC_URL: 'https://wachsam.musterstadt.example', TRUST_PROXY: '127.0.0.1' },
    });
    try {
      // The server's own address over plain http, with an https PUBLIC_URL: no HSTS, no upgrade.
      expect(secureHeaders(await fetch(`${s.url}/`))).toEqual(none);
      expect(secureHeaders(await fetch(`${s.url}/api/health`))).toEqual(none);
      // Through the TLS proxy: the proxy says https, or the request names the https public host.
      expect(secureHeaders(await fetch(`${s.url}/`, { headers: { 'x-forwarded-proto': 'https' } }))).toEqual(both);
      // (fetch always sends the address's own Host; node:http sends the one given.)
      const named = await new Promise<Headers>((resolve, reject) =>
        request(`${s.url}/`, { headers: { host: 'wachsam.musterstadt.example' } }, (res) => {
          res.resume();
          resolve(new Headers(res.headers as Record<string, string>));
        })
          .on('error', reject)
          .end(),
      );
      expect(secureHeaders({ headers: named })).toEqual(both);
    } finally {
      await s.close();
    }
  });

  it('sets and clears the session cookie with the same attributes, Secure when on https', async () => {
    const s = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } });
    const attributes = (header: string) =>
      header
        .split(';')
        .slice(1)
        .map((a) => a.trim().split('=')[0]!.toLowerCase())
        .filter((a) => a !== 'expires' && a !== 'max-age')
        .sort();
    const cycle = async (headers: Record<string, string>) => {
      const login = await fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ login: 'pforte@musterstadt.example', password: s.demoPassword }),
      });
      const set = login.headers.getSetCookie()[0] ?? '';
      const cookie = set.split(';')[0]!;
      const logout = await fetch(`${s.url}/api/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
      });
      expect(logout.status).toBe(204);
      const cleared = logout.headers.getSetCookie()[0] ?? '';
      expect(cleared).toMatch(/^wachsam_session=;/);
      expect(set).toMatch(/SameSite=Strict/);
      expect(cleared).toMatch(/SameSite=Strict/);
      return { set: attributes(set), cleared: attributes(cleared) };
    };
    try {
      const plain = await cycle({});
      expect(plain.set).toEqual(['httponly', 'path', 'samesite']);
      expect(plain.cleared).toEqual(plain.set);
      const secure = await cycle({ 'x-forwarded-proto': 'https' });
      expect(secure.set).toEqual(['httponly', 'path', 'samesite', 'secure']);
      expect(secure.cleared).toEqual(secure.set);
    } finally {
      await s.close();
    }
  });

  it('answers every /api request with Cache-Control: no-store, and leaves hashed assets cacheable', async () => {
    const web = mkdtempSync(join(tmpdir(), 'wachsam-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Wachsam</title>');
    writeFileSync(join(web, 'assets', 'main-3f9a1c.js'), 'console.log(1)');
    const s = await startTestServer({ env: { WEB_DIST: web } });
    try {
      const cookie = await s.login('pforte@musterstadt.example');
      for (const [method, path, opts] of [
        ['GET', '/api/health', {}],
        ['GET', '/api/alarms', { cookie }],
        ['GET', '/api/auth/me', {}],
        ['GET', '/api/nowhere', {}],
        ['POST', '/api/alarms', { cookie, body: { source: 'bogus' } }],
        ['POST', '/api/auth/login', { body: { login: 'x@y.example', password: 'falsch-falsch' } }],
      ] as const) {
        const res = await fetch(`${s.url}${path}`, {
          method,
          headers: {
            ...('cookie' in opts ? { cookie: opts.cookie } : {}),
            ...('body' in opts ? { 'content-type': 'application/json' } : {}),
          },
          body: 'body' in opts ? JSON.stringify(opts.body) : undefined,
        });
        expect({ path, status: res.status, cache: res.headers.get('cache-control') }).toMatchObject({
          path,
          cache: 'no-store',
        });
      }
      const asset = await fetch(`${s.url}/assets/main-3f9a1c.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control') ?? '').not.toContain('no-store');
    } finally {
      await s.close();
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('limits guesses per account and per address, never locking out another account', async () => {
    const s = await startTestServer({
      env: { LOGIN_ATTEMPTS_PER_MINUTE: '5', LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '12', TRUST_PROXY: 'true' },
    });
    const attempt = (login: string, password: string, from = '10.0.0.1') =>
      fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ login, password }),
      }).then((r) => r.status);
    try {
      for (let i = 0; i < 5; i++) expect(await attempt('anna.schmidt@musterstadt.example', 'falsch-falsch')).toBe(401);
      // Anna's account is throttled, from any address, even with the right password …
      expect(await attempt('anna.schmidt@musterstadt.example', s.demoPassword, '10.0.0.9')).toBe(429);
      // … but a colleague behind the same address logs in.
      expect(await attempt('jonas.becker@musterstadt.example', s.demoPassword)).toBe(200);
      // One address has a budget for all accounts together (12 here); the next address is not affected.
      for (let i = 0; i < 6; i++) expect(await attempt(`niemand${i}@musterstadt.example`, 'falsch-falsch')).toBe(401);
      expect(await attempt('pforte@musterstadt.example', s.demoPassword)).toBe(429);
      expect(await attempt('pforte@musterstadt.example', s.demoPassword, '10.0.0.2')).toBe(200);
    } finally {
      await s.close();
    }
  });
});

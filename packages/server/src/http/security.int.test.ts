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

  it('upgrades to https and sends HSTS only when PUBLIC_URL is https', async () => {
    const plain = await fetch(`${server.url}/`);
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const s = await startTestServer({ demo: false, env: { PUBLIC_URL: 'https://wachsam.musterstadt.example' } });
    try {
      const secure = await fetch(`${s.url}/`);
      expect(secure.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expect(secure.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await s.close();
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

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
});

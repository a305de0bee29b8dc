import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@wachsam/protocol';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

describe.each(backends)('own password, on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const connect = async (cookie: string) => {
    const c = await TestRealtime.connect(server.url, { cookie });
    clients.push(c);
    return c;
  };
  const change = (cookie: string, currentPassword: string, newPassword: string) =>
    api(server.url, 'POST', '/api/auth/password', { cookie, body: { currentPassword, newPassword } });

  it('a password change ends every other session of the person and its sockets; the current one stays', async () => {
    server = await startTestServer({ backend });
    const here = await server.login(login('jonas.becker'));
    const phone = await server.login(login('jonas.becker'));
    const hereWs = await connect(here);
    const phoneWs = await connect(phone);
    const colleague = await server.login(login('anna.schmidt'));
    const colleagueWs = await connect(colleague);

    expect((await change(here, server.demoPassword, 'mein-neues-passwort-1')).status).toBe(204);
    const closing = (await phoneWs.next((f) => f.kind === 'closing', 15_000)) as Extract<
      ServerFrame,
      { kind: 'closing' }
    >;
    expect(closing.reason).toBe('password_changed');
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: phone })).status).toBe(401);
    // The session that changed it goes on, with its socket; other people are untouched.
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: here })).status).toBe(200);
    expect(hereWs.frames.some((f) => f.kind === 'closing')).toBe(false);
    expect(hereWs.ws.readyState).toBe(hereWs.ws.OPEN);
    expect(colleagueWs.ws.readyState).toBe(colleagueWs.ws.OPEN);

    // The old password is gone, the new one works.
    const old = await api(server.url, 'POST', '/api/auth/login', {
      body: { login: login('jonas.becker'), password: server.demoPassword },
    });
    expect(old.status).toBe(401);
    await server.login(login('jonas.becker'), 'mein-neues-passwort-1');
    const admin = await server.login(login('it'));
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: admin })).body;
    expect(audit.find((e: { action: string }) => e.action === 'password.changed')).toMatchObject({
      actor: `Jonas Becker (${login('jonas.becker')})`,
    });
  });

  it('needs the current password and keeps to the strength rule', async () => {
    server = await startTestServer({ backend });
    const anna = await server.login(login('anna.schmidt'));
    const other = await server.login(login('anna.schmidt'));
    const wrong = await change(anna, 'falsch-geraten-1', 'neues-passwort-123');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'validation_failed', message: 'Das bisherige Passwort ist falsch' });
    const short = await change(anna, server.demoPassword, 'kurz');
    expect(short.status).toBe(400);
    expect(short.body.error.issues[0]).toMatchObject({ path: 'body.newPassword', message: 'mindestens 10 Zeichen' });
    const same = await change(anna, server.demoPassword, server.demoPassword);
    expect(same.status).toBe(400);
    // Nothing changed: every session still works with the old password.
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: other })).status).toBe(200);
    await server.login(login('anna.schmidt'));
  });

  it('on a production installation the published demo password logs nobody in', async () => {
    server = await startTestServer({ backend, env: { PUBLIC_URL: 'https://wachsam.musterstadt.example' } });
    const res = await api(server.url, 'POST', '/api/auth/login', {
      body: { login: login('it'), password: server.demoPassword },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/veröffentlicht \(Demo\)/);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyRoute, routes, smsGatewaySecretHeader, type RouteDef } from '@wachsam/protocol';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import { crossOrgCases, misanswered, orgRows, strangerCases } from './authz-ids.js';
import { buildOrg, people, type Org } from './world.js';

/** Every route of the protocol's table, so a new route is covered the day it is added. */
const allRoutes = everyRoute;

// Every path parameter is an id; a fresh one names nothing that exists.
const pathOf = (def: RouteDef) => def.url.replace(/:\w+/g, () => randomUUID());
const headers = { 'idempotency-key': 'authz-test-key-1' };
/** The SMS gateway's credential is its shared secret; sessions and device tokens are none. */
const gatewaySecret = 'authz-test-gateway-secret';
const gatewayHeaders = { ...headers, [smsGatewaySecretHeader]: gatewaySecret };

describe.each(backends)('authorisation and bad input on %s', (backend) => {
  let server: TestServer;
  let cookies = new Map<string, string>();
  let token = '';
  let revokedToken = '';
  /** The organisation under test, and another one on the same installation whose ids it must not reach. */
  let a: Org;
  let b: Org;
  let bRowsBefore: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ backend, env: { SMS_INBOUND_SECRET: gatewaySecret } });
    a = await buildOrg(server);
    b = await buildOrg(server, 'nachbarstadt', []);
    cookies = a.cookies;
    token = a.deviceToken;
    const admin = cookies.get('it')!;
    const devices = (await api(server.url, 'GET', '/api/admin/devices', { cookie: admin })).body;
    const code = (
      await api(server.url, 'POST', `/api/admin/devices/${devices[1].id}/enrolment-code`, { cookie: admin })
    ).body.code;
    revokedToken = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token as string;
    await api(server.url, 'POST', `/api/admin/devices/${devices[1].id}/revoke`, { cookie: admin });
    bRowsBefore = await orgRows(server, b);
  });
  afterAll(() => server?.close());

  it.each(allRoutes.filter(([, d]) => d.auth.kind !== 'public'))(
    '%s refuses the unauthenticated and wrong credentials',
    async (_n, def) => {
      const anon = await api(server.url, def.method, pathOf(def), { headers });
      expect(anon.status).toBe(401);
      expect(anon.body.error.code).toBe('unauthenticated');
      // A gateway route does not look at bearer tokens: without its secret the caller is unknown.
      const gateway = def.auth.kind === 'gateway';
      const bad = await api(server.url, def.method, pathOf(def), { token: 'not-a-token', headers });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe(gateway ? 'unauthenticated' : 'invalid_token');
      const revoked = await api(server.url, def.method, pathOf(def), { token: revokedToken, headers });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe(gateway ? 'unauthenticated' : 'token_revoked');
    },
  );

  it.each(allRoutes.filter(([, d]) => d.auth.kind !== 'public'))(
    '%s lets exactly the right roles and devices in',
    async (_n, def) => {
      if (def.auth.kind === 'gateway') {
        // Nobody but the gateway: people and devices are unknown to this route.
        for (const [name] of people) {
          const res = await api(server.url, def.method, pathOf(def), { cookie: cookies.get(name), headers });
          expect({ who: name, status: res.status, code: res.body?.error?.code }).toEqual({
            who: name,
            status: 401,
            code: 'unauthenticated',
          });
        }
        expect((await api(server.url, def.method, pathOf(def), { token, headers })).status).toBe(401);
        const gw = await api(server.url, def.method, pathOf(def), { headers: gatewayHeaders });
        expect([401, 403]).not.toContain(gw.status);
        expect(gw.status).toBeLessThan(500);
        return;
      }
      for (const [name, roles] of people) {
        // Logging out ends the session: use a fresh one so the other tests keep theirs.
        const endsSession = def === routes.logout || def === routes.ssoLogout;
        const cookie = endsSession ? await server.login(`${name}@musterstadt.example`) : cookies.get(name);
        const res = await api(server.url, def.method, pathOf(def), { cookie, headers });
        const allowed =
          def.auth.kind === 'sender' || (def.auth.kind === 'session' && def.auth.roles.some((r) => roles.includes(r)));
        if (allowed) expect([401, 403], `${name} must be let in`).not.toContain(res.status);
        else
          expect({ who: name, status: res.status, code: res.body?.error?.code }).toEqual({
            who: name,
            status: 403,
            code: 'forbidden',
          });
        expect(res.status).toBeLessThan(500);
      }
      const dev = await api(server.url, def.method, pathOf(def), { token, headers });
      if (def.auth.kind === 'session') expect(dev.status).toBe(403);
      else expect([401, 403]).not.toContain(dev.status);
    },
  );

  it.each(allRoutes.filter(([, d]) => d.body))(
    '%s answers bad bodies with a 4xx code and keeps serving',
    async (_n, def) => {
      // Someone the route lets in, so the body is what gets checked.
      const rule = def.auth;
      const allowed =
        rule.kind === 'session' ? people.find(([, roles]) => roles.some((r) => rule.roles.includes(r))) : null;
      const cookie = cookies.get(allowed?.[0] ?? 'it');
      const auth = def.auth.kind === 'device' ? { token } : def.auth.kind === 'gateway' ? {} : { cookie };
      const send = (body: string, extra: Record<string, string> = {}) =>
        fetch(`${server.url}${pathOf(def)}`, {
          method: def.method,
          headers: {
            'content-type': 'application/json',
            ...(def.auth.kind === 'gateway' ? gatewayHeaders : headers),
            ...extra,
            ...(auth.cookie ? { cookie: auth.cookie } : auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
          },
          body,
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error: { code: string; message: string } },
        }));

      const cases: Array<[string, Record<string, string>, number, string]> = [
        ['{"broken', {}, 400, 'malformed_json'],
        ['[1,2,3]', {}, 400, 'validation_failed'],
        ['{"unknownField":true,"alsoUnknown":1}', {}, 400, 'validation_failed'],
        ['"just a string"', {}, 400, 'validation_failed'],
        // Past the route's limit (64 KiB, or what the route declares, e.g. the CSV import's).
        [JSON.stringify({ pad: 'x'.repeat((def.bodyLimit ?? 64 * 1024) + 6 * 1024) }), {}, 413, 'body_too_large'],
        ['a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
      ];
      for (const [body, extra, status, code] of cases) {
        const res = await send(body, extra);
        expect({ body: body.slice(0, 30), status: res.status, code: res.body.error?.code }).toEqual({
          body: body.slice(0, 30),
          status,
          code,
        });
        expect(typeof res.body.error.message).toBe('string');
        expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
      }
      expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
    },
  );

  /** One test per route that takes an id; the cases of a route run together. */
  const withIds = allRoutes.filter(([, d]) => /:\w+/.test(d.url) || d.body || d.querystring);

  it.each(withIds)('%s: ids of another organisation answer 404/403 and reveal nothing', async (_n, def) => {
    const wrong: string[] = [];
    for (const c of crossOrgCases(def, a, b, gatewaySecret)) {
      const problem = await misanswered(server, c);
      if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  it.each(withIds)(
    "%s: a record of the same organisation out of the caller's reach answers 404/403",
    async (_n, def) => {
      const wrong: string[] = [];
      for (const c of strangerCases(def, a, gatewaySecret)) {
        const problem = await misanswered(server, c);
        if (problem) wrong.push(problem);
      }
      expect(wrong).toEqual([]);
    },
  );

  it("realtime frames naming another organisation's alarm change nothing and are not answered", async () => {
    const receiver = await TestRealtime.connect(server.url, { cookie: cookies.get('jonas.becker') });
    const device = await TestRealtime.connect(server.url, { token: a.deviceToken });
    try {
      for (const ws of [receiver, device]) {
        for (const alarmId of [b.ids.alarm, b.resolvedAlarm]) ws.send({ kind: 'receipt', alarmId });
        ws.send({ kind: 'ping', at: 7 });
        await ws.next((f) => f.kind === 'pong' && f.at === 7);
      }
      // The receipts were handled before the pong; they are written in batches: write them now.
      await server.wachsam.presence.flushReceiptsNow();
      await server.wachsam.tick();
      for (const ws of [receiver, device]) {
        const seen = JSON.stringify(ws.frames);
        expect(seen).not.toContain(b.ids.alarm);
        expect(ws.frames.filter((f) => f.kind === 'error')).toEqual([]);
      }
    } finally {
      await Promise.all([receiver.close(), device.close()]);
    }
  });

  it('changed nothing of the other organisation (every row of it, every table)', async () => {
    expect(await orgRows(server, b)).toEqual(bRowsBefore);
  });

  it('rejects wrong types field by field, in German', async () => {
    const res = await api(server.url, 'POST', '/api/admin/floors', {
      cookie: cookies.get('it'),
      body: { buildingId: 'nope', name: '', level: 'one' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.buildingId',
      'body.level',
      'body.name',
    ]);
  });

  it('a raise without Idempotency-Key is refused, not guessed', async () => {
    const res = await api(server.url, 'POST', '/api/alarms', {
      cookie: cookies.get('anna.schmidt'),
      body: { source: 'console' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('headers.idempotency-key');
  });

  it('throttles password guessing', async () => {
    const limited = await startTestServer({ backend: 'pglite', env: { LOGIN_ATTEMPTS_PER_MINUTE: '3' }, demo: false });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await api(limited.url, 'POST', '/api/auth/login', { body: { login: 'x@y.z', password: 'guess' } })).status,
        );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

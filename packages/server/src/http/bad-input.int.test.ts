import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { z } from 'zod';
import { errorCodes, everyRoute, isSafeText, routes, type RouteDef, type ServerFrame } from '@wachsam/protocol';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import { example, exampleFor, leaves, spoilers, withField } from './schema-walk.js';
import { authHeaders, buildOrg, idFor, pathWith, type Org } from './world.js';

/**
 * Every operation of the protocol's route table gets every kind of bad input in every field of
 * its body, every query parameter and every path parameter, one at a time with the rest valid
 * (real ids of the organisation, a caller the route lets in): the answer is a 4xx with
 * `{error:{code,message}}`, never a 5xx. The cases come from the table and the schemas, so a new
 * route or field is covered the day it is added.
 */

const gatewaySecret = 'bad-input-gateway-secret';

interface Case {
  what: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A query value as a client could send it; a lone surrogate has no UTF-8, so it goes as its WTF-8 bytes. */
function encodeQuery(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
      out += `%ED%${(0xa0 + ((c >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (c & 0x3f)).toString(16).toUpperCase()}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}

const pathSpoilers: Array<[string, string]> = [
  ['U+0000', '%00'],
  ['malformed percent-encoding', '%E0%A4%A'],
  ['lone surrogate (WTF-8)', '%ED%A0%80'],
  ['over-long id', 'a'.repeat(101)],
  ['id and more', '6f1c1f8e-3b1a-4c57-9a51-0d0a4b1f2e330'],
  ['wrong type', '12345'],
  ['2^63', '9223372036854775808'],
  ['negative', '-1'],
  ['encoded slash', '%2F..%2F'],
];

/** Every case of one route: body fields, query parameters, path parameters, and stray query junk. */
function casesOf(def: RouteDef, org: Org): Case[] {
  const ids = idFor(def, org);
  const headers = authHeaders(def, org, gatewaySecret);
  const path = pathWith(def, org);
  const query = def.querystring ? (example(def.querystring, ids) as Record<string, string>) : {};
  const queryString = (q: Record<string, string>) =>
    Object.entries(q)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  const validQuery = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, encodeURIComponent(String(v))]));
  // A raw upload is bytes with their type; every other body is JSON.
  const upload = def === routes.uploadAttachment;
  const jsonHeaders = { ...headers, 'content-type': upload ? 'text/plain' : 'application/json' };
  const validBody = def.body ? JSON.stringify(example(def.body, ids)) : upload ? 'Notiz' : undefined;
  const at = (q: Record<string, string>) => `${path}${Object.keys(q).length ? `?${queryString(q)}` : ''}`;
  const cases: Case[] = [];

  for (const leaf of def.body ? leaves(def.body) : []) {
    const base = exampleFor(def.body as z.ZodType, leaf, ids);
    const valid = leaf.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], base);
    for (const [kind, bad] of spoilers(leaf, valid)) {
      // JSON.stringify writes a lone surrogate as its `\ud800` escape: the raw body carries it as a client would.
      cases.push({
        what: `body.${leaf.path.join('.')}: ${kind}`,
        url: at(validQuery),
        headers: jsonHeaders,
        body: JSON.stringify(withField(base, leaf.path, bad)),
      });
    }
  }
  for (const leaf of def.querystring ? leaves(def.querystring) : []) {
    const key = String(leaf.path[0]);
    const valid = String(query[key] ?? '1');
    const bad: Array<[string, string]> = spoilers(leaf, valid)
      .filter(([kind]) => kind !== 'wrong type')
      .map(([kind, v]) => [kind, encodeQuery(String(v))]);
    bad.push(['malformed percent-encoding', `${encodeURIComponent(valid)}%E0%A4%A`]);
    // With the other parameters, and alone: a default filled in for a missing one (the months
    // before `to`) must not carry the bad value to the database either.
    for (const [kind, v] of bad)
      for (const [alone, q] of [
        ['', { ...validQuery, [key]: v }],
        [' (alone)', { [key]: v }],
      ] as const)
        cases.push({ what: `query.${key}: ${kind}${alone}`, url: at(q), headers: jsonHeaders, body: validBody });
    // Wrong type in a query: the parameter twice (an array).
    cases.push({
      what: `query.${key}: twice`,
      url: `${at(validQuery)}${Object.keys(validQuery).length ? '&' : '?'}${key}=${encodeURIComponent(valid)}`,
      headers: jsonHeaders,
      body: validBody,
    });
  }
  for (const param of def.url.match(/:\w+/g) ?? []) {
    for (const [kind, v] of pathSpoilers)
      cases.push({
        what: `path ${param}: ${kind}`,
        url: pathWith(def, org, { [param.slice(1)]: v }),
        headers: jsonHeaders,
        body: validBody,
      });
  }
  // Junk in a query the route does not take: the guard sees every request.
  for (const [kind, v] of <Array<[string, string]>>[
    ['U+0000', '%00'],
    ['lone surrogate', '%ED%B0%80'],
    ['malformed percent-encoding', '%E0%A4%A'],
  ])
    cases.push({
      what: `stray query: ${kind}`,
      url: at({ ...validQuery, probe: v }),
      headers: jsonHeaders,
      body: validBody,
    });
  return cases;
}

describe.each(backends)('bad input on %s', (backend) => {
  let server: TestServer;
  let org: Org;

  beforeAll(async () => {
    server = await startTestServer({ backend, env: { SMS_INBOUND_SECRET: gatewaySecret } });
    org = await buildOrg(server);
  });
  afterAll(() => server?.close());

  /** Send every case (a few at a time) and return those not answered with a 4xx and an error code. */
  async function misanswered(method: string, cases: Case[]): Promise<string[]> {
    const wrong: string[] = [];
    for (let i = 0; i < cases.length; i += 8)
      await Promise.all(
        cases.slice(i, i + 8).map(async (c) => {
          // A key of its own for every case: a repeated key would answer from the first attempt.
          const headers = { ...c.headers, 'idempotency-key': `probe-${randomUUID()}` };
          const res = await server.wachsam.app.inject({
            method: method as 'GET',
            url: c.url,
            headers,
            payload: c.body,
          });
          const json = (() => {
            try {
              return res.json() as { error?: { code?: string; message?: string } };
            } catch {
              return {};
            }
          })();
          const code = json.error?.code;
          // The caller is let in: a 401/403 would mean the test lost its own session, not an answer.
          const good =
            res.statusCode >= 400 &&
            res.statusCode < 500 &&
            res.statusCode !== 401 &&
            res.statusCode !== 403 &&
            typeof json.error?.message === 'string' &&
            (errorCodes as readonly string[]).includes(code ?? '');
          if (!good) wrong.push(`${c.what} → ${res.statusCode} ${res.body.slice(0, 160)}`);
        }),
      );
    return wrong;
  }

  it.each(everyRoute.map(([name, def]) => [name, def] as const))(
    '%s answers every kind of bad input with a 4xx and a code',
    async (_name, def) => {
      const cases = casesOf(def, org);
      // The surrogate cases must reach the server as escapes, or they would test nothing.
      for (const c of cases.filter((x) => x.what.endsWith('surrogate') && x.what.startsWith('body')))
        expect(c.body, c.what).toMatch(/\\ud[89ab]|\\udc/i);
      expect(await misanswered(def.method, cases)).toEqual([]);
    },
  );

  it('answers errors of the router and of the HTTP parser with the same error body', async () => {
    const anna = { cookie: org.cookies.get('anna.schmidt')! };
    const cases: Array<[string, number, string]> = [
      ['/api/alarms/%E0%A4%A', 400, 'bad_request'],
      ['/api/keine-adresse/%E0%A4%A', 400, 'bad_request'],
      ['/%E0%A4%A', 400, 'bad_request'],
      [`/api/alarms/${'a'.repeat(150)}`, 414, 'uri_too_long'],
      ['/api/keine-adresse', 404, 'not_found'],
      [`/api/alarms/${'a'.repeat(20_000)}`, 431, 'headers_too_large'],
    ];
    for (const [path, status, code] of cases) {
      const res = await api(server.url, 'GET', path, anna);
      expect({ path: path.slice(0, 40), status: res.status, code: res.body?.error?.code }).toEqual({
        path: path.slice(0, 40),
        status,
        code,
      });
      expect(typeof res.body.error.message).toBe('string');
    }
    // 60 000 levels of nesting: walked without recursion, refused by the schema.
    const deep = await api(server.url, 'POST', '/api/admin/departments', {
      cookie: org.cookies.get('it'),
      body: `{"name":${'['.repeat(30_000)}"\\u0000"${']'.repeat(30_000)}}`,
    });
    expect([deep.status, deep.body.error.code]).toEqual([400, 'validation_failed']);
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  });

  it('answers a duplicate device id with 409 conflict naming the field', async () => {
    const cookie = org.cookies.get('it')!;
    const device = { kind: 'button', name: 'Taster', roomId: org.ids.room, externalId: `mac-${randomUUID()}` };
    expect((await api(server.url, 'POST', '/api/admin/devices', { cookie, body: device })).status).toBe(201);
    const again = await api(server.url, 'POST', '/api/admin/devices', { cookie, body: { ...device, name: 'Zweiter' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', issues: [{ path: 'body.externalId' }] });
    expect(again.body.error.message).toMatch(/schon vergeben/);
  });

  it('refuses a realtime handshake with a bad ?since= at the upgrade, with a code', async () => {
    const cookie = org.cookies.get('jonas.becker')!;
    for (const since of ['9223372036854775808', '99999999999999999999', '-1', 'abc', '%00', '1&since=2', '%E0%A4%A']) {
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/realtime?since=${since}`, {
        headers: { cookie },
      });
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        ws.once('open', () => reject(new Error(`?since=${since} was accepted`)));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.once('error', reject);
      });
      expect({ since, status: answer.status }).toEqual({ since, status: 400 });
      expect(JSON.parse(answer.body).error.code, since).toMatch(/^(validation_failed|bad_request)$/);
    }
    // The largest id there can be is a valid resume point: nothing after it, live from there.
    const top = await TestRealtime.connect(server.url, { cookie }, '9223372036854775807');
    await top.close();
  });

  it('answers bad realtime frames without closing this or any other socket', async () => {
    const anna = await TestRealtime.connect(server.url, { cookie: org.cookies.get('anna.schmidt')! });
    const jonas = await TestRealtime.connect(server.url, { cookie: org.cookies.get('jonas.becker')! });
    const big = await TestRealtime.connect(server.url, { cookie: org.cookies.get('pforte')! });
    try {
      const frames = [
        'kein JSON',
        '{"kind":"receipt","alarmId":"\\u0000"}',
        '{"kind":"receipt","alarmId":"\\ud800"}',
        `{"kind":"receipt","alarmId":"${'a'.repeat(5000)}"}`,
        '{"kind":"receipt","alarmId":9223372036854775808}',
        '{"kind":"ping","at":"jetzt"}',
        '{"kind":"ping","at":1e400}',
        '{"kind":"ack","alarmId":"6f1c1f8e-3b1a-4c57-9a51-0d0a4b1f2e33"}',
        '{"kind":"message","text":"\\u0000"}',
        '[]',
        'null',
      ];
      for (const f of frames) anna.ws.send(f);
      anna.ws.send(Buffer.from([0xff, 0xfe, 0x00]));
      const errors = () => anna.frames.filter((f) => f.kind === 'error');
      await anna.next(() => errors().length === frames.length + 1, 15_000);
      expect(new Set(errors().map((f) => (f as Extract<ServerFrame, { kind: 'error' }>).code))).toEqual(
        new Set(['bad_request']),
      );
      // A frame past the size limit closes only that socket (1009), never with 1011.
      const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
      big.ws.send(JSON.stringify({ kind: 'ping', at: 1, pad: 'x'.repeat(20_000) }));
      expect(await closed).toBe(1009);

      // Both others still work: a ping is answered, and a new alarm reaches them live.
      anna.send({ kind: 'ping', at: 42 });
      await anna.next((f) => f.kind === 'pong' && f.at === 42);
      const alarm = await api(server.url, 'POST', '/api/alarms', {
        cookie: org.cookies.get('anna.schmidt'),
        body: { source: 'console', test: true },
        headers: { 'idempotency-key': randomUUID() },
      });
      await jonas.alarmEvent('alarm.raised', alarm.body.alarm.id, 15_000);
      await anna.alarmEvent('alarm.raised', alarm.body.alarm.id, 15_000);
      expect(anna.ws.readyState).toBe(anna.ws.OPEN);
    } finally {
      await Promise.all([anna.close(), jonas.close(), big.close()]);
    }
  });

  it('sends raw bodies whose strings are what a client typed', () => {
    expect(isSafeText(JSON.parse('"\\ud800"') as string)).toBe(false);
  });
});

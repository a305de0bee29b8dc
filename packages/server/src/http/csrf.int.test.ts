import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyRoute, routes, type RouteDef } from '@wachsam/protocol';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import { orgRows } from './authz-ids.js';
import { authHeaders, buildOrg, pathWith, type Org } from './world.js';

/** Every route that changes something, from the protocol's table: a new one is covered the day it is added. */
const changing = everyRoute.filter(([, d]) => d.method !== 'GET');
/** Those a person's session cookie authenticates: the ones a page of another site could ride on. */
const withCookie = changing.filter(([, d]) => d.auth.kind === 'session' || d.auth.kind === 'sender');
const gatewaySecret = 'csrf-test-gateway-secret';
const foreign = 'https://boese.example';

/** A request as a page of another site would make it, with the caller's own credentials. */
async function send(
  server: TestServer,
  def: RouteDef,
  org: Org,
  extra: Record<string, string>,
  body?: string,
): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${server.url}${pathWith(def, org)}`, {
    method: def.method,
    headers: { ...authHeaders(def, org, gatewaySecret), ...extra },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    code: text ? (JSON.parse(text) as { error?: { code: string } }).error?.code : undefined,
  };
}

describe.each(backends)('requests from another site on %s', (backend) => {
  let server: TestServer;
  let org: Org;
  let before: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ backend, env: { SMS_INBOUND_SECRET: gatewaySecret } });
    org = await buildOrg(server);
    before = await orgRows(server, org);
  });
  afterAll(() => server?.close());

  it.each(changing)('%s is refused with a foreign Origin, or when the browser says cross-site', async (_n, def) => {
    const json = { 'content-type': 'application/json' };
    const refused = { status: 403, code: 'origin_mismatch' };
    expect(await send(server, def, org, { ...json, origin: foreign }, '{}')).toEqual(refused);
    // The same host on another scheme or port is another origin too.
    const otherPort = server.url.replace(/:(\d+)$/, (_m, p: string) => `:${Number(p) + 1}`);
    expect(await send(server, def, org, { ...json, origin: otherPort }, '{}')).toEqual(refused);
    expect(await send(server, def, org, { ...json, 'sec-fetch-site': 'cross-site' }, '{}')).toEqual(refused);
  });

  it.each(withCookie)('%s with the session cookie takes JSON only, even without a body', async (_n, def) => {
    const unsupported = { status: 415, code: 'unsupported_media_type' };
    // What another site's page can send without asking: a form, text, or nothing at all.
    const simple: Array<[Record<string, string>, string | undefined]> = [
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'],
      [{ 'content-type': 'multipart/form-data; boundary=x' }, '--x--'],
      [{}, undefined],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, undefined],
    ];
    // The evidence upload takes text/plain as a file: it is the route's declared type.
    if (def !== routes.uploadAttachment)
      simple.push([{ 'content-type': 'text/plain' }, '{}'], [{ 'content-type': 'text/plain' }, undefined]);
    for (const [headers, body] of simple)
      expect({ headers, ...(await send(server, def, org, headers, body)) }).toEqual({ headers, ...unsupported });
  });

  it('changed nothing, and the right origin still gets through', async () => {
    expect(await orgRows(server, org)).toEqual(before);
    const cookie = org.cookies.get('anna.schmidt')!;
    const own = await api(server.url, 'POST', '/api/alarms', {
      cookie,
      body: { source: 'console' },
      headers: { origin: server.url, 'sec-fetch-site': 'same-origin', 'idempotency-key': 'csrf-own-origin' },
    });
    expect(own.status).toBe(201);
    // A client that is no browser (the agent, curl, a desk phone) sends no Origin: not a forgery.
    const agent = await api(server.url, 'POST', `/api/alarms/${own.body.alarm.id}/cancel`, {
      cookie,
      headers: { 'idempotency-key': 'csrf-no-origin' },
    });
    expect(agent.status).toBeLessThan(300);
  });

  it('refuses the realtime handshake from another site', async () => {
    const cookie = org.cookies.get('pforte')!;
    await expect(TestRealtime.connect(server.url, { cookie, origin: foreign })).rejects.toThrow(/refused: 403/);
    const own = await TestRealtime.connect(server.url, { cookie, origin: server.url });
    await own.close();
  });
});

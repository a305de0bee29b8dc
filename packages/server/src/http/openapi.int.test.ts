import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes, smsGatewaySecretHeader } from '@wachsam/protocol';
import { api, startTestServer, type TestServer } from '../testing.js';

/** The OpenAPI document tells a client which credential each route takes. */
describe('OpenAPI document', () => {
  let server: TestServer;
  let doc: {
    components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
    paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
  };
  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite' });
    doc = (await api(server.url, 'GET', '/api/openapi.json')).body;
  });
  afterAll(() => server?.close());

  const op = (def: { method: string; url: string }) =>
    doc.paths[def.url.replace(/:(\w+)/g, '{$1}')]?.[def.method.toLowerCase()];

  it('describes the SMS gateway secret header and which routes take it', () => {
    expect(doc.components.securitySchemes.gateway).toEqual({
      type: 'apiKey',
      in: 'header',
      name: smsGatewaySecretHeader,
    });
    expect(op(routes.inboundSms)?.security).toEqual([{ gateway: [] }]);
  });

  it('names session, device and sender credentials, and none for public routes', () => {
    expect(op(routes.me)?.security).toEqual([{ session: [] }]);
    expect(op(routes.heartbeat)?.security).toEqual([{ device: [] }]);
    expect(op(routes.raiseAlarm)?.security).toEqual([{ session: [] }, { device: [] }]);
    expect(op(routes.login)?.security).toBeUndefined();
  });
});

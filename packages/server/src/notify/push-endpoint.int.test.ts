import { randomUUID } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pushSubscriptions } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { certificateFor, loopbackAllowed, resolverFor } from './push-testing.js';

const login = (name: string) => `${name}@musterstadt.example`;
const keys = {
  p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  auth: 'tBHItJI5svbpez7KI4CCXg',
};

/** A TCP listener on 127.0.0.1 that counts who connects (a TLS handshake counts as much as a request). */
async function hitCounter(): Promise<{ port: number; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((socket) => {
    hits++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits: () => hits, server };
}

describe.each(backends)('Web Push endpoints on %s', (backend) => {
  let server: TestServer | undefined;
  const servers: Array<Server | HttpsServer> = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
  });

  it('refuses to register an endpoint that is not https to a public host, with a code', async () => {
    server = await startTestServer({
      backend,
      // Names this test makes up; every other name (localhost) goes to the system's resolver.
      pushNetwork: {
        resolve: async (host) =>
          host === 'intranet.test'
            ? [{ address: '10.1.2.3', family: 4 }]
            : host === 'mixed.test'
              ? [
                  { address: '93.184.216.34', family: 4 },
                  { address: 'fd00::1', family: 6 },
                ]
              : (await import('node:dns')).promises.lookup(host, { all: true }),
      },
    });
    const jonas = await server.login(login('jonas.becker'));
    const bad = [
      'http://127.0.0.1:9/push/1', // not https
      'http://push.example.com/push/1',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ftp://push.example.com/1',
      'https://127.0.0.1/push/1', // loopback
      'https://2130706433/push/1', // loopback, written as one number
      'https://0.0.0.0/push/1',
      'https://localhost/push/1', // a name that resolves to loopback
      'https://10.0.0.1/push/1', // private
      'https://172.16.5.4/push/1',
      'https://192.168.178.1/push/1',
      'https://169.254.169.254/latest/meta-data', // link-local (cloud metadata)
      'https://100.64.0.1/push/1', // carrier-grade NAT
      'https://[::1]/push/1',
      'https://[fd12:3456::1]/push/1', // unique local
      'https://[fe80::1]/push/1', // link-local
      'https://[::ffff:127.0.0.1]/push/1', // IPv4-mapped
      'https://[::ffff:10.0.0.1]/push/1',
      'https://intranet.test/push/1', // a name that resolves to a private address
      'https://mixed.test/push/1', // one of its addresses is private
      'https://user:pw@push.example.com/push/1',
    ];
    for (const endpoint of bad) {
      const res = await api(server.url, 'POST', '/api/push/subscriptions', { cookie: jonas, body: { endpoint, keys } });
      expect({ endpoint, status: res.status, code: res.body?.error?.code }).toEqual({
        endpoint,
        status: 400,
        code: expect.stringMatching(/^(push_endpoint_refused|validation_failed)$/),
      });
    }
    expect(await server.database.db.select().from(pushSubscriptions)).toEqual([]);
  });

  it('checks the name again at send time: a name that now resolves to 127.0.0.1 is not contacted', async () => {
    const local = await hitCounter();
    servers.push(local.server);
    // At registration the name is a public address; by the time of the alarm it says 127.0.0.1.
    let now = '93.184.216.34';
    server = await startTestServer({ backend, pushNetwork: { resolve: resolverFor({ 'rebind.test': () => now }) } });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server!.login(login(n))));
    const subscribed = await api(server.url, 'POST', '/api/push/subscriptions', {
      cookie: jonas,
      body: { endpoint: `https://rebind.test:${local.port}/push/1`, keys },
    });
    expect(subscribed.status).toBe(204);
    now = '127.0.0.1';

    await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    await server.wachsam.services.offlineAlerts.idle();
    expect(local.hits()).toBe(0);
  });

  it('gives up on a push service that does not answer in time or answers too much', async () => {
    const tls = certificateFor('slow.test');
    let hits = 0;
    const slow = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      hits++;
      // /silent never answers; /flood streams an endless answer.
      if (req.url?.startsWith('/flood')) {
        res.writeHead(201);
        const chunk = Buffer.alloc(16 * 1024, 120);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      }
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    servers.push(slow);
    const port = (slow.address() as AddressInfo).port;
    server = await startTestServer({
      backend,
      pushNetwork: {
        resolve: resolverFor({ 'slow.test': () => '127.0.0.1' }),
        blocked: loopbackAllowed(),
        ca: tls.cert,
        timeoutMs: 1500,
        maxResponseBytes: 64 * 1024,
      },
    });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server!.login(login(n))));
    for (const path of ['silent', 'flood'])
      expect(
        (
          await api(server.url, 'POST', '/api/push/subscriptions', {
            cookie: jonas,
            body: { endpoint: `https://slow.test:${port}/${path}/1`, keys },
          })
        ).status,
      ).toBe(204);
    const started = performance.now();
    await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    await server.wachsam.services.offlineAlerts.idle();
    // Both were reached, and neither held the sender beyond its limit (with room for a loaded machine).
    expect(hits).toBe(2);
    expect(performance.now() - started).toBeLessThan(1500 + 8000);
    expect(await server.database.db.select().from(pushSubscriptions)).toHaveLength(2);
  });
});

import { createDecipheriv, createECDH, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mapLink, PushPayload } from '@wachsam/protocol';
import { pushSubscriptions } from '../db/schema.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import { certificateFor, loopbackAllowed, resolverFor } from './push-testing.js';

const login = (name: string) => `${name}@musterstadt.example`;
const here = { lat: 50.941278, lon: 6.958281, accuracy: 12, at: '2026-11-23T09:00:00.000Z' };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A real HTTP endpoint (or, given a certificate, an https one) that records what it gets and answers with `status(path)`. */
async function recorder(
  status: (path: string) => number,
  tls?: { key: string; cert: string; name: string },
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status(req.url ?? '')).end();
    });
  };
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: tls ? `https://${tls.name}:${port}` : `http://127.0.0.1:${port}`, got, server };
}

/**
 * What the browser does with a push message (RFC 8291, aes128gcm, RFC 8188): derive the key
 * from our private key, the server's ephemeral public key and the auth secret, then decrypt.
 */
function decryptPush(body: Buffer, ua: ReturnType<typeof createECDH>, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body.readUInt8(20);
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const ecdhSecret = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // Padding: the last record ends with 0x02 followed by zeros.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  expect(plain[end]).toBe(2);
  return plain.subarray(0, end).toString('utf8');
}

describe.each(backends)('alerts for receivers without a live connection on %s', (backend) => {
  let server: TestServer;
  const servers: Server[] = [];
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
  });

  it('sends one SMS through the HTTP gateway to each offline receiver, none to the online one', async () => {
    const gateway = await recorder(() => 200);
    servers.push(gateway.server);
    server = await startTestServer({
      backend,
      env: { SMS_GATEWAY: 'http', SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'gw-token' },
    });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server.login(login(n))));
    clients.push(await TestRealtime.connect(server.url, { cookie: jonas! }));
    const phone = (await api(server.url, 'POST', '/api/mobile/enrol', { cookie: anna, body: { name: 'Handy' } })).body;

    const raised = await api(server.url, 'POST', '/api/alarms', {
      token: phone.token,
      body: { source: 'mobile', position: here },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.body.alarm.alerted).toBe(4);
    await server.wachsam.services.offlineAlerts.idle();

    const sms = gateway.got.map((g) => JSON.parse(g.body.toString()) as { to: string; text: string });
    // Anna's department: Mehmet, Sabine and Claudia are offline; Jonas (…-102) has the console open.
    expect(sms.map((s) => s.to).sort()).toEqual(['+49 221 555-101', '+49 221 555-103', '+49 221 555-117']);
    expect(sms[0]!.text).toMatch(
      new RegExp(
        `^ALARM: Anna Schmidt, ${mapLink(here).replace(/[?.#/]/g, '\\$&')}, \\d\\d:\\d\\d Uhr\\. Rückruf \\+49 221 555-100$`,
      ),
    );
    expect(gateway.got.every((g) => g.headers.authorization === 'Bearer gw-token')).toBe(true);

    // A drill alerts people on screen, but sends no SMS.
    await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console', test: true },
      headers: { 'idempotency-key': randomUUID() },
    });
    await server.wachsam.services.offlineAlerts.idle();
    expect(gateway.got).toHaveLength(3);
  });

  it('pushes an encrypted, decryptable alarm to a closed app and drops a subscription the push service rejects', async () => {
    // A push service is a public https host: here one on this machine, under a name the test resolves.
    const tls = { ...certificateFor('push.test'), name: 'push.test' };
    const pushService = await recorder((path) => (path.startsWith('/push/gone') ? 410 : 201), tls);
    servers.push(pushService.server);
    server = await startTestServer({
      backend,
      pushNetwork: {
        resolve: resolverFor({ 'push.test': () => '127.0.0.1' }),
        blocked: loopbackAllowed(),
        ca: tls.cert,
      },
    });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server.login(login(n))));

    const key = await api(server.url, 'GET', '/api/push/key', { cookie: jonas });
    expect(Buffer.from(key.body.publicKey, 'base64url')).toHaveLength(65);
    // One key pair for the installation, kept in the database.
    expect((await api(server.url, 'GET', '/api/push/key', { cookie: anna })).body).toEqual(key.body);

    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const authSecret = randomBytes(16);
    const subscribe = (endpoint: string, p256dh: Buffer, auth: Buffer) =>
      api(server.url, 'POST', '/api/push/subscriptions', {
        cookie: jonas,
        body: { endpoint, keys: { p256dh: p256dh.toString('base64url'), auth: auth.toString('base64url') } },
      });
    expect((await subscribe(`${pushService.url}/push/ok-1`, browser.getPublicKey(), authSecret)).status).toBe(204);
    const stale = createECDH('prime256v1');
    stale.generateKeys();
    expect((await subscribe(`${pushService.url}/push/gone-1`, stale.getPublicKey(), randomBytes(16))).status).toBe(204);

    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    const alarmId = raised.body.alarm.id as string;
    await server.wachsam.services.offlineAlerts.idle();

    const delivered = pushService.got.filter((g) => g.path === '/push/ok-1');
    expect(delivered).toHaveLength(1);
    const msg = delivered[0]!;
    expect(msg.headers['content-encoding']).toBe('aes128gcm');
    expect(msg.headers.authorization).toMatch(/^vapid t=.+, k=/);
    expect(msg.headers.urgency).toBe('high');
    const payload = PushPayload.parse(JSON.parse(decryptPush(msg.body, browser, authSecret)));
    expect(payload).toEqual({
      alarmId,
      title: 'ALARM: Anna Schmidt',
      body: 'E.01 Bürgerbüro Schalter 1, Erdgeschoss, Rathaus',
      url: `/?alarm=${alarmId}`,
      test: false,
    });

    // The push service said "gone": that subscription is deleted, and the audit log says so.
    expect(pushService.got.some((g) => g.path === '/push/gone-1')).toBe(true);
    const left = await server.database.db.select().from(pushSubscriptions);
    expect(left.map((s) => s.endpoint)).toEqual([`${pushService.url}/push/ok-1`]);
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: await server.login(login('it')) })).body;
    expect(audit.some((e: { action: string }) => e.action === 'push.subscription_removed')).toBe(true);

    // With the app open (a live connection) there is no push; after unsubscribing, none either.
    const live = await TestRealtime.connect(server.url, { cookie: jonas! });
    clients.push(live);
    await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    await server.wachsam.services.offlineAlerts.idle();
    expect(pushService.got.filter((g) => g.path === '/push/ok-1')).toHaveLength(1);
    const gone = await api(server.url, 'POST', '/api/push/subscriptions/delete', {
      cookie: jonas,
      body: { endpoint: `${pushService.url}/push/ok-1` },
    });
    expect(gone.status).toBe(204);
    expect(await server.database.db.select().from(pushSubscriptions)).toEqual([]);
  });
});

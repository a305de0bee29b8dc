/**
 * "Online" means heard from within the limit (issue 8, row 6). A device whose connection stays
 * open but says nothing any more is offline within DEVICE_OFFLINE_SECONDS (20 s), measured here
 * on real timers; a receiver whose connection went silent is reached by SMS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { api, startTestServer, TestRealtime, type TestServer } from '@wachsam/server/testing';
import { freePort, until } from './helpers/processes.js';

/** Opens a realtime connection and then never answers anything: open, but silent. */
async function silentSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/realtime`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

describe('online means heard from within the limit', () => {
  let server: TestServer;
  let gateway: Server;
  const sms: Array<{ to: string; text: string }> = [];
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('a silent device is offline within 20 s, and a silent receiver gets the alarm by SMS', async () => {
    const port = await freePort();
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        sms.push(JSON.parse(body) as { to: string; text: string });
        res.writeHead(200).end('{}');
      });
    }).listen(port, '127.0.0.1');
    cleanup.push(() => new Promise((r) => gateway.close(r)));
    server = await startTestServer({
      backend: 'postgres',
      timers: true,
      env: { SMS_GATEWAY: 'http', SMS_GATEWAY_URL: `http://127.0.0.1:${port}/sms` },
    });
    cleanup.push(() => server.close());
    const [admin, pforte, jonas, anna] = await Promise.all(
      ['it', 'pforte', 'jonas.becker', 'anna.schmidt'].map((n) => server.login(`${n}@musterstadt.example`)),
    );
    // The desk answers its pings like every console; it stays online.
    const desk = await TestRealtime.connect(server.url, { cookie: pforte });
    cleanup.push(() => desk.close());

    const room = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: admin })).body[0];
    const dev = (
      await api(server.url, 'POST', '/api/admin/devices', {
        cookie: admin,
        body: { kind: 'workstation', name: 'PC-STILL', roomId: room.id, functionTestHours: 0 },
      })
    ).body;
    const code = (await api(server.url, 'POST', `/api/admin/devices/${dev.id}/enrolment-code`, { cookie: admin })).body
      .code;
    const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token;

    const pc = await silentSocket(server.url, { authorization: `Bearer ${token}` });
    const jonasSilent = await silentSocket(server.url, { cookie: jonas! });
    const lastHeard = Date.now();
    cleanup.push(
      () => pc.terminate(),
      () => jonasSilent.terminate(),
    );

    const offline = await desk.next(
      (f) => f.kind === 'event' && f.event.type === 'device.offline' && f.event.device.id === dev.id,
      60_000,
    );
    const after = Date.now() - lastHeard;
    expect(offline.kind).toBe('event');
    // 20 s of silence, plus at most one run of the 1 s housekeeping loop (and a little slack for load).
    expect(after).toBeLessThan(20_000 + 3_000);
    expect(after).toBeGreaterThanOrEqual(20_000 - 1_000);

    // Jonas's socket is still open, but unheard for 20 s: he is not counted online, he gets the SMS.
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: admin })).body;
    const phone = (last: string) => people.find((p: { lastName: string }) => p.lastName === last).phone as string;
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    expect(raised.body.receiversOnline).toBe(1); // the desk only
    await until('SMS to the silent receiver', () => sms.some((m) => m.to === phone('Becker')));
    expect(sms.some((m) => m.to === phone('Hoffmann'))).toBe(false); // the desk was heard: no SMS
  });
});

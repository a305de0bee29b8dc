import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttButtonTopic } from '@wachsam/protocol';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const admin = 'it@musterstadt.example';

describe.each(backends)('devices on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });

  const newWorkstation = async (cookie: string) => {
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie })).body;
    const dev = await api(server.url, 'POST', '/api/admin/devices', {
      cookie,
      body: { kind: 'workstation', name: 'PC-TEST', roomId: rooms[0].id },
    });
    expect(dev.status).toBe(201);
    const code = await api(server.url, 'POST', `/api/admin/devices/${dev.body.id}/enrolment-code`, { cookie });
    return { id: dev.body.id as string, code: code.body.code as string };
  };

  it('enrols with a one-time code, which then no longer works; a revoked token is refused', async () => {
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    const { id, code } = await newWorkstation(cookie);
    const enrolled = await api(server.url, 'POST', '/api/devices/enrol', {
      body: { code: code.toLowerCase(), hostname: 'pc-test' },
    });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({
      deviceId: id,
      organisation: { slug: 'musterstadt' },
      workstation: { name: 'PC-TEST' },
    });
    const again = await api(server.url, 'POST', '/api/devices/enrol', { body: { code } });
    expect(again.body.error.code).toBe('enrolment_code_invalid');

    const token = enrolled.body.token;
    const raised = await api(server.url, 'POST', '/api/alarms', {
      token,
      body: { source: 'tray_icon' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    expect(raised.body.alarm).toMatchObject({
      source: 'tray_icon',
      location: { workstation: 'PC-TEST' },
      deviceId: id,
    });

    await api(server.url, 'POST', `/api/admin/devices/${id}/revoke`, { cookie });
    const refused = await api(server.url, 'POST', '/api/alarms', {
      token,
      body: { source: 'hotkey' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('token_revoked');
    await expect(TestRealtime.connect(server.url, { token })).rejects.toThrow(/401/);
  });

  it('a function test goes back to the raising device only, and its result is listed', async () => {
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    const { id, code } = await newWorkstation(cookie);
    const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token;
    const agent = await TestRealtime.connect(server.url, { token });
    const desk = await TestRealtime.connect(server.url, { cookie: await server.login('pforte@musterstadt.example') });
    clients.push(agent, desk);

    const requested = await api(server.url, 'POST', `/api/admin/devices/${id}/function-test`, { cookie });
    expect(requested.body.result).toBe('pending');
    const ask = await agent.next((f) => f.kind === 'event' && f.event.type === 'function_test.requested');
    expect(ask.kind === 'event' && ask.event.type === 'function_test.requested' && ask.event.functionTestId).toBe(
      requested.body.id,
    );

    const raised = await api(server.url, 'POST', '/api/alarms', {
      token,
      body: { source: 'tray_icon', functionTest: true },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.body.alarm).toMatchObject({ functionTest: true, test: true, alerted: 0, nextEscalationAt: null });
    const back = await agent.alarmEvent('alarm.raised', raised.body.alarm.id);
    expect(back.forYou).toBe(false);
    // Its receipt proves the way back: the test alarm closes itself and piles up nowhere.
    agent.send({ kind: 'receipt', alarmId: raised.body.alarm.id });
    const closed = await agent.alarmEvent('alarm.resolved', raised.body.alarm.id);
    expect(closed.event).toMatchObject({ alarm: { status: 'resolved', outcome: 'test', resolvedBy: 'Funktionstest' } });
    expect((await api(server.url, 'GET', '/api/alarms?open=true', { token })).body.alarms).toEqual([]);
    const report = await api(server.url, 'POST', '/api/devices/function-tests', {
      token,
      body: {
        functionTestId: requested.body.id,
        alarmId: raised.body.alarm.id,
        result: 'passed',
        detail: 'Alarmweg in 12 ms geprüft',
      },
    });
    expect(report.body).toMatchObject({ result: 'passed', deviceName: 'PC-TEST' });
    const list = (await api(server.url, 'GET', '/api/admin/function-tests', { cookie })).body;
    expect(list[0]).toMatchObject({ id: requested.body.id, result: 'passed' });
    // Nobody else was disturbed by the function test.
    expect(desk.events().some((e) => 'alarm' in e.event && e.event.alarm.id === raised.body.alarm.id)).toBe(false);
    expect((await api(server.url, 'GET', '/api/alarms', { cookie })).body.alarms).toEqual([]);
  });

  it('shows a silent device as offline after 20 s and reports it to administration', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const cookie = await server.login(admin);
    const { id, code } = await newWorkstation(cookie);
    const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token;
    const adminWs = await TestRealtime.connect(server.url, { cookie });
    clients.push(adminWs);

    await api(server.url, 'POST', '/api/devices/heartbeat', { token });
    await server.wachsam.tick();
    expect((await adminWs.next((f) => f.kind === 'event' && f.event.type === 'device.online')).kind).toBe('event');
    clock.advance(19_000);
    await server.wachsam.tick();
    let dev = (await api(server.url, 'GET', '/api/admin/devices', { cookie })).body.find(
      (d: { id: string }) => d.id === id,
    );
    expect(dev.online).toBe(true);

    clock.advance(2_000);
    await server.wachsam.tick();
    const off = await adminWs.next((f) => f.kind === 'event' && f.event.type === 'device.offline');
    expect(off.kind === 'event' && off.event.type === 'device.offline' && off.event.device.name).toBe('PC-TEST');
    dev = (await api(server.url, 'GET', '/api/admin/devices', { cookie })).body.find(
      (d: { id: string }) => d.id === id,
    );
    expect(dev.online).toBe(false);
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie })).body;
    expect(
      audit.some(
        (e: { action: string; subject: string }) => e.action === 'device.offline' && e.subject === `Gerät ${id}`,
      ),
    ).toBe(true);

    // A console that starts now lists the unprotected seat without waiting for a live event.
    const desk = await server.login('pforte@musterstadt.example');
    const offline = await api(server.url, 'GET', '/api/devices/offline', { cookie: desk });
    expect(offline.body).toEqual([
      { id, name: 'PC-TEST', room: expect.any(String), since: expect.any(String), unassigned: false },
    ]);
    const employee = await server.login('anna.schmidt@musterstadt.example');
    expect((await api(server.url, 'GET', '/api/devices/offline', { cookie: employee })).status).toBe(403);
    await api(server.url, 'POST', '/api/devices/heartbeat', { token });
    expect((await api(server.url, 'GET', '/api/devices/offline', { cookie: desk })).body).toEqual([]);
  });

  it('a scheduled function test is requested from an online agent and fails when unanswered', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const cookie = await server.login(admin);
    const { id, code } = await newWorkstation(cookie);
    const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token;
    await api(server.url, 'POST', '/api/devices/heartbeat', { token });
    await server.wachsam.tick();
    let tests = (await api(server.url, 'GET', '/api/admin/function-tests', { cookie })).body.filter(
      (t: { deviceId: string }) => t.deviceId === id,
    );
    expect(tests).toHaveLength(1);
    expect(tests[0].result).toBe('pending');
    clock.advance(121_000);
    await api(server.url, 'POST', '/api/devices/heartbeat', { token });
    await server.wachsam.tick();
    tests = (await api(server.url, 'GET', '/api/admin/function-tests', { cookie })).body.filter(
      (t: { deviceId: string }) => t.deviceId === id,
    );
    expect(tests[0]).toMatchObject({ result: 'failed', detail: 'Keine Antwort des Geräts' });
  });
});

describe('MQTT alarm buttons', () => {
  it('a press published to the local Mosquitto raises one alarm, a repeat of it none', async () => {
    const server = await startTestServer({ backend: 'postgres', env: { MQTT_URL: 'mqtt://127.0.0.1:1883' } });
    const button = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `test-button-${randomUUID()}` });
    try {
      const desk = await TestRealtime.connect(server.url, { cookie: await server.login('pforte@musterstadt.example') });
      const press = JSON.stringify({ pressId: `press-${randomUUID()}` });
      await button.publishAsync(mqttButtonTopic('musterstadt', 'taster-e02'), press, { qos: 1 });
      const got = await desk.next((f) => f.kind === 'event' && f.event.type === 'alarm.raised', 10_000);
      expect(got.kind === 'event' && 'alarm' in got.event && got.event.alarm).toMatchObject({
        source: 'network_button',
        location: { room: 'E.02 Bürgerbüro Schalter 2', workstation: 'Taster Schalter 2' },
      });
      await button.publishAsync(mqttButtonTopic('musterstadt', 'taster-e02'), press, { qos: 1 });
      await button.publishAsync(
        mqttButtonTopic('musterstadt', 'unknown-button'),
        JSON.stringify({ pressId: 'press-unknown-1' }),
        { qos: 1 },
      );
      await new Promise((r) => setTimeout(r, 500));
      const list = await api(server.url, 'GET', '/api/alarms', {
        cookie: await server.login('pforte@musterstadt.example'),
      });
      expect(list.body.alarms).toHaveLength(1);
      await desk.close();
    } finally {
      await button.endAsync();
      await server.close();
    }
  });
});

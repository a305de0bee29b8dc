import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSms, smsGatewaySecretHeader, smsIdempotencyKey, smsMacInput, type SmsAlarm } from '@wachsam/protocol';
import { FakeClock } from '../clock.js';
import { auditLog } from '../db/schema.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';
import { smsMac } from './phones.js';

const login = (name: string) => `${name}@musterstadt.example`;
const secret = 'gateway-secret-for-the-tests';
// Cologne cathedral, where the officer is on a home visit.
const here = { lat: 50.941278, lon: 6.958281, accuracy: 12, at: '2026-11-23T09:00:00.000Z' };

interface Phone {
  deviceId: string;
  token: string;
  sms: { number: string | null; deviceCode: string; key: string };
  holdMs: number;
}

/** The SMS exactly as the phone app writes it. */
const smsFor = (phone: Phone, counter: number, position: SmsAlarm['position'], key = phone.sms.key) =>
  formatSms({
    deviceCode: phone.sms.deviceCode,
    counter,
    position,
    mac: smsMac(key, smsMacInput(phone.sms.deviceCode, counter, position)),
  });

describe.each(backends)('mobile alarm on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const connect = async (auth: { cookie?: string; token?: string }) => {
    const c = await TestRealtime.connect(server.url, auth);
    clients.push(c);
    return c;
  };
  const enrol = async (cookie: string): Promise<Phone> => {
    const res = await api(server.url, 'POST', '/api/mobile/enrol', { cookie, body: { name: 'Annas Diensthandy' } });
    expect(res.status).toBe(201);
    return res.body as Phone;
  };
  const raiseFromPhone = (phone: Phone, key: string, position?: object) =>
    api(server.url, 'POST', '/api/alarms', {
      token: phone.token,
      body: { source: 'mobile', ...(position ? { position } : {}) },
      headers: { 'idempotency-key': key },
    });
  const inbound = (text: string, headers: Record<string, string> = { [smsGatewaySecretHeader]: secret }) =>
    api(server.url, 'POST', '/api/sms/inbound', { body: { from: '+49 170 1234567', text }, headers });

  it('enrols a phone, raises with position to the department, and moves the position at most every 5 s', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock, env: { ALARM_SMS_NUMBER: '+49 221 555-110' } });
    const [anna, jonas, pforte] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'pforte'].map((n) => server.login(login(n))),
    );
    const phone = await enrol(anna!);
    expect(phone.sms).toMatchObject({ number: '+49 221 555-110', deviceCode: expect.stringMatching(/^[A-Z2-9]{6}$/) });
    expect(Buffer.from(phone.sms.key, 'base64url')).toHaveLength(32);
    expect(phone.holdMs).toBe(1500);
    const jonasWs = await connect({ cookie: jonas! });
    const pforteWs = await connect({ cookie: pforte! });

    const raised = await raiseFromPhone(phone, randomUUID(), here);
    expect(raised.status).toBe(201);
    const alarm = raised.body.alarm;
    // Away from her desk: no room, the position speaks; her department colleagues are step 1.
    expect(alarm).toMatchObject({
      source: 'mobile',
      deviceId: phone.deviceId,
      position: here,
      location: { building: '', address: '', floor: '', room: '' },
      sender: { firstName: 'Anna', lastName: 'Schmidt' },
      alerted: 4,
    });
    const seen = await jonasWs.alarmEvent('alarm.raised', alarm.id);
    expect(seen.forYou).toBe(true);
    expect(seen.event).toMatchObject({ alarm: { position: here } });

    // Within 5 s: accepted, but nothing changes and nobody is told.
    const moved = { ...here, lat: 50.9415, at: '2026-11-23T09:00:02.000Z' };
    clock.advance(2000);
    expect(
      (
        await api(server.url, 'POST', `/api/alarms/${alarm.id}/position`, {
          token: phone.token,
          body: { position: moved },
        })
      ).status,
    ).toBe(204);
    expect((await api(server.url, 'GET', `/api/alarms/${alarm.id}`, { cookie: jonas })).body.alarm.position).toEqual(
      here,
    );
    clock.advance(3000);
    expect(
      (
        await api(server.url, 'POST', `/api/alarms/${alarm.id}/position`, {
          token: phone.token,
          body: { position: moved },
        })
      ).status,
    ).toBe(204);
    const update = await jonasWs.alarmEvent('alarm.position', alarm.id);
    expect(update.event).toMatchObject({ alarm: { id: alarm.id, position: moved, sender: { lastName: 'Schmidt' } } });
    expect(jonasWs.events().filter((e) => e.event.type === 'alarm.position')).toHaveLength(1);

    // Only the sender moves the alarm; a receiver learns nothing about it.
    const notSender = await api(server.url, 'POST', `/api/alarms/${alarm.id}/position`, {
      cookie: jonas,
      body: { position: here },
    });
    expect(notSender.status).toBe(404);

    // Step 2 reaches the security desk by role, even though the alarm has no building.
    clock.advance(31_000);
    await server.wachsam.tick();
    expect((await pforteWs.alarmEvent('alarm.escalated', alarm.id)).forYou).toBe(true);

    await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, {
      cookie: pforte,
      body: { outcome: 'real', note: '' },
    });
    clock.advance(6000);
    const late = await api(server.url, 'POST', `/api/alarms/${alarm.id}/position`, {
      token: phone.token,
      body: { position: moved },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_transition');

    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: await server.login(login('it')) })).body;
    expect(audit.some((e: { action: string }) => e.action === 'device.phone_enrolled')).toBe(true);
  });

  it('a phone coming and going is not reported to the desk like a workstation', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const [anna, admin] = await Promise.all(['anna.schmidt', 'it'].map((n) => server.login(login(n))));
    const adminWs = await connect({ cookie: admin! });
    const phone = await enrol(anna!);
    expect((await api(server.url, 'POST', '/api/devices/heartbeat', { token: phone.token })).status).toBe(204);
    await server.wachsam.tick();
    const online = (await api(server.url, 'GET', '/api/admin/devices', { cookie: admin })).body;
    expect(online.find((d: { id: string }) => d.id === phone.deviceId)).toMatchObject({ online: true });
    clock.advance(21_000);
    await server.wachsam.tick();
    const devices = (await api(server.url, 'GET', '/api/admin/devices', { cookie: admin })).body;
    expect(devices.find((d: { id: string }) => d.id === phone.deviceId)).toMatchObject({
      kind: 'phone',
      online: false,
    });
    expect(adminWs.events().filter((e) => e.event.type.startsWith('device.'))).toEqual([]);
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: admin })).body;
    expect(audit.some((e: { action: string }) => e.action === 'device.offline')).toBe(false);
  });

  it('turns a valid SMS into one alarm with the online retry, whichever comes first', async () => {
    server = await startTestServer({ backend, env: { SMS_INBOUND_SECRET: secret } });
    const anna = await server.login(login('anna.schmidt'));
    const phone = await enrol(anna);
    const pos = { lat: 50.94128, lon: 6.95828, accuracy: 12 };

    // The SMS first, then the phone gets internet back and retries the same trigger.
    const first = await inbound(smsFor(phone, 1001, pos));
    expect(first.body).toEqual({ accepted: true, alarmId: expect.any(String), reason: null });
    const retry = await raiseFromPhone(phone, smsIdempotencyKey(1001), here);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ replayed: true, alarm: { id: first.body.alarmId, source: 'mobile' } });
    expect(retry.body.alarm.position).toMatchObject(pos);

    // The retry first, then the SMS that was sent at the same moment.
    const online = await raiseFromPhone(phone, smsIdempotencyKey(1002), here);
    expect(online.body.replayed).toBe(false);
    const late = await inbound(smsFor(phone, 1002, null));
    expect(late.body).toEqual({ accepted: true, alarmId: online.body.alarm.id, reason: null });

    const list = await api(server.url, 'GET', '/api/alarms', { cookie: anna });
    expect(list.body.alarms).toHaveLength(2);
  });

  it('refuses forged, replayed, malformed, unknown and revoked SMS and logs why', async () => {
    server = await startTestServer({ backend, env: { SMS_INBOUND_SECRET: secret } });
    const [anna, admin] = await Promise.all(['anna.schmidt', 'it'].map((n) => server.login(login(n))));
    const phone = await enrol(anna!);
    const other = await enrol(anna!);

    expect((await inbound(smsFor(phone, 1005, null))).body.accepted).toBe(true);
    const refusals: Array<[string, string]> = [
      [smsFor(phone, 1006, null, Buffer.alloc(32, 7).toString('base64url')), 'forged'],
      [smsFor(phone, 1005, null), 'replayed'],
      [smsFor(phone, 1004, null), 'replayed'],
      ['Hilfe, bitte kommen', 'malformed'],
      [smsFor({ ...phone, sms: { ...phone.sms, deviceCode: 'ZZZZZZ' } }, 1007, null), 'unknown_device'],
    ];
    await api(server.url, 'POST', `/api/admin/devices/${other.deviceId}/revoke`, { cookie: admin });
    refusals.push([smsFor(other, 1001, null), 'revoked']);
    for (const [text, reason] of refusals) {
      const res = await inbound(text);
      expect({ text, status: res.status, body: res.body }).toEqual({
        text,
        status: 200,
        body: { accepted: false, alarmId: null, reason },
      });
    }
    expect((await api(server.url, 'GET', '/api/alarms', { cookie: anna })).body.alarms).toHaveLength(1);

    // Refusals of a known phone are in its organisation's log; the rest in the installation's.
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: admin })).body as Array<{
      action: string;
      detail: { reason?: string };
    }>;
    const logged = audit.filter((e) => e.action === 'sms.refused').map((e) => e.detail.reason);
    expect(logged.sort()).toEqual(['forged', 'replayed', 'replayed', 'revoked']);
    const orphans = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'sms.refused'), isNull(auditLog.orgId)));
    expect(orphans.map((o) => (o.detail as { reason: string }).reason).sort()).toEqual(['malformed', 'unknown_device']);
    expect(JSON.stringify(audit)).not.toContain('Hilfe');

    // No secret, or the wrong one: the gateway is not let in.
    const none = await inbound(smsFor(phone, 1010, null), {});
    expect([none.status, none.body.error.code]).toEqual([401, 'unauthenticated']);
    const wrong = await inbound(smsFor(phone, 1010, null), { [smsGatewaySecretHeader]: 'not-the-secret-at-all' });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'forbidden']);
    const withSession = await api(server.url, 'POST', '/api/sms/inbound', {
      cookie: admin,
      body: { from: '+49', text: smsFor(phone, 1010, null) },
    });
    expect(withSession.status).toBe(401);
  });

  it('carries messages live between receiver and sender, and lists them oldest first', async () => {
    server = await startTestServer({ backend });
    const [anna, jonas, thomas] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'thomas.klein'].map((n) => server.login(login(n))),
    );
    const phone = await enrol(anna!);
    const phoneWs = await connect({ token: phone.token });
    const jonasWs = await connect({ cookie: jonas! });
    const thomasWs = await connect({ cookie: thomas! });
    const alarm = (await raiseFromPhone(phone, randomUUID(), here)).body.alarm;

    const toSender = await api(server.url, 'POST', `/api/alarms/${alarm.id}/messages`, {
      cookie: jonas,
      body: { text: 'Bin in 3 Minuten da' },
    });
    expect(toSender.status).toBe(201);
    expect(toSender.body).toMatchObject({ alarmId: alarm.id, author: { firstName: 'Jonas', lastName: 'Becker' } });
    const atPhone = await phoneWs.next((f) => f.kind === 'event' && f.event.type === 'alarm.message');
    expect(atPhone).toMatchObject({
      forYou: false,
      event: { alarmId: alarm.id, message: { text: 'Bin in 3 Minuten da' } },
    });

    const toReceiver = await api(server.url, 'POST', `/api/alarms/${alarm.id}/messages`, {
      token: phone.token,
      body: { text: 'Hinterausgang, 2. Stock' },
    });
    expect(toReceiver.body.author).toMatchObject({ firstName: 'Anna', lastName: 'Schmidt' });
    await jonasWs.next(
      (f) =>
        f.kind === 'event' && f.event.type === 'alarm.message' && f.event.message.text === 'Hinterausgang, 2. Stock',
    );

    const listed = await api(server.url, 'GET', `/api/alarms/${alarm.id}/messages`, { cookie: anna });
    expect(listed.body.map((m: { text: string }) => m.text)).toEqual([
      'Bin in 3 Minuten da',
      'Hinterausgang, 2. Stock',
    ]);

    // Thomas (another department) is not alerted: he neither reads nor writes, nor is told.
    expect((await api(server.url, 'GET', `/api/alarms/${alarm.id}/messages`, { cookie: thomas })).status).toBe(404);
    const intruder = await api(server.url, 'POST', `/api/alarms/${alarm.id}/messages`, {
      cookie: thomas,
      body: { text: 'x' },
    });
    expect(intruder.status).toBe(404);
    expect(thomasWs.events().some((e) => e.event.type === 'alarm.message')).toBe(false);
  });
});

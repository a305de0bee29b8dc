import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

/** Set every step's minimum of online receivers to 0: the plan then escalates on timeouts only. */
async function timeoutsOnly(s: TestServer, admin: string): Promise<void> {
  const plans = (await api(s.url, 'GET', '/api/admin/plans', { cookie: admin })).body;
  for (const { id, ...input } of plans) {
    for (const step of input.steps) step.minOnline = 0;
    await api(s.url, 'PUT', `/api/admin/plans/${id}`, { cookie: admin, body: input });
  }
}
const raise = (s: TestServer, cookie: string, body: object = { source: 'console' }, key = randomUUID()) =>
  api(s.url, 'POST', '/api/alarms', { cookie, body, headers: { 'idempotency-key': key } });

describe.each(backends)('alarm lifecycle on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const connect = async (cookie: string, since?: string) => {
    const c = await TestRealtime.connect(server.url, { cookie }, since);
    clients.push(c);
    return c;
  };

  it('raises, delivers with every field, acknowledges, is cancelled and resolved', async () => {
    server = await startTestServer({ backend });
    const [anna, jonas, leitstelle] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'leitstelle'].map((n) => server.login(login(n))),
    );
    const jonasWs = await connect(jonas!);
    const leitWs = await connect(leitstelle!);
    const annaWs = await connect(anna!);

    const raised = await raise(server, anna!);
    expect(raised.status).toBe(201);
    const alarm = raised.body.alarm;
    expect(alarm).toMatchObject({ status: 'raised', step: 1, steps: 3, test: false, source: 'console', alerted: 7 });
    expect(raised.body.receiversOnline).toBe(1);

    const seen = await jonasWs.alarmEvent('alarm.raised', alarm.id);
    expect(seen.forYou).toBe(true);
    expect(seen.event).toMatchObject({
      alarm: {
        sender: { firstName: 'Anna', lastName: 'Schmidt', phone: '+49 221 555-100' },
        location: { building: 'Rathaus', floor: 'Erdgeschoss', room: 'E.01 Bürgerbüro Schalter 1' },
        source: 'console',
        test: false,
      },
    });
    // The control centre watches the overview but is not alerted before step 3.
    expect((await leitWs.alarmEvent('alarm.raised', alarm.id)).forYou).toBe(false);
    // After a reload the list says the same: Jonas was alerted, the control centre not (yet).
    expect((await api(server.url, 'GET', '/api/alarms?open=true', { cookie: jonas })).body.forYou).toEqual([alarm.id]);
    expect((await api(server.url, 'GET', '/api/alarms?open=true', { cookie: leitstelle })).body.forYou).toEqual([]);

    // Jonas's screen confirms receipt; the sender and the overview learn it was delivered.
    jonasWs.send({ kind: 'receipt', alarmId: alarm.id });
    expect((await annaWs.alarmEvent('alarm.delivered', alarm.id)).event).toMatchObject({
      alarm: { status: 'delivered' },
    });
    await leitWs.alarmEvent('alarm.delivered', alarm.id);
    expect(jonasWs.events().some((e) => e.event.type === 'alarm.delivered')).toBe(false);
    const detail = await api(server.url, 'GET', `/api/alarms/${alarm.id}`, { cookie: jonas });
    const jonasState = detail.body.receivers.find((r: { firstName: string }) => r.firstName === 'Jonas');
    expect(jonasState.deliveredAt).not.toBeNull();
    expect(jonasState.step).toBe(1);

    const responded = await api(server.url, 'POST', `/api/alarms/${alarm.id}/respond`, {
      cookie: jonas,
      body: { response: 'coming' },
    });
    expect(responded.status).toBe(200);
    expect(responded.body).toMatchObject({
      status: 'acknowledged',
      nextEscalationAt: null,
      responders: [{ firstName: 'Jonas', response: 'coming' }],
    });

    // The sender sees who is coming.
    const mine = await api(server.url, 'GET', '/api/alarms?open=true', { cookie: anna });
    expect(mine.body.alarms[0].responders[0].lastName).toBe('Becker');

    const cancelled = await api(server.url, 'POST', `/api/alarms/${alarm.id}/cancel`, { cookie: anna });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelledAt).not.toBeNull();
    // A cancel does not close the alarm: someone must check in person and give the all-clear.
    expect(cancelled.body.resolvedAt).toBeNull();
    await jonasWs.alarmEvent('alarm.cancelled', alarm.id);

    const resolved = await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, {
      cookie: jonas,
      body: { outcome: 'false_alarm' },
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'false_alarm', resolvedBy: 'Jonas Becker' });
    const again = await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, {
      cookie: jonas,
      body: { outcome: 'real' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');

    const audit = await api(server.url, 'GET', '/api/admin/audit?limit=50', {
      cookie: await server.login(login('it')),
    });
    const actions = audit.body.map((e: { action: string }) => e.action);
    for (const a of [
      'alarm.raised',
      'alarm.delivered',
      'alarm.responded',
      'alarm.cancelled',
      'alarm.resolved',
      'login',
    ])
      expect(actions).toContain(a);
  });

  it('returns the same alarm for a repeated idempotency key, also when repeats race', async () => {
    server = await startTestServer({ backend });
    const anna = await server.login(login('anna.schmidt'));
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => raise(server, anna, { source: 'hotkey' }, key)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => a.body.alarm.id)).size).toBe(1);
    expect(answers.filter((a) => !a.body.replayed)).toHaveLength(1);

    const different = await raise(server, anna, { source: 'hotkey', test: true }, key);
    expect(different.status).toBe(409);
    expect(different.body.error.code).toBe('idempotency_conflict');

    const list = await api(server.url, 'GET', '/api/alarms', { cookie: anna });
    expect(list.body.alarms).toHaveLength(1);
  });

  it('escalates on timeouts held in the database, also across a restart', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const [anna, thomas, leitstelle, admin] = await Promise.all(
      ['anna.schmidt', 'thomas.klein', 'leitstelle', 'it'].map((n) => server.login(login(n))),
    );
    // Timeouts only: the fake clock jumps, so who counts as online would change with it.
    await timeoutsOnly(server, admin!);
    const thomasWs = await connect(thomas!);
    const leitWs = await connect(leitstelle!);
    const { body } = await raise(server, anna!);
    const id: string = body.alarm.id;

    clock.advance(29_000);
    await server.wachsam.tick();
    expect((await api(server.url, 'GET', `/api/alarms/${id}`, { cookie: anna })).body.alarm.step).toBe(1);

    clock.advance(2_000);
    await server.wachsam.tick();
    // Step 2: the whole building (Thomas works upstairs) and the security desk.
    const step2 = await thomasWs.alarmEvent('alarm.escalated', id);
    expect(step2.forYou).toBe(true);
    expect(step2.event).toMatchObject({ alarm: { step: 2, callPolice: false } });
    expect((await leitWs.alarmEvent('alarm.escalated', id)).forYou).toBe(false);

    // Restart: a new server process on the same database finds the timer and carries on.
    await server.wachsam.close();
    const restarted = await (
      await import('../app.js')
    ).createWachsam((await import('../config.js')).loadConfig({ PORT: '0', LOG_LEVEL: 'warn' }), {
      clock,
      database: server.database,
      timers: false,
    });
    try {
      const url = await restarted.listen();
      clock.advance(61_000);
      expect(await restarted.services.alarms.escalateDue()).toBe(1);
      const detail = (await api(url, 'GET', `/api/alarms/${id}`, { cookie: leitstelle })).body;
      expect(detail.alarm).toMatchObject({ step: 3, callPolice: true, nextEscalationAt: null });
      expect(
        detail.receivers.some((r: { firstName: string; step: number }) => r.firstName === 'Leitstelle' && r.step === 3),
      ).toBe(true);
      // Nothing left to escalate after the last step.
      clock.advance(600_000);
      expect(await restarted.services.alarms.escalateDue()).toBe(0);
    } finally {
      await restarted.close();
    }
  });

  it('keeps a test alarm at step 1 and marks it as a test', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const anna = await server.login(login('anna.schmidt'));
    const { body } = await raise(server, anna, { source: 'console', test: true });
    expect(body.alarm).toMatchObject({ test: true, nextEscalationAt: null });
    clock.advance(3600_000);
    expect(await server.wachsam.services.alarms.escalateDue()).toBe(0);
    expect((await api(server.url, 'GET', `/api/alarms/${body.alarm.id}`, { cookie: anna })).body.alarm.step).toBe(1);
  });

  it('a colleague alerted as plain employee can answer; one who was not alerted cannot', async () => {
    server = await startTestServer({ backend });
    const [anna, admin] = await Promise.all(['anna.schmidt', 'it'].map((n) => server.login(login(n))));
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: admin })).body;
    const withLogin = async (lastName: string, name: string) => {
      const p = people.find((x: { lastName: string }) => x.lastName === lastName);
      const { id, ...rest } = p;
      await api(server.url, 'PUT', `/api/admin/people/${id}`, { cookie: admin, body: { ...rest, login: login(name) } });
      await api(server.url, 'PUT', `/api/admin/people/${id}/password`, {
        cookie: admin,
        body: { password: 'lang-genug-123' },
      });
      return server.login(login(name), 'lang-genug-123');
    };
    const claudia = await withLogin('Hartmann', 'claudia.hartmann'); // employee, same floor
    const olga = await withLogin('Schwarz', 'olga.schwarz'); // employee, other building
    const { body } = await raise(server, anna!);
    const ok = await api(server.url, 'POST', `/api/alarms/${body.alarm.id}/respond`, {
      cookie: claudia,
      body: { response: 'coming' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.responders[0].lastName).toBe('Hartmann');
    const refused = await api(server.url, 'POST', `/api/alarms/${body.alarm.id}/respond`, {
      cookie: olga,
      body: { response: 'coming' },
    });
    expect(refused.status).toBe(404);
  });

  it('records every responder; a repeat by the same person changes nothing; both answers are kept', async () => {
    server = await startTestServer({ backend });
    const [anna, jonas, pforte] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'pforte'].map((n) => server.login(login(n))),
    );
    const annaWs = await connect(anna!);
    const { body } = await raise(server, anna!);
    const id = body.alarm.id;
    const respond = (cookie: string, response: string) =>
      api(server.url, 'POST', `/api/alarms/${id}/respond`, { cookie, body: { response } });

    expect((await respond(jonas!, 'coming')).status).toBe(200);
    // The second "Ich komme" on an acknowledged alarm used to answer 500 and be lost.
    const second = await respond(pforte!, 'coming');
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('acknowledged');
    const coming = (a: { responders: Array<{ lastName: string; response: string }> }) =>
      a.responders.filter((r) => r.response === 'coming').map((r) => r.lastName);
    expect(coming(second.body)).toEqual(['Becker', 'Hoffmann']);
    await annaWs.next(
      (f) =>
        f.kind === 'event' &&
        f.event.type === 'alarm.responded' &&
        'alarm' in f.event &&
        coming(f.event.alarm).length === 2,
    );

    // The same answer again is idempotent: same state, no new event for the sender.
    const repeat = await respond(jonas!, 'coming');
    expect(repeat.status).toBe(200);
    expect(coming(repeat.body)).toEqual(['Becker', 'Hoffmann']);
    // A helper who is coming and also called the police is both.
    const police = await respond(jonas!, 'police_called');
    expect(
      police.body.responders.map((r: { lastName: string; response: string }) => `${r.lastName}:${r.response}`),
    ).toEqual(['Becker:coming', 'Hoffmann:coming', 'Becker:police_called']);
    await annaWs.next(
      (f) =>
        f.kind === 'event' &&
        f.event.type === 'alarm.responded' &&
        'alarm' in f.event &&
        f.event.alarm.responders.length === 3,
    );
    const responded = annaWs.events().filter((e) => e.event.type === 'alarm.responded');
    expect(responded).toHaveLength(3);
    const detail = await api(server.url, 'GET', `/api/alarms/${id}`, { cookie: pforte });
    const becker = detail.body.receivers.find((r: { lastName: string }) => r.lastName === 'Becker');
    expect(becker.comingAt).not.toBeNull();
    expect(becker.policeCalledAt).not.toBeNull();
  });

  it('an acknowledged alarm does not escalate', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server.login(login(n))));
    const { body } = await raise(server, anna!);
    await api(server.url, 'POST', `/api/alarms/${body.alarm.id}/respond`, {
      cookie: jonas,
      body: { response: 'police_called' },
    });
    clock.advance(600_000);
    expect(await server.wachsam.services.alarms.escalateDue()).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

describe.each(backends)('presence-aware escalation and cancel on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const connect = async (cookie: string) => {
    const c = await TestRealtime.connect(server.url, { cookie });
    clients.push(c);
    return c;
  };
  const raise = (cookie: string, body: object = { source: 'console' }) =>
    api(server.url, 'POST', '/api/alarms', { cookie, body, headers: { 'idempotency-key': randomUUID() } });

  it('widens at once when nobody of the first step is online: the desk gets the first frame', async () => {
    server = await startTestServer({ backend, clock: new FakeClock() });
    // Thomas works upstairs; the desk (Pforte, ground floor) is in his step 2, not his step 1.
    const [thomas, pforte] = await Promise.all(['thomas.klein', 'pforte'].map((n) => server.login(login(n))));
    const desk = await connect(pforte!);
    const raised = await raise(thomas!);
    expect(raised.status).toBe(201);
    // Step 1 (his floor and department) has nobody online: step 2 (building and desk) is alerted now.
    expect(raised.body.alarm.step).toBe(2);
    expect(raised.body.receiversOnline).toBe(1);
    const first = await desk.alarmEvent('alarm.raised', raised.body.alarm.id);
    expect(first.forYou).toBe(true);
    expect(first.event).toMatchObject({ alarm: { step: 2 } });
  });

  it('keeps step 1 when its minimum is 0 or enough receivers are online', async () => {
    server = await startTestServer({ backend, clock: new FakeClock() });
    const [anna, jonas, admin] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'it'].map((n) => server.login(login(n))),
    );
    await connect(jonas!);
    expect((await raise(anna!)).body.alarm.step).toBe(1);
    await clients.pop()!.close();
    // The plan's first step asks for none online: it waits for its timeout even with nobody there.
    const plans = (await api(server.url, 'GET', '/api/admin/plans', { cookie: admin })).body;
    const plan = plans.find((p: { scope: { kind: string } }) => p.scope.kind === 'organisation');
    const { id, ...input } = plan;
    input.steps[0].minOnline = 0;
    expect((await api(server.url, 'PUT', `/api/admin/plans/${id}`, { cookie: admin, body: input })).status).toBe(200);
    expect((await raise(anna!)).body.alarm.step).toBe(1);
  });

  it('escalates on at once when the step reached by the timeout has nobody online', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const [anna, jonas, leitstelle] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'leitstelle'].map((n) => server.login(login(n))),
    );
    await connect(jonas!);
    const leit = await connect(leitstelle!);
    const { body } = await raise(anna!);
    expect(body.alarm.step).toBe(1);
    clock.advance(31_000);
    await server.wachsam.tick();
    // Step 2 has nobody online (Jonas was step 1): the control centre follows in the same tick.
    const last = await leit.next(
      (f) => f.kind === 'event' && f.event.type === 'alarm.escalated' && 'alarm' in f.event && f.event.alarm.step === 3,
    );
    expect(last.kind === 'event' && last.forYou).toBe(true);
  });

  it('a cancel before any answer alerts the next step at once to check in person', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const [anna, jonas, pforte] = await Promise.all(
      ['anna.schmidt', 'jonas.becker', 'pforte'].map((n) => server.login(login(n))),
    );
    await connect(jonas!);
    const desk = await connect(pforte!);
    const { body } = await raise(anna!);
    const id = body.alarm.id;
    const cancelled = await api(server.url, 'POST', `/api/alarms/${id}/cancel`, { cookie: anna });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelledAt).not.toBeNull();
    expect(cancelled.body.nextEscalationAt).not.toBeNull();
    await server.wachsam.tick(); // no time passed: the next step is due now
    const step2 = await desk.alarmEvent('alarm.escalated', id);
    expect(step2.forYou).toBe(true);
    expect(step2.event).toMatchObject({ alarm: { step: 2, cancelledAt: expect.any(String) } });
  });

  it('a cancel after an answer leaves the escalation stopped', async () => {
    const clock = new FakeClock();
    server = await startTestServer({ backend, clock });
    const [anna, jonas] = await Promise.all(['anna.schmidt', 'jonas.becker'].map((n) => server.login(login(n))));
    await connect(jonas!);
    const { body } = await raise(anna!);
    await api(server.url, 'POST', `/api/alarms/${body.alarm.id}/respond`, {
      cookie: jonas,
      body: { response: 'coming' },
    });
    await api(server.url, 'POST', `/api/alarms/${body.alarm.id}/cancel`, { cookie: anna });
    clock.advance(600_000);
    expect(await server.wachsam.services.alarms.escalateDue()).toBe(0);
  });

  it('answers another press under a reused key with a conflict, never with the old alarm', async () => {
    server = await startTestServer({ backend, clock: new FakeClock() });
    const anna = await server.login(login('anna.schmidt'));
    const key = randomUUID();
    const send = (triggeredAt: string) =>
      api(server.url, 'POST', '/api/alarms', {
        cookie: anna,
        body: { source: 'console', test: true, triggeredAt },
        headers: { 'idempotency-key': key },
      });
    const first = await send('2026-11-23T08:59:00.000Z');
    expect(first.status).toBe(201);
    const retry = await send('2026-11-23T08:59:00.000Z');
    expect(retry.body).toMatchObject({ replayed: true, alarm: { id: first.body.alarm.id } });
    const otherPress = await send('2026-11-23T08:59:30.000Z');
    expect(otherPress.status).toBe(409);
    expect(otherPress.body.error.code).toBe('idempotency_conflict');
  });

  it('never lets the sender answer or clear their own real alarm, even with an overview role', async () => {
    server = await startTestServer({ backend, clock: new FakeClock() });
    const [pforte, jonas] = await Promise.all(['pforte', 'jonas.becker'].map((n) => server.login(login(n))));
    const { body } = await raise(pforte!);
    const id = body.alarm.id;
    const own = await api(server.url, 'POST', `/api/alarms/${id}/respond`, {
      cookie: pforte,
      body: { response: 'coming' },
    });
    expect(own.status).toBe(403);
    const clear = await api(server.url, 'POST', `/api/alarms/${id}/resolve`, {
      cookie: pforte,
      body: { outcome: 'false_alarm' },
    });
    expect(clear.status).toBe(403);
    const byColleague = await api(server.url, 'POST', `/api/alarms/${id}/resolve`, {
      cookie: jonas,
      body: { outcome: 'false_alarm' },
    });
    expect(byColleague.status).toBe(200);
  });
});

import { api } from '@wachsam/server/testing';
import { describe, expect, it } from 'vitest';
import { agent, startAgent, stopAgent, waitFor, waitForOutput, useAgentHarness } from './helpers/agent.js';

/**
 * What `run` shows about alarms that were raised or answered while it was not listening, and
 * what it tells about "Polizei verständigt" and a cancel: the built agent against the real
 * server (issue 8).
 */
describe('desktop agent: the state of open alarms and what it tells', () => {
  const h = useAgentHarness();

  it('tells the sender who is coming when `run` starts after the trigger, once per start', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-LATERUN');
    // Ctrl+Alt+H ran `trigger` while `run` was not running; Petra Hoffmann answers "Ich komme".
    const trigger = await agent(dir, 'trigger');
    expect(trigger.code, trigger.stderr).toBe(0);
    const [alarm] = await h.alarmsOf(deviceId);
    const pforte = await h.server.login('pforte@musterstadt.example');
    const respond = await api(h.server.url, 'POST', `/api/alarms/${alarm!.id}/respond`, {
      cookie: pforte,
      body: { response: 'coming' },
    });
    expect(respond.status, JSON.stringify(respond.body)).toBe(200);

    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    await waitForOutput(run, /Hilfe kommt: \d+ alarmiert, 1 unterwegs \(Petra Hoffmann\)\./);
    await waitForOutput(run, /Offene Alarme abgeglichen: 1/);
    expect(run.output()).not.toContain('Wachsam ALARM');

    // Live from here: the sender cancels (perhaps forced to); somebody still comes to look.
    const cancel = await api(h.server.url, 'POST', `/api/alarms/${alarm!.id}/cancel`, {
      token: await h.deviceToken(dir),
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await waitForOutput(run, /Abgebrochen – es schaut trotzdem jemand nach\. 1 unterwegs \(Petra Hoffmann\)\./);
    expect(run.output().match(/1 unterwegs \(Petra Hoffmann\)/g)).toHaveLength(2);

    // A restart (with a resume point now) tells the current state again, once.
    expect(await stopAgent(run)).toBe(0);
    const again = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(again);
    await waitForOutput(again, /Offene Alarme abgeglichen: 1/);
    expect(again.output().match(/Abgebrochen – es schaut trotzdem jemand nach\. 1 unterwegs/g)).toHaveLength(1);
  });

  it('tells "Polizei verständigt" as what it is, and a cancel to sender and receiver', async () => {
    const sender = await h.enrolledAgent('PC-E2E-POLICE');
    const receiver = await h.enrolledAgent('PC-E2E-POLICE-JONAS', 'jonas.becker@musterstadt.example', 'E.02');
    const annaRun = startAgent(sender.dir, ['run', '--no-function-test']);
    const jonasRun = startAgent(receiver.dir, ['run', '--no-function-test']);
    h.running.push(annaRun, jonasRun);
    await waitForOutput(annaRun, /Offene Alarme abgeglichen: 0/);
    await waitForOutput(jonasRun, /Offene Alarme abgeglichen: 0/);

    const trigger = await agent(sender.dir, 'trigger');
    expect(trigger.code, trigger.stderr).toBe(0);
    await waitForOutput(jonasRun, /Wachsam ALARM: Anna Schmidt braucht Hilfe/);
    const [alarm] = await h.alarmsOf(sender.deviceId);
    const jonas = await h.server.login('jonas.becker@musterstadt.example');
    const police = await api(h.server.url, 'POST', `/api/alarms/${alarm!.id}/respond`, {
      cookie: jonas,
      body: { response: 'police_called' },
    });
    expect(police.status, JSON.stringify(police.body)).toBe(200);
    await waitForOutput(annaRun, /Polizei verständigt \(Jonas Becker\) – noch niemand unterwegs\./);
    expect(annaRun.output()).not.toMatch(/Hilfe kommt|0 unterwegs/);

    const cancel = await api(h.server.url, 'POST', `/api/alarms/${alarm!.id}/cancel`, {
      token: await h.deviceToken(sender.dir),
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await waitForOutput(annaRun, /Abgebrochen – es schaut trotzdem jemand nach\./);
    await waitForOutput(jonasRun, /Abbruch durch die auslösende Person – bitte trotzdem persönlich nachsehen/);
    expect(jonasRun.output().match(/Wachsam ALARM:/g)).toHaveLength(1);
  });

  it("alerts once for a colleague's alarm raised while `run` was stopped, never for one already over", async () => {
    const { dir } = await h.enrolledAgent('PC-E2E-JONASLATE', 'jonas.becker@musterstadt.example', 'E.02');
    // A first start leaves a resume point; the alarms come while the agent is stopped, so they
    // reach it twice at the next start: as history after the resume point and in the open list.
    const first = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(first);
    await waitForOutput(first, /Offene Alarme abgeglichen: 0/);
    expect(await stopAgent(first)).toBe(0);

    const anna = await h.server.login('anna.schmidt@musterstadt.example');
    const pforte = await h.server.login('pforte@musterstadt.example');
    const raise = async (key: string) => {
      const res = await api(h.server.url, 'POST', '/api/alarms', {
        cookie: anna,
        headers: { 'idempotency-key': key },
        body: { source: 'console' },
      });
      expect(res.status).toBe(201);
      return res.body.alarm.id as string;
    };
    const over = await raise(`e2e-late-over-${Date.now()}`);
    await api(h.server.url, 'POST', `/api/alarms/${over}/resolve`, {
      cookie: pforte,
      body: { outcome: 'false_alarm' },
    });
    const open = await raise(`e2e-late-open-${Date.now()}`);

    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    await waitForOutput(run, /Offene Alarme abgeglichen: 1/);
    expect(run.output().match(/Wachsam ALARM: Anna Schmidt braucht Hilfe/g)).toHaveLength(1);
    await waitFor('receipt recorded', async () => {
      const detail = await api(h.server.url, 'GET', `/api/alarms/${open}`, { cookie: h.adminCookie });
      const jonas = (detail.body.receivers as Array<{ firstName: string; deliveredAt: string | null }>).find(
        (r) => r.firstName === 'Jonas',
      );
      return jonas?.deliveredAt ?? undefined;
    });
  });
});

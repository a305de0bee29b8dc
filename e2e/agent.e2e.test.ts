import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentConfigFile } from '@wachsam/protocol';
import { api } from '@wachsam/server/testing';
import { agent, startAgent, stopAgent, waitFor, waitForOutput, useAgentHarness } from './helpers/agent.js';

/**
 * The BUILT desktop agent against the real server, as a person or an installer would run it:
 * enrolment, the outbox through network failures and kills, `run`, function tests (helpers and
 * the relay that makes the network fail are in `helpers/agent.ts`).
 */
describe('desktop agent (built CLI) against the real server', () => {
  const h = useAgentHarness();

  it('triggers from the demo workstation the server wrote on first start', async () => {
    const dir = join(h.server.dataDir, 'demo-agent');
    const config = AgentConfigFile.parse(JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')));
    const before = (await h.alarmsOf(config.enrolment.deviceId)).length;

    const result = await agent(dir, 'trigger');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/^Alarm ausgelöst – /);

    const alarms = await h.alarmsOf(config.enrolment.deviceId);
    expect(alarms).toHaveLength(before + 1);
    expect(alarms[0]).toMatchObject({ source: 'hotkey', test: false, sender: { firstName: 'Anna' } });
    expect(await h.pendingFiles(dir)).toEqual([]);
  });

  it('enrolls with a one-time code, keeps the token private, and raises one alarm per press', async () => {
    const { code, deviceId } = await h.newWorkstation('PC-E2E-ENROL', 'anna.schmidt@musterstadt.example', 'E.02');
    const dir = await h.freshDir();
    const enrol = await agent(dir, 'enroll', '--server', h.relay.url, '--code', code);
    expect(enrol.code, enrol.stderr).toBe(0);
    expect(enrol.stdout).toContain('Registriert: PC-E2E-ENROL');

    const configFile = join(dir, 'agent.json');
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    const config = AgentConfigFile.parse(JSON.parse(await readFile(configFile, 'utf8')));
    expect(config.enrolment.deviceId).toBe(deviceId);
    expect(config.server).toBe(h.relay.url);

    // The code is spent.
    const again = await agent(await h.freshDir(), 'enroll', '--server', h.relay.url, '--code', code);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Registrierung fehlgeschlagen');

    const first = await agent(dir, 'trigger', '--source', 'desktop_icon');
    expect(first.code, first.stderr).toBe(0);
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
    expect((await h.alarmsOf(deviceId))[0]?.source).toBe('desktop_icon');

    const second = await agent(dir, 'trigger', '--source', 'hardware_button', '--test');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^Testalarm ausgelöst/);
    const alarms = await h.alarmsOf(deviceId);
    expect(alarms).toHaveLength(2);
    expect(alarms.find((a) => a.source === 'hardware_button')?.test).toBe(true);
    expect(await h.pendingFiles(dir)).toEqual([]);

    const status = await agent(dir, 'status');
    expect(status.stdout).toContain('Ausstehende Alarme: 0');
    expect(status.stdout).toContain('Arbeitsplatz: PC-E2E-ENROL');
  });

  it('keeps an alarm raised while the server is unreachable and `run` delivers it exactly once', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-OFFLINE');
    await h.relay.stop();

    const started = Date.now();
    const trigger = await agent(dir, 'trigger', '--wait', '2', '--no-background');
    expect(trigger.code).toBe(3);
    expect(trigger.stdout.trim()).toBe('Alarm noch nicht zugestellt – wird weiter gesendet');
    // Its own 2 s and a process start on a busy machine (end-to-end files run two at a time),
    // well below the default wait of 10 s it would take without --wait.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await h.pendingFiles(dir)).toHaveLength(1);
    expect((await agent(dir, 'status')).stdout).toContain('Ausstehende Alarme: 1');
    expect(await h.alarmsOf(deviceId)).toHaveLength(0);

    await h.relay.start();
    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    await waitForOutput(run, /Nachgesendet/);
    expect(await h.pendingFiles(dir)).toEqual([]);
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
    // Draining again (every few seconds) must not raise it twice.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
    expect(await stopAgent(run)).toBe(0);
  });

  it('starts a background sender for a pending alarm when `run` is not running', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-BACKGROUND');
    await h.relay.stop();
    const trigger = await agent(dir, 'trigger', '--wait', '1');
    expect(trigger.code).toBe(3);
    expect(await h.pendingFiles(dir)).toHaveLength(1);

    await h.relay.start();
    await waitFor('background delivery', async () => ((await h.pendingFiles(dir)).length === 0 ? true : undefined));
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
  });

  it('retries an alarm whose answer was lost after the commit with the same key: still one alarm', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-LOSTANSWER');
    h.relay.mode = 'swallow';
    const trigger = await agent(dir, 'trigger', '--wait', '2', '--no-background');
    expect(trigger.code).toBe(3);
    // The server did commit it; the agent cannot know.
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
    const [file] = await h.pendingFiles(dir);
    expect(file).toBeDefined();

    h.relay.mode = 'forward';
    const drain = await agent(dir, 'drain', '--max', '10');
    expect(drain.code, drain.stderr).toBe(0);
    expect(await h.pendingFiles(dir)).toEqual([]);
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
  });

  it('leaves a press in the outbox when the agent is killed mid-flight, and sends it once later', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-KILLED');
    h.relay.mode = 'blackhole';
    const trigger = startAgent(dir, ['trigger', '--no-background']);
    const [file] = await waitFor('outbox entry', async () => {
      const files = await h.pendingFiles(dir);
      return files.length > 0 ? files : undefined;
    });
    trigger.kill('SIGKILL');
    await new Promise((r) => trigger.once('exit', r));
    expect(await h.pendingFiles(dir)).toEqual([file]);
    const entry = JSON.parse(await readFile(join(dir, 'outbox', file!), 'utf8'));
    expect(entry.key).toMatch(/^wa-/);

    h.relay.mode = 'forward';
    const drain = await agent(dir, 'drain', '--max', '10');
    expect(drain.code, drain.stderr).toBe(0);
    expect(await h.alarmsOf(deviceId)).toHaveLength(1);
    expect(await h.pendingFiles(dir)).toEqual([]);
  });

  it('proves its alarm path at start and on request, and tells the sender who is coming', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-RUN');
    const run = startAgent(dir, ['run']);
    h.running.push(run);
    await waitForOutput(run, /Funktionstest bestanden/, 20_000);
    const tests = async () =>
      (await api(h.server.url, 'GET', '/api/admin/function-tests', { cookie: h.adminCookie })).body as Array<{
        id: string;
        deviceId: string;
        result: string;
      }>;
    await waitFor(
      'passed function test on the server',
      async () => (await tests()).some((t) => t.deviceId === deviceId && t.result === 'passed') || undefined,
    );

    const requested = await api(h.server.url, 'POST', `/api/admin/devices/${deviceId}/function-test`, {
      cookie: h.adminCookie,
    });
    expect(requested.status).toBe(201);
    await waitFor('requested function test passed', async () =>
      (await tests()).find((t) => t.id === requested.body.id && t.result === 'passed'),
    );

    const trigger = await agent(dir, 'trigger');
    expect(trigger.code, trigger.stderr).toBe(0);
    const [alarm] = await h.alarmsOf(deviceId);
    const jonas = await h.server.login('jonas.becker@musterstadt.example');
    const respond = await api(h.server.url, 'POST', `/api/alarms/${alarm!.id}/respond`, {
      cookie: jonas,
      body: { response: 'coming' },
    });
    expect(respond.status, JSON.stringify(respond.body)).toBe(200);
    await waitForOutput(run, /Hilfe kommt: \d+ alarmiert, 1 unterwegs \(Jonas Becker\)/);
  });

  it('reports a failed start test loudly and proves the path once the server is back', async () => {
    const { dir } = await h.enrolledAgent('PC-E2E-BOOTOFFLINE');
    await h.relay.stop();
    const run = startAgent(dir, ['run']);
    h.running.push(run);
    await waitForOutput(run, /FUNKTIONSTEST FEHLGESCHLAGEN: Keine Echtzeitverbindung/, 20_000);
    expect(run.exitCode).toBeNull();
    await h.relay.start();
    await waitForOutput(run, /Funktionstest bestanden/, 20_000);
    expect((await agent(dir, 'status')).stdout).toMatch(/Letzter Funktionstest: .* bestanden/);
  }, 60_000);

  it("shows a colleague's alarm on the receiver's PC and confirms receipt", async () => {
    const { dir } = await h.enrolledAgent('PC-E2E-JONAS', 'jonas.becker@musterstadt.example', 'E.02');
    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    await waitForOutput(run, /Verbunden mit dem Alarmserver/);

    const anna = await h.server.login('anna.schmidt@musterstadt.example');
    const raised = await api(h.server.url, 'POST', '/api/alarms', {
      cookie: anna,
      headers: { 'idempotency-key': `e2e-${Date.now()}` },
      body: { source: 'console' },
    });
    expect(raised.status).toBe(201);
    await waitForOutput(run, /Wachsam ALARM: Anna Schmidt braucht Hilfe/);

    const alarmId = raised.body.alarm.id as string;
    await waitFor('receipt recorded', async () => {
      const detail = await api(h.server.url, 'GET', `/api/alarms/${alarmId}`, { cookie: h.adminCookie });
      const jonas = (detail.body.receivers as Array<{ firstName: string; deliveredAt: string | null }>).find(
        (r) => r.firstName === 'Jonas',
      );
      return jonas?.deliveredAt ?? undefined;
    });
  });

  it('after a reconnect shows the alarm still open and not the one resolved meanwhile', async () => {
    const { dir } = await h.enrolledAgent('PC-E2E-RESUME', 'jonas.becker@musterstadt.example', 'E.02');
    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    await waitForOutput(run, /Verbunden mit dem Alarmserver/);
    await h.relay.stop();

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
    const over = await raise(`e2e-over-${Date.now()}`);
    const resolved = await api(h.server.url, 'POST', `/api/alarms/${over}/resolve`, {
      cookie: pforte,
      body: { outcome: 'false_alarm' },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    await raise(`e2e-open-${Date.now()}`);

    await h.relay.start();
    await waitForOutput(run, /Wachsam ALARM: Anna Schmidt braucht Hilfe/, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(run.output().match(/Wachsam ALARM:/g)).toHaveLength(1);
  }, 60_000);

  it('signals a lost server connection within about 20 s and its return', async () => {
    const { dir } = await h.enrolledAgent('PC-E2E-LOST');
    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    await waitForOutput(run, /Verbunden mit dem Alarmserver/);
    const cut = Date.now();
    await h.relay.stop();
    await waitForOutput(run, /Verbindung unterbrochen/, 30_000);
    const noticedAfter = Date.now() - cut;
    expect(noticedAfter).toBeLessThan(23_000);
    await h.relay.start();
    await waitForOutput(run, /Verbindung zum Alarmserver wiederhergestellt/, 15_000);
  }, 90_000);

  it('does not send a press older than 15 minutes: kept in failed/ as too_old, told loudly', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-TOOOLD');
    // A press from an hour ago that never got out (the PC was off the network since).
    const pressedAt = new Date(Date.now() - 60 * 60_000);
    const entry = {
      version: 1,
      key: `wa-${randomUUID()}`,
      request: { source: 'hotkey', test: false, functionTest: false, triggeredAt: pressedAt.toISOString() },
    };
    await mkdir(join(dir, 'outbox'), { recursive: true });
    await writeFile(
      join(dir, 'outbox', `${String(pressedAt.getTime()).padStart(15, '0')}-${entry.key}.json`),
      JSON.stringify(entry),
    );

    const drain = await agent(dir, 'drain', '--max', '10');
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toContain('ALARM NICHT GESENDET');
    expect(drain.stdout).toContain('Falls noch nötig: neu auslösen oder 110.');
    expect(await h.pendingFiles(dir)).toEqual([]);
    const [failed] = await readdir(join(dir, 'outbox', 'failed'));
    expect(JSON.parse(await readFile(join(dir, 'outbox', 'failed', failed!), 'utf8'))).toMatchObject({
      key: entry.key,
      code: 'too_old',
    });
    expect(await h.alarmsOf(deviceId)).toEqual([]);
  });

  it('reports a revoked device clearly and keeps the refused alarm in failed/', async () => {
    const { dir, deviceId } = await h.enrolledAgent('PC-E2E-REVOKED');
    const revoke = await api(h.server.url, 'POST', `/api/admin/devices/${deviceId}/revoke`, { cookie: h.adminCookie });
    expect(revoke.status).toBe(200);

    const trigger = await agent(dir, 'trigger', '--no-background');
    expect(trigger.code).toBe(4);
    expect(trigger.stderr).toContain('ALARM ABGELEHNT: dieses Gerät ist gesperrt');
    expect(await h.pendingFiles(dir)).toEqual([]);
    expect((await readdir(join(dir, 'outbox', 'failed'))).length).toBe(1);
    expect((await agent(dir, 'status')).stdout).toContain('Abgelehnte Alarme: 1');

    const run = startAgent(dir, ['run', '--no-function-test']);
    h.running.push(run);
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    expect(code).toBe(4);
    expect(run.output()).toContain('Dieses Gerät ist gesperrt (token_revoked). Dieser PC kann keine Alarme senden');
  });
});

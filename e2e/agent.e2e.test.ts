import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentConfigFile, type Alarm } from '@wachsam/protocol';
import { api, startTestServer, type TestServer } from '@wachsam/server/testing';

/**
 * The BUILT desktop agent (`node packages/agent/dist/cli.js`) against the real server, as a
 * person or an installer would run it. Network outages are made with a TCP relay between agent
 * and server that can be switched off, swallow answers, or hold requests forever: that is the
 * network failing, the server itself is real.
 */

const cliPath = fileURLToPath(new URL('../packages/agent/dist/cli.js', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The agent's environment: its own folder, no desktop session (no pop-ups while testing). */
function agentEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, WACHSAM_AGENT_DIR: dir, DISPLAY: '', WAYLAND_DISPLAY: '' };
}

function startAgent(dir: string, args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [cliPath, ...args], { env: agentEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

function agent(dir: string, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: agentEnv(dir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function waitForOutput(child: ChildProcess & { output: () => string }, pattern: RegExp, timeoutMs = 15_000) {
  return waitFor(
    `${pattern} in agent output:\n${child.output()}`,
    () => pattern.exec(child.output()) ?? undefined,
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n--- agent output ---\n${child.output()}`);
  });
}

function stopAgent(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** A TCP relay between agent and server: `forward`, `blackhole` (hold forever) or `swallow` (drop answers). */
class Relay {
  mode: 'forward' | 'blackhole' | 'swallow' = 'forward';
  port = 0;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly target: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** The network is gone: refuse new connections and cut the open ones. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.mode === 'blackhole') return;
    const upstream = net.connect(this.target, '127.0.0.1');
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (d) => upstream.write(d));
    if (this.mode === 'swallow') {
      // The request reaches the server and is committed; the answer is lost on the way back.
      upstream.on('data', () => undefined);
      setTimeout(() => client.destroy(), 1_500);
    } else {
      upstream.on('data', (d) => client.write(d));
      upstream.on('close', () => client.destroy());
    }
  }
}

describe('desktop agent (built CLI) against the real server', () => {
  let server: TestServer;
  let relay: Relay;
  let adminCookie: string;
  const dirs: string[] = [];
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(cliPath)) throw new Error(`${cliPath} fehlt: npx tsc -b packages/agent`);
    server = await startTestServer();
    relay = new Relay(Number(new URL(server.url).port));
    await relay.start();
    adminCookie = await server.login('it@musterstadt.example');
  });

  afterEach(async () => {
    relay.mode = 'forward';
    await relay.start();
    await Promise.all(running.splice(0).map(stopAgent));
  });

  afterAll(async () => {
    await Promise.all(running.splice(0).map(stopAgent));
    await relay?.stop();
    await server?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  async function freshDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'wachsam-agent-e2e-'));
    dirs.push(dir);
    return dir;
  }

  /** An administrator creates a workstation and hands out its one-time code. */
  async function newWorkstation(name: string, personLogin: string, room: string) {
    const rooms = await api(server.url, 'GET', '/api/admin/rooms', { cookie: adminCookie });
    const people = await api(server.url, 'GET', '/api/admin/people', { cookie: adminCookie });
    const roomId = (rooms.body as Array<{ id: string; name: string }>).find((r) => r.name.startsWith(room))?.id;
    const personId = (people.body as Array<{ id: string; login: string | null }>).find(
      (p) => p.login === personLogin,
    )?.id;
    const device = await api(server.url, 'POST', '/api/admin/devices', {
      cookie: adminCookie,
      body: { kind: 'workstation', name, roomId, personId },
    });
    expect(device.status).toBe(201);
    const code = await api(server.url, 'POST', `/api/admin/devices/${device.body.id}/enrolment-code`, {
      cookie: adminCookie,
    });
    expect(code.status).toBe(201);
    return { deviceId: device.body.id as string, code: code.body.code as string };
  }

  /** An enrolled agent folder talking to the server through the relay. */
  async function enrolledAgent(name: string, personLogin = 'anna.schmidt@musterstadt.example', room = 'E.02') {
    const { deviceId, code } = await newWorkstation(name, personLogin, room);
    const dir = await freshDir();
    const enrol = await agent(dir, 'enroll', '--server', relay.url, '--code', code);
    expect(enrol.code, enrol.stderr).toBe(0);
    return { dir, deviceId };
  }

  async function alarmsOf(deviceId: string): Promise<Alarm[]> {
    const list = await api(server.url, 'GET', '/api/alarms?limit=500', { cookie: adminCookie });
    expect(list.status).toBe(200);
    return (list.body.alarms as Alarm[]).filter((a) => a.deviceId === deviceId && !a.functionTest);
  }

  async function pendingFiles(dir: string): Promise<string[]> {
    return (await readdir(join(dir, 'outbox')).catch(() => [])).filter((f) => f.endsWith('.json'));
  }

  it('triggers from the demo workstation the server wrote on first start', async () => {
    const dir = join(server.dataDir, 'demo-agent');
    const config = AgentConfigFile.parse(JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')));
    const before = (await alarmsOf(config.enrolment.deviceId)).length;

    const result = await agent(dir, 'trigger');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/^Alarm ausgelöst – /);

    const alarms = await alarmsOf(config.enrolment.deviceId);
    expect(alarms).toHaveLength(before + 1);
    expect(alarms[0]).toMatchObject({ source: 'hotkey', test: false, sender: { firstName: 'Anna' } });
    expect(await pendingFiles(dir)).toEqual([]);
  });

  it('enrolls with a one-time code, keeps the token private, and raises one alarm per press', async () => {
    const { code, deviceId } = await newWorkstation('PC-E2E-ENROL', 'anna.schmidt@musterstadt.example', 'E.02');
    const dir = await freshDir();
    const enrol = await agent(dir, 'enroll', '--server', relay.url, '--code', code);
    expect(enrol.code, enrol.stderr).toBe(0);
    expect(enrol.stdout).toContain('Registriert: PC-E2E-ENROL');

    const configFile = join(dir, 'agent.json');
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    const config = AgentConfigFile.parse(JSON.parse(await readFile(configFile, 'utf8')));
    expect(config.enrolment.deviceId).toBe(deviceId);
    expect(config.server).toBe(relay.url);

    // The code is spent.
    const again = await agent(await freshDir(), 'enroll', '--server', relay.url, '--code', code);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Registrierung fehlgeschlagen');

    const first = await agent(dir, 'trigger', '--source', 'desktop_icon');
    expect(first.code, first.stderr).toBe(0);
    expect(await alarmsOf(deviceId)).toHaveLength(1);
    expect((await alarmsOf(deviceId))[0]?.source).toBe('desktop_icon');

    const second = await agent(dir, 'trigger', '--source', 'hardware_button', '--test');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^Testalarm ausgelöst/);
    const alarms = await alarmsOf(deviceId);
    expect(alarms).toHaveLength(2);
    expect(alarms.find((a) => a.source === 'hardware_button')?.test).toBe(true);
    expect(await pendingFiles(dir)).toEqual([]);

    const status = await agent(dir, 'status');
    expect(status.stdout).toContain('Ausstehende Alarme: 0');
    expect(status.stdout).toContain('Arbeitsplatz: PC-E2E-ENROL');
  });

  it('keeps an alarm raised while the server is unreachable and `run` delivers it exactly once', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-OFFLINE');
    await relay.stop();

    const started = Date.now();
    const trigger = await agent(dir, 'trigger', '--wait', '2', '--no-background');
    expect(trigger.code).toBe(3);
    expect(trigger.stdout.trim()).toBe('Alarm noch nicht zugestellt – wird weiter gesendet');
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(await pendingFiles(dir)).toHaveLength(1);
    expect((await agent(dir, 'status')).stdout).toContain('Ausstehende Alarme: 1');
    expect(await alarmsOf(deviceId)).toHaveLength(0);

    await relay.start();
    const run = startAgent(dir, ['run', '--no-function-test']);
    running.push(run);
    await waitForOutput(run, /Nachgesendet/);
    expect(await pendingFiles(dir)).toEqual([]);
    expect(await alarmsOf(deviceId)).toHaveLength(1);
    // Draining again (every few seconds) must not raise it twice.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await alarmsOf(deviceId)).toHaveLength(1);
    expect(await stopAgent(run)).toBe(0);
  });

  it('starts a background sender for a pending alarm when `run` is not running', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-BACKGROUND');
    await relay.stop();
    const trigger = await agent(dir, 'trigger', '--wait', '1');
    expect(trigger.code).toBe(3);
    expect(await pendingFiles(dir)).toHaveLength(1);

    await relay.start();
    await waitFor('background delivery', async () => ((await pendingFiles(dir)).length === 0 ? true : undefined));
    expect(await alarmsOf(deviceId)).toHaveLength(1);
  });

  it('retries an alarm whose answer was lost after the commit with the same key: still one alarm', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-LOSTANSWER');
    relay.mode = 'swallow';
    const trigger = await agent(dir, 'trigger', '--wait', '2', '--no-background');
    expect(trigger.code).toBe(3);
    // The server did commit it; the agent cannot know.
    expect(await alarmsOf(deviceId)).toHaveLength(1);
    const [file] = await pendingFiles(dir);
    expect(file).toBeDefined();

    relay.mode = 'forward';
    const drain = await agent(dir, 'drain', '--max', '10');
    expect(drain.code, drain.stderr).toBe(0);
    expect(await pendingFiles(dir)).toEqual([]);
    expect(await alarmsOf(deviceId)).toHaveLength(1);
  });

  it('leaves a press in the outbox when the agent is killed mid-flight, and sends it once later', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-KILLED');
    relay.mode = 'blackhole';
    const trigger = startAgent(dir, ['trigger', '--no-background']);
    const [file] = await waitFor('outbox entry', async () => {
      const files = await pendingFiles(dir);
      return files.length > 0 ? files : undefined;
    });
    trigger.kill('SIGKILL');
    await new Promise((r) => trigger.once('exit', r));
    expect(await pendingFiles(dir)).toEqual([file]);
    const entry = JSON.parse(await readFile(join(dir, 'outbox', file!), 'utf8'));
    expect(entry.key).toMatch(/^wa-/);

    relay.mode = 'forward';
    const drain = await agent(dir, 'drain', '--max', '10');
    expect(drain.code, drain.stderr).toBe(0);
    expect(await alarmsOf(deviceId)).toHaveLength(1);
    expect(await pendingFiles(dir)).toEqual([]);
  });

  it('proves its alarm path at start and on request, and tells the sender who is coming', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-RUN');
    const run = startAgent(dir, ['run']);
    running.push(run);
    await waitForOutput(run, /Funktionstest bestanden/, 20_000);
    const tests = async () =>
      (await api(server.url, 'GET', '/api/admin/function-tests', { cookie: adminCookie })).body as Array<{
        id: string;
        deviceId: string;
        result: string;
      }>;
    await waitFor(
      'passed function test on the server',
      async () => (await tests()).some((t) => t.deviceId === deviceId && t.result === 'passed') || undefined,
    );

    const requested = await api(server.url, 'POST', `/api/admin/devices/${deviceId}/function-test`, {
      cookie: adminCookie,
    });
    expect(requested.status).toBe(201);
    await waitFor('requested function test passed', async () =>
      (await tests()).find((t) => t.id === requested.body.id && t.result === 'passed'),
    );

    const trigger = await agent(dir, 'trigger');
    expect(trigger.code, trigger.stderr).toBe(0);
    const [alarm] = await alarmsOf(deviceId);
    const jonas = await server.login('jonas.becker@musterstadt.example');
    const respond = await api(server.url, 'POST', `/api/alarms/${alarm!.id}/respond`, {
      cookie: jonas,
      body: { response: 'coming' },
    });
    expect(respond.status, JSON.stringify(respond.body)).toBe(200);
    await waitForOutput(run, /Hilfe kommt: \d+ alarmiert, 1 unterwegs \(Jonas Becker\)/);
  });

  it('reports a failed start test loudly and proves the path once the server is back', async () => {
    const { dir } = await enrolledAgent('PC-E2E-BOOTOFFLINE');
    await relay.stop();
    const run = startAgent(dir, ['run']);
    running.push(run);
    await waitForOutput(run, /FUNKTIONSTEST FEHLGESCHLAGEN: Keine Echtzeitverbindung/, 20_000);
    expect(run.exitCode).toBeNull();
    await relay.start();
    await waitForOutput(run, /Funktionstest bestanden/, 20_000);
    expect((await agent(dir, 'status')).stdout).toMatch(/Letzter Funktionstest: .* bestanden/);
  }, 60_000);

  it("shows a colleague's alarm on the receiver's PC and confirms receipt", async () => {
    const { dir } = await enrolledAgent('PC-E2E-JONAS', 'jonas.becker@musterstadt.example', 'E.02');
    const run = startAgent(dir, ['run', '--no-function-test']);
    running.push(run);
    await waitForOutput(run, /Verbunden mit dem Alarmserver/);

    const anna = await server.login('anna.schmidt@musterstadt.example');
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      headers: { 'idempotency-key': `e2e-${Date.now()}` },
      body: { source: 'console' },
    });
    expect(raised.status).toBe(201);
    await waitForOutput(run, /Wachsam ALARM: Anna Schmidt braucht Hilfe/);

    const alarmId = raised.body.alarm.id as string;
    await waitFor('receipt recorded', async () => {
      const detail = await api(server.url, 'GET', `/api/alarms/${alarmId}`, { cookie: adminCookie });
      const jonas = (detail.body.receivers as Array<{ firstName: string; deliveredAt: string | null }>).find(
        (r) => r.firstName === 'Jonas',
      );
      return jonas?.deliveredAt ?? undefined;
    });
  });

  it('after a reconnect shows the alarm still open and not the one resolved meanwhile', async () => {
    const { dir } = await enrolledAgent('PC-E2E-RESUME', 'jonas.becker@musterstadt.example', 'E.02');
    const run = startAgent(dir, ['run', '--no-function-test']);
    running.push(run);
    await waitForOutput(run, /Verbunden mit dem Alarmserver/);
    await relay.stop();

    const anna = await server.login('anna.schmidt@musterstadt.example');
    const pforte = await server.login('pforte@musterstadt.example');
    const raise = async (key: string) => {
      const res = await api(server.url, 'POST', '/api/alarms', {
        cookie: anna,
        headers: { 'idempotency-key': key },
        body: { source: 'console' },
      });
      expect(res.status).toBe(201);
      return res.body.alarm.id as string;
    };
    const over = await raise(`e2e-over-${Date.now()}`);
    const resolved = await api(server.url, 'POST', `/api/alarms/${over}/resolve`, {
      cookie: pforte,
      body: { outcome: 'false_alarm' },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    await raise(`e2e-open-${Date.now()}`);

    await relay.start();
    await waitForOutput(run, /Wachsam ALARM: Anna Schmidt braucht Hilfe/, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(run.output().match(/Wachsam ALARM:/g)).toHaveLength(1);
  }, 60_000);

  it('signals a lost server connection within about 20 s and its return', async () => {
    const { dir } = await enrolledAgent('PC-E2E-LOST');
    const run = startAgent(dir, ['run', '--no-function-test']);
    running.push(run);
    await waitForOutput(run, /Verbunden mit dem Alarmserver/);
    const cut = Date.now();
    await relay.stop();
    await waitForOutput(run, /Verbindung unterbrochen/, 30_000);
    const noticedAfter = Date.now() - cut;
    expect(noticedAfter).toBeLessThan(23_000);
    await relay.start();
    await waitForOutput(run, /Verbindung zum Alarmserver wiederhergestellt/, 15_000);
  }, 90_000);

  it('does not send a press older than 15 minutes: kept in failed/ as too_old, told loudly', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-TOOOLD');
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
    expect(await pendingFiles(dir)).toEqual([]);
    const [failed] = await readdir(join(dir, 'outbox', 'failed'));
    expect(JSON.parse(await readFile(join(dir, 'outbox', 'failed', failed!), 'utf8'))).toMatchObject({
      key: entry.key,
      code: 'too_old',
    });
    expect(await alarmsOf(deviceId)).toEqual([]);
  });

  it('reports a revoked device clearly and keeps the refused alarm in failed/', async () => {
    const { dir, deviceId } = await enrolledAgent('PC-E2E-REVOKED');
    const revoke = await api(server.url, 'POST', `/api/admin/devices/${deviceId}/revoke`, { cookie: adminCookie });
    expect(revoke.status).toBe(200);

    const trigger = await agent(dir, 'trigger', '--no-background');
    expect(trigger.code).toBe(4);
    expect(trigger.stderr).toContain('ALARM ABGELEHNT: dieses Gerät ist gesperrt');
    expect(await pendingFiles(dir)).toEqual([]);
    expect((await readdir(join(dir, 'outbox', 'failed'))).length).toBe(1);
    expect((await agent(dir, 'status')).stdout).toContain('Abgelehnte Alarme: 1');

    const run = startAgent(dir, ['run', '--no-function-test']);
    running.push(run);
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    expect(code).toBe(4);
    expect(run.output()).toContain('Gerät gesperrt');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { AgentConfigFile, type Alarm } from '@wachsam/protocol';
import { api, startTestServer, type TestServer } from '@wachsam/server/testing';

/**
 * Running the BUILT desktop agent (`node packages/agent/dist/cli.js`) against the real server,
 * as a person or an installer would. Network outages are made with a TCP relay between agent
 * and server that can be switched off, swallow answers, or hold requests forever: that is the
 * network failing, the server itself is real.
 */

export const cliPath = fileURLToPath(new URL('../../packages/agent/dist/cli.js', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The agent's environment: its own folder, no desktop session (no pop-ups while testing). */
function agentEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, WACHSAM_AGENT_DIR: dir, DISPLAY: '', WAYLAND_DISPLAY: '' };
}

export function startAgent(dir: string, args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [cliPath, ...args], { env: agentEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

export function agent(dir: string, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: agentEnv(dir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function waitForOutput(child: ChildProcess & { output: () => string }, pattern: RegExp, timeoutMs = 15_000) {
  return waitFor(
    `${pattern} in agent output:\n${child.output()}`,
    () => pattern.exec(child.output()) ?? undefined,
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n--- agent output ---\n${child.output()}`);
  });
}

export function stopAgent(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** A TCP relay between agent and server: `forward`, `blackhole` (hold forever) or `swallow` (drop answers). */
export class Relay {
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

export interface AgentHarness {
  readonly server: TestServer;
  readonly relay: Relay;
  readonly adminCookie: string;
  /** Agent processes to stop after each test. */
  readonly running: ChildProcess[];
  freshDir(): Promise<string>;
  newWorkstation(name: string, personLogin: string, room: string): Promise<{ deviceId: string; code: string }>;
  enrolledAgent(name: string, personLogin?: string, room?: string): Promise<{ dir: string; deviceId: string }>;
  alarmsOf(deviceId: string): Promise<Alarm[]>;
  pendingFiles(dir: string): Promise<string[]>;
  /** The token an enrolled folder holds: to act as that device over HTTP (e.g. cancel). */
  deviceToken(dir: string): Promise<string>;
}

/**
 * One real server with the demo organisation and a relay in front of it for a test file.
 * After each test the agents are stopped and every open alarm is resolved, so each test starts
 * without open alarms (an agent shows what is open when it starts).
 */
export function useAgentHarness(): AgentHarness {
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
    const pforte = await server.login('pforte@musterstadt.example');
    const open = await api(server.url, 'GET', '/api/alarms?open=true&limit=500', { cookie: adminCookie });
    for (const alarm of open.body.alarms as Alarm[]) {
      await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, { cookie: pforte, body: { outcome: 'test' } });
    }
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

  async function deviceToken(dir: string): Promise<string> {
    return AgentConfigFile.parse(JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8'))).enrolment.token;
  }

  return {
    get server() {
      return server;
    },
    get relay() {
      return relay;
    },
    get adminCookie() {
      return adminCookie;
    },
    running,
    freshDir,
    newWorkstation,
    enrolledAgent,
    alarmsOf,
    pendingFiles,
    deviceToken,
  };
}

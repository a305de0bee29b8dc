import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { testPasswordHashing } from '@wachsam/server/testing';

const root = new URL('../..', import.meta.url).pathname;
/** The server under test; WACHSAM_SERVER_MAIN runs the fault tests against another build (e.g. an older commit, to see them fail). */
export const serverMain = process.env.WACHSAM_SERVER_MAIN ?? join(root, 'packages/server/dist/main.js');
export const agentCli = join(root, 'packages/agent/dist/cli.js');
/** The operator's command line (`wachsam setup`, …), next to the server under test. */
export const wachsamCli = join(dirname(serverMain), 'cli.js');

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Wait for a condition, polling; never a fixed sleep. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Still running? (It may have crashed on its own: that is what fault tests look for.) */
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The built server as its own process, started as `npm start` would (without the build), with
 * the given environment; resolves once /api/health answers 200 (migrations and seed done).
 */
export async function startServer(env: Record<string, string>, readyWithinMs = 90_000): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PUBLIC_URL: url,
      ...testPasswordHashing({ PUBLIC_URL: url, ...env }),
      ...env,
      PORT: port,
    },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let running = true;
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      running = false;
      resolve(code ?? signal ?? -1);
    }),
  );
  const proc: ServerProcess = {
    child,
    url,
    output: () => out,
    exited,
    alive: () => running,
    async kill(signal = 'SIGTERM') {
      if (!running) return;
      child.kill(signal);
      await exited;
    },
  };
  await until(
    `server on ${url} to be ready`,
    async () => {
      if (!running) throw new Error(`server exited before it was ready:\n${out}`);
      return health(url).then((h) => h.status === 200);
    },
    readyWithinMs,
  );
  return proc;
}

/**
 * Start a process that is expected to end; resolves with its exit code and output. `input` goes
 * to its stdin; after `timeoutMs` a process that did not end is killed (code null), so a test
 * of a refusal never leaves a server running when the refusal is missing.
 */
export function runToEnd(
  script: string,
  args: string[],
  env: Record<string, string>,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env } });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : null;
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the health check says
export async function health(url: string): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.json() };
  } catch {
    return { status: 0, body: null };
  }
}

export async function loginCookie(url: string, login: string, password = 'demo1234demo'): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (res.status !== 200) throw new Error(`login ${login}: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

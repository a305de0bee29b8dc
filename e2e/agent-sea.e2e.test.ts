import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAgentHarness, waitFor } from './helpers/agent.js';

/**
 * The desktop agent as a single executable (Node SEA), for PCs without Node.js: built once per
 * file by `npm run package:agent` (esbuild bundle, Node 22 from the npm registry, postject),
 * then run as a PC would run it, against the real server. No registry, no build: the test
 * fails (it never falls back to an older executable: the folder is emptied first).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const linuxExe = join(root, 'dist-agent', 'wachsam-agent-linux-x64');
const windowsExe = join(root, 'dist-agent', 'wachsam-agent-win-x64.exe');
const agentVersion = (
  JSON.parse(readFileSync(join(root, 'packages/agent/package.json'), 'utf8')) as { version: string }
).version;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The executable with its own agent folder, no desktop session and no Node.js on the PATH: it
 * must neither need node nor find one (the background sender re-runs the executable itself).
 */
function exe(dir: string, ...args: string[]): Promise<Result> {
  return run(linuxExe, args, {
    HOME: dir,
    PATH: join(dir, 'no-programs-here'),
    WACHSAM_AGENT_DIR: dir,
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
  });
}

const wine = spawnSync('sh', ['-c', 'command -v wine'], { encoding: 'utf8' }).stdout.trim();

describe('desktop agent as a single executable (no Node.js on the PC)', () => {
  let packaging: Result;
  beforeAll(async () => {
    packaging = await run(
      process.execPath,
      [join(root, 'packages/agent/scripts/package-executables.js')],
      process.env,
      600_000,
    );
    if (packaging.code !== 0)
      throw new Error(`npm run package:agent failed:\n${packaging.stdout}\n${packaging.stderr}`);
    process.stdout.write(packaging.stdout);
  }, 600_000);

  const h = useAgentHarness();

  it('built both executables from Node 22 binaries', () => {
    expect(packaging.stdout).toMatch(/Node v22\.\d+\.\d+/);
    expect(existsSync(linuxExe)).toBe(true);
    expect(existsSync(windowsExe)).toBe(true);
    // A PE file: "MZ" and the "PE\0\0" signature where the header points.
    const pe = readFileSync(windowsExe);
    expect(pe.subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(pe.subarray(pe.readUInt32LE(0x3c), pe.readUInt32LE(0x3c) + 4).toString('latin1')).toBe('PE\0\0');
  });

  it('prints its version and says "not enrolled" with exit code 5', async () => {
    const dir = await h.freshDir();
    const version = await exe(dir, '--version');
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(`wachsam-agent ${agentVersion}`);
    expect(version.stderr).toBe(''); // no "experimental feature" warning on the PC
    expect((await exe(dir, 'version')).stdout.trim()).toBe(`wachsam-agent ${agentVersion}`);

    const status = await exe(dir, 'status');
    expect(status.code).toBe(5);
    expect(status.stdout).toContain('Dieser PC ist nicht registriert');
  });

  it('enrolls with a one-time code and raises an alarm the server records', async () => {
    const { deviceId, code } = await h.newWorkstation('PC-SEA-1', 'anna.schmidt@musterstadt.example', 'E.02');
    const dir = await h.freshDir();
    const enrol = await exe(dir, 'enroll', '--server', h.relay.url, '--code', code);
    expect(enrol.code, enrol.stderr).toBe(0);
    expect(enrol.stdout).toContain('Registriert: PC-SEA-1');

    const trigger = await exe(dir, 'trigger', '--source', 'desktop_icon');
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(trigger.stdout).toMatch(/^Alarm ausgelöst – /);
    const alarms = await h.alarmsOf(deviceId);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ source: 'desktop_icon', test: false, sender: { firstName: 'Anna' } });
    expect(await h.pendingFiles(dir)).toEqual([]);

    const status = await exe(dir, 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Arbeitsplatz: PC-SEA-1');
  });

  it('re-runs itself as the background sender: a press made while the server was unreachable arrives once', async () => {
    const { deviceId, code } = await h.newWorkstation('PC-SEA-2', 'anna.schmidt@musterstadt.example', 'E.02');
    const dir = await h.freshDir();
    expect((await exe(dir, 'enroll', '--server', h.relay.url, '--code', code)).code).toBe(0);

    await h.relay.stop();
    const trigger = await exe(dir, 'trigger', '--wait', '1');
    expect(trigger.code, trigger.stderr).toBe(3);
    expect(trigger.stdout.trim()).toBe('Alarm noch nicht zugestellt – wird weiter gesendet');
    expect(await h.pendingFiles(dir)).toHaveLength(1);

    // Nobody but the detached `drain` the executable started (as itself, without node) sends it.
    await h.relay.start();
    await waitFor(
      'the background sender to deliver the press',
      async () => (await h.alarmsOf(deviceId)).length === 1,
      60_000,
    );
    await waitFor('the outbox to be empty', async () => (await h.pendingFiles(dir)).length === 0, 30_000);
    expect((await h.alarmsOf(deviceId))[0]?.source).toBe('hotkey');
  });

  it('writes shortcuts that call the executable itself (no node, no script path)', async () => {
    const dir = await h.freshDir();
    const plan = await exe(dir, 'install-shortcuts', '--dry-run', '--no-autostart');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      `Exec=env WACHSAM_AGENT_DIR=${dir} ${linuxExe} trigger --source desktop_icon --notify`,
    );
    expect(plan.stdout).not.toContain('cli.js');
    expect(plan.stdout).not.toContain('autostart');
  });

  describe.skipIf(!wine)('the Windows executable under Wine', () => {
    let prefix = '';
    let wineEnv: NodeJS.ProcessEnv = {};
    beforeAll(() => {
      prefix = mkdtempSync(join(tmpdir(), 'wachsam-wine-'));
      wineEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    });
    /**
     * Wine hands a Unix socket (what Node's spawn gives as stdout) to Windows programs as a
     * handle Node cannot open (EBADF); a plain file works, as a console or pipe would on Windows.
     */
    async function wineRun(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Result> {
      const out = join(prefix, 'stdout.txt');
      const err = join(prefix, 'stderr.txt');
      const fds = [openSync(out, 'w'), openSync(err, 'w')] as const;
      try {
        const code = await new Promise<number | null>((resolve, reject) => {
          const child = spawn(wine, args, { env, stdio: ['ignore', fds[0], fds[1]] });
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.on('error', reject);
          child.on('close', (c) => {
            clearTimeout(timer);
            resolve(c);
          });
        });
        return { code, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
      } finally {
        fds.forEach((fd) => closeSync(fd));
      }
    }
    afterAll(() => {
      spawnSync('wineserver', ['-k'], { env: wineEnv });
      rmSync(prefix, { recursive: true, force: true });
    });

    it('prints its version and says "not enrolled" with exit code 5', async () => {
      // A fresh Wine prefix says Windows 7, which Node 22 refuses; the agent's PCs run 10 or 11.
      const setVersion = await wineRun(['winecfg', '-v', 'win10'], wineEnv, 300_000);
      expect(setVersion.code, setVersion.stderr).toBe(0);

      const version = await wineRun([windowsExe, '--version'], wineEnv);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout.trim()).toBe(`wachsam-agent ${agentVersion}`);

      const status = await wineRun([windowsExe, 'status'], { ...wineEnv, WACHSAM_AGENT_DIR: 'C:\\wachsam-e2e' });
      expect(status.code, status.stderr).toBe(5);
      expect(status.stdout).toContain('Ordner: C:\\wachsam-e2e');
      expect(status.stdout).toContain('Dieser PC ist nicht registriert');

      // The links for all users start the .exe itself, hidden, with no script path.
      const plan = await wineRun([windowsExe, 'install-shortcuts', '--dry-run', '--all-users'], wineEnv);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/shell\.Run """Z:\\.*\\wachsam-agent-win-x64\.exe""" & args, 0, False/);
      expect(plan.stdout).toContain("GetFolderPath('CommonStartup')");
      expect(plan.stdout).not.toContain('cli.js');
    }, 400_000);
  });
});

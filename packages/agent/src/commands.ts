import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, mkdir, writeFile, chmod } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { idempotencyHeader, isFinalRejection, isTooOldToSend, tooOldCode, type AlarmSource } from '@wachsam/protocol';
import { exitCodes, type Command, type ExitCode } from './args.js';
import { ApiClient } from './client.js';
import { agentDir, configPath, readConfig, readState, writeConfig } from './config.js';
import { deliverWithin, Drainer, sleep, type DeliveryOutcome } from './delivery.js';
import { failedNotice, raisedText, rejectionText } from './feedback.js';
import { runningAgent } from './lock.js';
import { DesktopNotifier } from './notify.js';
import { Outbox } from './outbox.js';
import { selfCommand } from './self.js';
import {
  gnomeKeybindingCommands,
  gnomeKeybindingReadCommand,
  planShortcuts,
  type ShortcutContext,
} from './shortcuts.js';

const print = (line: string) => process.stdout.write(line + '\n');
const printErr = (line: string) => process.stderr.write(line + '\n');

/**
 * The PC's name for the hostname mapping. On a terminal server (Citrix, RDS) every session runs
 * on the same machine: the client's name (`CLIENTNAME`) says where the person sits.
 */
export function pcName(env: NodeJS.ProcessEnv = process.env, machine: string = hostname()): string {
  const client = env.CLIENTNAME?.trim();
  return client && client.toLowerCase() !== 'console' ? client : machine;
}

/** How long enrolment with the organisation token keeps trying (`WACHSAM_ENROL_WAIT_SECONDS`, default 15 min). */
export function enrolWaitSeconds(env: NodeJS.ProcessEnv): number {
  const v = Number(env.WACHSAM_ENROL_WAIT_SECONDS ?? '900');
  return Number.isFinite(v) && v >= 0 ? Math.min(v, 86_400) : 900;
}

/**
 * The wait before the next enrolment attempt, or null to give up: only for failures that pass
 * (no network yet, server busy or restarting, too many PCs at once), growing from 2 s to 60 s
 * with jitter so a building's PCs do not retry in step, and within the budget.
 */
export function enrolRetryDelayMs(
  code: string,
  attempt: number,
  elapsedMs: number,
  budgetMs: number,
  random: () => number = Math.random,
): number | null {
  const passing =
    code === 'network_error' ||
    code === 'timeout' ||
    code === 'rate_limited' ||
    code === 'service_unavailable' ||
    /^http_5\d\d$/.test(code);
  if (!passing) return null;
  const delay = Math.min(60_000, 2000 * 2 ** (attempt - 1)) * (0.5 + random() / 2);
  return elapsedMs + delay > budgetMs ? null : Math.round(delay);
}

export async function enroll(options: Extract<Command, { command: 'enroll' }>): Promise<ExitCode> {
  const dir = agentDir();
  const existing = await access(configPath(dir)).then(
    () => true,
    () => false,
  );
  const byToken = 'orgToken' in options.secret;
  if (existing && !options.force) {
    // The install script runs at every deployment: registered already is a success, not an error.
    if (byToken) {
      print(`Dieser PC ist bereits registriert (${configPath(dir)}). Neu registrieren mit --force.`);
      return exitCodes.ok;
    }
    printErr(`Dieser PC ist bereits registriert (${configPath(dir)}). Neu registrieren mit --force.`);
    return exitCodes.error;
  }
  const client = new ApiClient(options.server, null, 15_000);
  const name = options.hostname ?? pcName();
  // Software distribution runs at boot, often before the network is up, and a whole building
  // enrols at once: with the organisation token the agent keeps trying for a while.
  const budgetMs = byToken ? enrolWaitSeconds(process.env) * 1000 : 0;
  const started = Date.now();
  let result = await client.call('enrol', { body: { ...options.secret, hostname: name } });
  for (let attempt = 1; !result.ok; attempt++) {
    const delay = enrolRetryDelayMs(result.code, attempt, Date.now() - started, budgetMs);
    if (delay === null) break;
    print(`Registrierung: ${result.message} – neuer Versuch in ${Math.round(delay / 1000)} s`);
    await new Promise((r) => setTimeout(r, delay));
    result = await client.call('enrol', { body: { ...options.secret, hostname: name } });
  }
  if (!result.ok) {
    if (result.code === 'enrolment_code_invalid') {
      printErr(
        byToken
          ? `Registrierung fehlgeschlagen: Registrierungsschlüssel ungültig, abgelaufen oder widerrufen. (${result.message})`
          : `Registrierung fehlgeschlagen: Code ungültig, abgelaufen oder schon benutzt. (${result.message})`,
      );
    } else {
      printErr(`Registrierung fehlgeschlagen: ${result.message} (${result.code})`);
    }
    return exitCodes.error;
  }
  const enrolment = result.data;
  const path = await writeConfig(dir, { version: 1, server: options.server, enrolment });
  const w = enrolment.workstation;
  const person = enrolment.person ? `${enrolment.person.firstName} ${enrolment.person.lastName}` : 'keine Person';
  print(
    `Registriert: ${w.name} (${[w.room, w.floor, w.building].filter(Boolean).join(', ')}), ${person}, ${enrolment.organisation.name}.`,
  );
  if (!w.room)
    print(
      `Zuordnung fehlt: Der Rechnername ${name} ist keinem Raum zugeordnet. Bis die Administration ihn zuordnet, ` +
        'erreicht ein Alarm von diesem PC nur Sicherheitsdienst und Leitstelle, nicht die Kolleginnen und Kollegen in der Nähe.',
    );
  print(`Konfiguration: ${path}`);
  return exitCodes.ok;
}

/**
 * What the hotkey, the icons and a USB button run. The press is written to the outbox before
 * anything else (it then survives a crash or kill), sent, and removed only once the server has
 * committed it. One short line of output: the attacker may see the screen.
 */
export async function trigger(options: {
  source: AlarmSource;
  test: boolean;
  notify: boolean;
  waitSeconds: number;
  background: boolean;
}): Promise<ExitCode> {
  const dir = agentDir();
  let config;
  try {
    config = await readConfig(dir);
  } catch (error) {
    printErr(`ALARM NICHT AUSGELÖST: ${error instanceof Error ? error.message : String(error)}`);
    return exitCodes.notEnrolled;
  }
  const notifier = options.notify ? new DesktopNotifier(process.stdout) : null;
  const say = (line: string) => (notifier ? notifier.discreet(line) : print(line));
  const client = new ApiClient(config.server, config.enrolment.token);
  const outbox = new Outbox(dir);

  let entry;
  try {
    entry = await outbox.add({ source: options.source, test: options.test });
  } catch (error) {
    // The outbox could not be written (disk full, no permission). Do not let that stop the
    // alarm: send it directly, with one key for all attempts, and say that it is not stored.
    printErr(
      `Alarm-Zwischenspeicher nicht beschreibbar (${error instanceof Error ? error.message : String(error)}) – sende direkt`,
    );
    return sendUnstored(client, options, say);
  }
  let outcome: DeliveryOutcome;
  try {
    outcome = await deliverWithin(client, outbox, entry, options.waitSeconds * 1000);
  } catch (error) {
    // E.g. the entry could not be removed after the commit: it stays and is retried with the
    // same key, which the server answers with the same alarm. Never send it under a new key.
    printErr(`Fehler beim Senden: ${error instanceof Error ? error.message : String(error)}`);
    say('Alarm noch nicht zugestellt – wird weiter gesendet');
    return exitCodes.pending;
  }

  if (outcome.kind === 'delivered') {
    say(outcome.response ? raisedText(outcome.response, options.test) : 'Alarm ausgelöst.');
    return exitCodes.ok;
  }
  if (outcome.kind === 'failed') {
    const { title, text } = failedNotice(outcome.record);
    printErr(text);
    notifier?.warn(title, text);
    return outcome.record.code === tooOldCode ? exitCodes.error : exitCodes.rejected;
  }
  say('Alarm noch nicht zugestellt – wird weiter gesendet');
  if (options.background) await ensureSender(dir);
  return exitCodes.pending;
}

async function sendUnstored(
  client: ApiClient,
  options: { source: AlarmSource; test: boolean; waitSeconds: number },
  say: (line: string) => void,
): Promise<ExitCode> {
  const key = `wa-${randomUUID()}`;
  const body = { source: options.source, test: options.test, triggeredAt: new Date().toISOString() };
  const deadline = Date.now() + Math.max(options.waitSeconds, 30) * 1000;
  for (let attempt = 0; Date.now() < deadline && !isTooOldToSend(body.triggeredAt); attempt++) {
    const result = await client.call('raiseAlarm', { body, headers: { [idempotencyHeader]: key } });
    if (result.ok) {
      say(raisedText(result.data, options.test));
      return exitCodes.ok;
    }
    if (isFinalRejection(result)) {
      printErr(rejectionText(result.code, result.message));
      return exitCodes.rejected;
    }
    await sleep(Math.min(2_000, 250 * 2 ** attempt));
  }
  printErr('ALARM NICHT ZUGESTELLT und nicht gespeichert. Bitte anders Hilfe holen (Telefon, 110).');
  return exitCodes.error;
}

/**
 * A pending alarm needs somebody to keep sending it. If no `run` is active in this folder,
 * start a detached sender that retries until the outbox is empty (or for an hour).
 */
async function ensureSender(dir: string): Promise<void> {
  if ((await runningAgent(dir)) !== null) return;
  try {
    const self = selfCommand();
    const child = spawn(self.program, [...self.prefix, 'drain'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, WACHSAM_AGENT_DIR: dir },
      windowsHide: true,
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // `run` at the next start will send it; nothing else to do here.
  }
}

/**
 * Hidden command: send what is in the outbox until it is empty or `maxSeconds` passed. It runs
 * detached, without a terminal, so what the person must know (a refused or too old alarm) is
 * told as a loud notification.
 */
export async function drain(options: { maxSeconds: number }): Promise<ExitCode> {
  const dir = agentDir();
  const config = await readConfig(dir);
  const notifier = new DesktopNotifier(process.stdout);
  const drainer = new Drainer(new ApiClient(config.server, config.enrolment.token), new Outbox(dir));
  const deadline = Date.now() + options.maxSeconds * 1000;
  while (Date.now() < deadline) {
    const { outcomes } = await drainer.drain();
    for (const outcome of outcomes) {
      if (outcome.kind !== 'failed') continue;
      const { title, text } = failedNotice(outcome.record);
      notifier.warn(title, text);
    }
    if (outcomes.every((o) => o.kind !== 'pending')) return exitCodes.ok;
    await sleep(2_000);
  }
  return exitCodes.pending;
}

export async function status(): Promise<ExitCode> {
  const dir = agentDir();
  print(`Ordner: ${dir}`);
  let config;
  try {
    config = await readConfig(dir);
  } catch (error) {
    print(error instanceof Error ? error.message : String(error));
    return exitCodes.notEnrolled;
  }
  const e = config.enrolment;
  const person = e.person ? `${e.person.firstName} ${e.person.lastName}` : '– (keine Person zugeordnet)';
  print(`Registriert: ja – ${e.organisation.name}, Server ${config.server}`);
  print(
    `Arbeitsplatz: ${e.workstation.name} (${[e.workstation.room, e.workstation.floor, e.workstation.building].filter(Boolean).join(', ')})`,
  );
  print(`Person: ${person}`);
  print(`Geräte-ID: ${e.deviceId}`);
  const pid = await runningAgent(dir);
  print(`Agent (run): ${pid ? `läuft (PID ${pid})` : 'läuft NICHT – Alarme werden an diesem PC nicht empfangen'}`);

  const outbox = new Outbox(dir);
  const { entries, unreadable } = await outbox.pending();
  const failed = await outbox.failed();
  print(`Ausstehende Alarme: ${entries.length}`);
  for (const entry of entries) {
    print(
      `  ${entry.request.triggeredAt}  ${entry.request.source}${entry.request.test ? ' (Test)' : ''}  ${entry.key}`,
    );
  }
  for (const path of unreadable) print(`  UNLESBAR: ${path}`);
  print(`Abgelehnte Alarme: ${failed.length}`);
  for (const entry of failed) {
    print(`  ${entry.request.triggeredAt}  ${entry.request.source}  ${entry.code}: ${entry.message}`);
  }
  const state = await readState(dir);
  const test = state.lastFunctionTest;
  print(
    test
      ? `Letzter Funktionstest: ${test.at} ${test.result === 'passed' ? 'bestanden' : 'FEHLGESCHLAGEN'} – ${test.detail}${test.reported ? '' : ' (nicht an den Server gemeldet)'}`
      : 'Letzter Funktionstest: keiner',
  );
  return exitCodes.ok;
}

export async function installShortcuts(options: {
  dryRun: boolean;
  platform: NodeJS.Platform | null;
  autostart: boolean;
  allUsers: boolean;
}): Promise<ExitCode> {
  const os = options.platform ?? process.platform;
  const home = homedir();
  const ctx: ShortcutContext = {
    os,
    home,
    agentDir: agentDir(process.env, os, home),
    agentDirFromEnv: process.env.WACHSAM_AGENT_DIR ?? null,
    agent: selfCommand(),
    autostart: options.autostart,
    allUsers: options.allUsers,
    desktopDir: os === 'linux' ? linuxDesktopDir(home) : join(home, 'Desktop'),
    xdgConfigHome: process.env.XDG_CONFIG_HOME ?? join(home, '.config'),
    xdgDataHome: process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'),
  };
  const plan = planShortcuts(ctx);
  const prefix = options.dryRun ? '[Probelauf] ' : '';

  for (const file of plan.files) {
    print(`${prefix}Datei ${file.path}`);
    if (options.dryRun) {
      print(file.content.replace(/^/gm, '    '));
      continue;
    }
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content, { mode: file.mode });
    await chmod(file.path, file.mode);
  }
  for (const command of plan.commands) {
    print(`${prefix}${command.why}: ${command.argv.join(' ')}`);
    if (!options.dryRun) runTolerant(command.argv);
  }
  if (plan.gnomeKeybinding) {
    if (options.dryRun) {
      print(`${prefix}GNOME Strg+Alt+H (bestehende Liste wird ergänzt):`);
      for (const argv of gnomeKeybindingCommands("['<bestehende Einträge>']", plan.gnomeKeybinding.command)) {
        print(`    ${argv.join(' ')}`);
      }
    } else {
      installGnomeKeybinding(plan.gnomeKeybinding.command);
    }
  }
  for (const note of plan.notes) print(note);
  return exitCodes.ok;
}

function installGnomeKeybinding(command: string): void {
  const [file, ...args] = gnomeKeybindingReadCommand as [string, ...string[]];
  const current = spawnSync(file, args, { encoding: 'utf8' });
  if (current.status !== 0) {
    print('GNOME-Tastenkürzel nicht eingerichtet (gsettings nicht verfügbar oder kein GNOME) – siehe Hinweise unten.');
    return;
  }
  for (const argv of gnomeKeybindingCommands(current.stdout, command)) {
    if (!runTolerant(argv)) return;
  }
  print('GNOME: Strg+Alt+H eingerichtet.');
}

function runTolerant(argv: string[]): boolean {
  const [file, ...args] = argv as [string, ...string[]];
  const result = spawnSync(file, args, { stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    print(`  nicht ausgeführt (${result.error ? result.error.message : `Exit ${result.status}`})`);
    return false;
  }
  return true;
}

function linuxDesktopDir(home: string): string {
  try {
    const dir = execFileSync('xdg-user-dir', ['DESKTOP'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (dir && dir !== home) return dir;
  } catch {
    // xdg-user-dir missing: fall back to the usual name
  }
  return join(home, 'Desktop');
}

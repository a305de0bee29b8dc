import { parseArgs } from 'node:util';
import type { AlarmSource } from '@wachsam/protocol';

/** Sources a person can trigger on a PC (network buttons, console and mobile have their own paths). */
export const agentSources = [
  'hotkey',
  'desktop_icon',
  'tray_icon',
  'hardware_button',
] as const satisfies readonly AlarmSource[];

/** Exit codes: scripts and the tests switch on them. */
export const exitCodes = {
  ok: 0,
  error: 1,
  usage: 2,
  /** The alarm is stored and being retried but the server has not confirmed it yet. */
  pending: 3,
  /** The server rejected the alarm for good (e.g. device revoked); it is in outbox/failed. */
  rejected: 4,
  notEnrolled: 5,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export type Command =
  | {
      command: 'enroll';
      server: string;
      /** The device's one-time code, or the organisation's enrolment token (found by hostname). */
      secret: { code: string } | { orgToken: string };
      /** Override of the PC's name (else the terminal-server client's, else the machine's). */
      hostname: string | null;
      force: boolean;
    }
  | {
      command: 'trigger';
      source: AlarmSource;
      test: boolean;
      notify: boolean;
      waitSeconds: number;
      background: boolean;
    }
  | { command: 'run'; functionTest: boolean }
  | { command: 'drain'; maxSeconds: number }
  | { command: 'status' }
  | {
      command: 'install-shortcuts';
      dryRun: boolean;
      platform: NodeJS.Platform | null;
      autostart: boolean;
      allUsers: boolean;
    }
  | { command: 'version' }
  | { command: 'help' };

export type ParseResult = Command | { command: 'error'; message: string };

export const usage = `Wachsam Agent – stiller Alarm am Arbeitsplatz

  wachsam-agent enroll --server URL --code CODE [--force]
      PC mit dem Einmalcode an seinen Arbeitsplatz binden (schreibt agent.json)
  wachsam-agent enroll --server URL --org-token SCHLÜSSEL [--hostname NAME] [--force]
      PC mit dem Registrierungsschlüssel der Organisation registrieren (Softwareverteilung);
      der Raum kommt aus der Rechnerzuordnung. Schlüssel auch aus $WACHSAM_ORG_TOKEN.
      Rechnername: --hostname, sonst %CLIENTNAME% (Terminalserver/Citrix), sonst der des PCs
  wachsam-agent trigger [--source hotkey|desktop_icon|tray_icon|hardware_button] [--test] [--notify]
      Alarm auslösen (das führen Tastenkombination, Symbole und USB-Taster aus)
  wachsam-agent run
      Dauerbetrieb: Alarme empfangen, Rückmeldungen zeigen, ausstehende Alarme senden, Funktionstest
  wachsam-agent status
      Registrierung, ausstehende und abgelehnte Alarme, letzter Funktionstest
  wachsam-agent install-shortcuts [--dry-run] [--no-autostart] [--all-users]
      Desktop-Symbol, Autostart und Strg+Alt+H einrichten (--all-users: Windows, für alle
      Benutzer, als Administrator; --no-autostart: run startet anders, z. B. per systemd)
  wachsam-agent version
      Version des Agenten

Ordner: $WACHSAM_AGENT_DIR, sonst %APPDATA%\\Wachsam bzw. ~/.config/wachsam
Exit-Codes: 0 ok, 1 Fehler, 2 Aufruf falsch, 3 Alarm noch nicht zugestellt (wird weiter gesendet),
            4 Alarm abgelehnt, 5 nicht registriert`;

const commandOptions = {
  enroll: {
    server: { type: 'string' },
    code: { type: 'string' },
    'org-token': { type: 'string' },
    hostname: { type: 'string' },
    force: { type: 'boolean' },
  },
  trigger: {
    source: { type: 'string' },
    test: { type: 'boolean' },
    notify: { type: 'boolean' },
    /** Seconds `trigger` keeps retrying before it leaves the alarm to `run` (default 10). */
    wait: { type: 'string' },
    /** Do not start a background sender when the alarm stays pending and `run` is not running. */
    'no-background': { type: 'boolean' },
  },
  run: { 'no-function-test': { type: 'boolean' } },
  drain: { max: { type: 'string' } },
  status: {},
  'install-shortcuts': {
    'dry-run': { type: 'boolean' },
    platform: { type: 'string' },
    'no-autostart': { type: 'boolean' },
    'all-users': { type: 'boolean' },
  },
  version: {},
  help: {},
} as const;

type CommandName = keyof typeof commandOptions;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): ParseResult {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return { command: 'help' };
  if (name === '--version' || name === '-v') return { command: 'version' };
  if (!(name in commandOptions)) return { command: 'error', message: `Unbekannter Befehl: ${name}` };
  const command = name as CommandName;
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: rest, options: commandOptions[command], strict: true, allowPositionals: false });
    values = parsed.values as Record<string, string | boolean | undefined>;
  } catch (error) {
    return { command: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const bool = (key: string) => values[key] === true;

  switch (command) {
    case 'enroll': {
      const server = str('server');
      const code = str('code');
      // A script may hand the token over the environment: a command line is visible to every user.
      const orgToken = str('org-token') ?? (code === undefined ? env.WACHSAM_ORG_TOKEN : undefined);
      if (!server || (!code && !orgToken))
        return {
          command: 'error',
          message: 'enroll braucht --server URL und --code CODE oder --org-token SCHLÜSSEL',
        };
      if (code && orgToken) return { command: 'error', message: 'enroll: --code oder --org-token, nicht beides' };
      const host = str('hostname');
      if (host !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(host))
        return { command: 'error', message: `--hostname ist kein Rechnername: ${host}` };
      let url: URL;
      try {
        url = new URL(server);
      } catch {
        return { command: 'error', message: `--server ist keine URL: ${server}` };
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return { command: 'error', message: '--server muss mit http:// oder https:// beginnen' };
      }
      return {
        command: 'enroll',
        server: url.origin,
        secret: code ? { code: code.trim() } : { orgToken: orgToken!.trim() },
        hostname: host ?? null,
        force: bool('force'),
      };
    }
    case 'trigger': {
      const source = str('source') ?? 'hotkey';
      if (!(agentSources as readonly string[]).includes(source)) {
        return { command: 'error', message: `--source muss eines von ${agentSources.join(', ')} sein` };
      }
      const waitSeconds = Number(str('wait') ?? '10');
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 300) {
        return { command: 'error', message: '--wait muss eine Zahl von 0 bis 300 (Sekunden) sein' };
      }
      return {
        command: 'trigger',
        source: source as AlarmSource,
        test: bool('test'),
        notify: bool('notify'),
        waitSeconds,
        background: !bool('no-background'),
      };
    }
    case 'run':
      return { command: 'run', functionTest: !bool('no-function-test') };
    case 'drain': {
      const maxSeconds = Number(str('max') ?? '3600');
      if (!Number.isFinite(maxSeconds) || maxSeconds <= 0) return { command: 'error', message: '--max muss > 0 sein' };
      return { command: 'drain', maxSeconds };
    }
    case 'status':
      return { command: 'status' };
    case 'install-shortcuts': {
      const platform = str('platform') ?? null;
      if (platform !== null && !['linux', 'win32', 'darwin'].includes(platform)) {
        return { command: 'error', message: '--platform muss linux, win32 oder darwin sein' };
      }
      if (platform !== null && !bool('dry-run')) {
        return { command: 'error', message: '--platform geht nur zusammen mit --dry-run' };
      }
      const allUsers = bool('all-users');
      if (allUsers && (platform ?? process.platform) !== 'win32') {
        return { command: 'error', message: '--all-users gibt es nur unter Windows' };
      }
      return {
        command: 'install-shortcuts',
        dryRun: bool('dry-run'),
        platform: platform as NodeJS.Platform | null,
        autostart: !bool('no-autostart'),
        allUsers,
      };
    }
    case 'version':
      return { command: 'version' };
    case 'help':
      return { command: 'help' };
  }
}

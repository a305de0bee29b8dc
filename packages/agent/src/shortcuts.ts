import path from 'node:path';
import type { SelfCommand } from './self.js';

/**
 * What `install-shortcuts` does, as data: files to write and commands to run, so `--dry-run`
 * prints exactly what a real run would do and tests can read the file contents.
 */
export interface ShortcutPlan {
  files: Array<{ path: string; content: string; mode: number }>;
  commands: Array<{ argv: string[]; why: string }>;
  /** Reads the current GNOME keybinding list before adding ours (needs a live session). */
  gnomeKeybinding: { command: string } | null;
  notes: string[];
}

export interface ShortcutContext {
  os: NodeJS.Platform;
  home: string;
  /** Where agent.json lives; also where Windows helper scripts are written. */
  agentDir: string;
  /** Set when the agent runs with an explicit WACHSAM_AGENT_DIR; shortcuts then pass it on. */
  agentDirFromEnv: string | null;
  /** How the agent starts itself: node and its script, or the single executable alone. */
  agent: SelfCommand;
  /** Write an autostart entry for `run` (off when a systemd user unit starts it instead). */
  autostart: boolean;
  /**
   * Windows: links for every user (public desktop, common Start menu and Startup folder), made
   * by the installer; the helper scripts then go next to the executable, where only
   * administrators can write, never into a folder other users could change.
   */
  allUsers: boolean;
  desktopDir: string;
  xdgConfigHome: string;
  xdgDataHome: string;
}

export const gnomeKeybindingPath = '/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/wachsam/';
const gnomeMediaKeys = 'org.gnome.settings-daemon.plugins.media-keys';

export function planShortcuts(ctx: ShortcutContext): ShortcutPlan {
  if (ctx.os === 'win32') return windowsPlan(ctx);
  if (ctx.os === 'darwin') return macPlan(ctx);
  return linuxPlan(ctx);
}

// ---------------------------------------------------------------- Linux (freedesktop)

/** Quote one argument for a .desktop `Exec=` line (Desktop Entry spec, "The Exec key"). */
export function desktopExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escaped)) return escaped;
  // Inside double quotes, " ` $ \ are escaped with a backslash; the file format then escapes
  // every backslash once more.
  const quoted = '"' + escaped.replace(/(["`$\\])/g, '\\$1') + '"';
  return quoted.replace(/\\/g, '\\\\');
}

/** The agent command as an argv list, with the agent dir passed on when it was set explicitly. */
export function agentArgv(ctx: ShortcutContext, args: string[]): string[] {
  const env = ctx.agentDirFromEnv ? ['env', `WACHSAM_AGENT_DIR=${ctx.agentDirFromEnv}`] : [];
  return [...env, ctx.agent.program, ...ctx.agent.prefix, ...args];
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function desktopEntry(options: {
  name: string;
  comment: string;
  exec: string[];
  icon: string;
  extra?: string[];
}): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${options.name}`,
    `Comment=${options.comment}`,
    `Exec=${options.exec.map(desktopExecArg).join(' ')}`,
    `Icon=${options.icon}`,
    'Terminal=false',
    ...(options.extra ?? []),
    '',
  ].join('\n');
}

function linuxPlan(ctx: ShortcutContext): ShortcutPlan {
  const trigger = (source: string) => agentArgv(ctx, ['trigger', '--source', source, '--notify']);
  const alarmEntry = (source: string) =>
    desktopEntry({
      name: 'Wachsam Alarm',
      comment: 'Stillen Alarm auslösen',
      exec: trigger(source),
      icon: 'dialog-warning',
      extra: ['Categories=Utility;', 'StartupNotify=false'],
    });
  const desktopIcon = path.posix.join(ctx.desktopDir, 'wachsam-alarm.desktop');
  const hotkeyCommand = trigger('hotkey').map(shellQuote).join(' ');
  return {
    files: [
      { path: desktopIcon, content: alarmEntry('desktop_icon'), mode: 0o755 },
      // The menu entry is what a person pins to the dock or panel: the "taskbar icon" on Linux.
      {
        path: path.posix.join(ctx.xdgDataHome, 'applications', 'wachsam-alarm.desktop'),
        content: alarmEntry('tray_icon'),
        mode: 0o644,
      },
      ...(ctx.autostart ? [linuxAutostart(ctx)] : []),
    ],
    commands: [
      // GNOME only starts launchers from the desktop that are marked trusted.
      {
        argv: ['gio', 'set', desktopIcon, 'metadata::trusted', 'true'],
        why: 'Desktop-Symbol als vertrauenswürdig markieren (GNOME)',
      },
    ],
    gnomeKeybinding: { command: hotkeyCommand },
    notes: [
      'KDE Plasma: Systemeinstellungen → Kurzbefehle → Eigene Kurzbefehle → Neu → Globaler Kurzbefehl → Befehl/Adresse:',
      `  ${hotkeyCommand}`,
      '  Auslöser: Strg+Alt+H',
      'Xfce:',
      `  xfconf-query -c xfce4-keyboard-shortcuts -p '/commands/custom/<Primary><Alt>h' -n -t string -s ${shellQuote(hotkeyCommand)}`,
      'Andere Desktops: Tastenkürzel Strg+Alt+H auf diesen Befehl legen:',
      `  ${hotkeyCommand}`,
      'Bei gesperrtem Bildschirm wirken weder Tastenkürzel noch Desktop-Symbol (siehe README).',
    ],
  };
}

function linuxAutostart(ctx: ShortcutContext): ShortcutPlan['files'][number] {
  return {
    path: path.posix.join(ctx.xdgConfigHome, 'autostart', 'wachsam-agent.desktop'),
    content: desktopEntry({
      name: 'Wachsam Agent',
      comment: 'Empfängt Alarme und hält die Verbindung zum Alarmserver',
      exec: agentArgv(ctx, ['run']),
      icon: 'dialog-warning',
      extra: ['NoDisplay=true', 'X-GNOME-Autostart-enabled=true'],
    }),
    mode: 0o644,
  };
}

/** Parse the GVariant text of an `as` value as `gsettings get` prints it. */
export function parseGVariantStrings(text: string): string[] {
  const trimmed = text.trim().replace(/^@as\s*/, '');
  const out: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'/g;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) out.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

export function gvariantString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The gsettings calls that add our keybinding to the existing list (keeping everyone else's). */
export function gnomeKeybindingCommands(currentList: string, command: string): string[][] {
  const paths = parseGVariantStrings(currentList);
  if (!paths.includes(gnomeKeybindingPath)) paths.push(gnomeKeybindingPath);
  const schema = `${gnomeMediaKeys}.custom-keybinding:${gnomeKeybindingPath}`;
  return [
    ['gsettings', 'set', gnomeMediaKeys, 'custom-keybindings', `[${paths.map(gvariantString).join(', ')}]`],
    ['gsettings', 'set', schema, 'name', gvariantString('Wachsam Alarm')],
    ['gsettings', 'set', schema, 'command', gvariantString(command)],
    ['gsettings', 'set', schema, 'binding', gvariantString('<Control><Alt>h')],
  ];
}

export const gnomeKeybindingReadCommand = ['gsettings', 'get', gnomeMediaKeys, 'custom-keybindings'];

// ---------------------------------------------------------------- Windows

function psString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function vbsString(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function windowsPlan(ctx: ShortcutContext): ShortcutPlan {
  const win = path.win32;
  const helperDir = ctx.allUsers ? win.dirname(ctx.agent.program) : ctx.agentDir;
  const vbsPath = win.join(helperDir, 'wachsam-hidden.vbs');
  const ps1Path = win.join(helperDir, 'install-shortcuts.ps1');
  const folder = (own: string, common: string) => `[Environment]::GetFolderPath('${ctx.allUsers ? common : own}')`;
  const command = [ctx.agent.program, ...ctx.agent.prefix].map((a) => `"${a}"`).join(' ');
  // node.exe and the single wachsam-agent.exe are console programs: started directly they
  // flash a console window, which an attacker could notice. The VBScript starts the agent with
  // window style 0 (hidden).
  const vbs = [
    "' Wachsam: starts the agent without a console window. Written by wachsam-agent install-shortcuts.",
    'Set shell = CreateObject("WScript.Shell")',
    ...(ctx.agentDirFromEnv
      ? [`shell.Environment("Process")("WACHSAM_AGENT_DIR") = ${vbsString(ctx.agentDirFromEnv)}`]
      : []),
    'args = ""',
    'For Each a In WScript.Arguments',
    '  args = args & " " & a',
    'Next',
    `shell.Run ${vbsString(command)} & args, 0, False`,
    '',
  ].join('\r\n');
  const ps1 = [
    '# Wachsam: creates the alarm shortcuts. Written by wachsam-agent install-shortcuts.',
    "$ErrorActionPreference = 'Stop'",
    '$shell = New-Object -ComObject WScript.Shell',
    `$vbs = ${psString(vbsPath)}`,
    'function New-WachsamLink([string]$Path, [string]$Arguments, [string]$Hotkey, [string]$Description) {',
    '  $link = $shell.CreateShortcut($Path)',
    "  $link.TargetPath = Join-Path $env:SystemRoot 'System32\\wscript.exe'",
    "  $link.Arguments = '\"' + $vbs + '\" ' + $Arguments",
    "  $link.IconLocation = Join-Path $env:SystemRoot 'System32\\shell32.dll,77'",
    '  $link.Description = $Description',
    '  $link.WindowStyle = 7',
    '  if ($Hotkey) { $link.Hotkey = $Hotkey }',
    '  $link.Save()',
    '  Write-Output "angelegt: $Path"',
    '}',
    `$desktop = ${folder('Desktop', 'CommonDesktopDirectory')}`,
    `$startup = ${folder('Startup', 'CommonStartup')}`,
    `$programs = Join-Path (${folder('Programs', 'CommonPrograms')}) 'Wachsam'`,
    'New-Item -ItemType Directory -Force -Path $programs | Out-Null',
    "New-WachsamLink (Join-Path $desktop 'Wachsam Alarm.lnk') 'trigger --source desktop_icon --notify' '' 'Stillen Alarm auslösen'",
    '# Windows honours shortcut hotkeys only for links on the desktop or in the Start menu.',
    "New-WachsamLink (Join-Path $programs 'Wachsam Alarm (Strg+Alt+H).lnk') 'trigger --source hotkey --notify' 'CTRL+ALT+H' 'Stillen Alarm auslösen'",
    ...(ctx.autostart
      ? ["New-WachsamLink (Join-Path $startup 'Wachsam Agent.lnk') 'run' '' 'Wachsam Agent: Alarme empfangen'"]
      : []),
    '',
  ].join('\r\n');
  return {
    files: [
      { path: vbsPath, content: vbs, mode: 0o644 },
      { path: ps1Path, content: ps1, mode: 0o644 },
    ],
    commands: [
      {
        argv: ['powershell.exe', '-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', ps1Path],
        why: 'Verknüpfungen auf dem Desktop, im Startmenü (Strg+Alt+H) und im Autostart anlegen',
      },
    ],
    gnomeKeybinding: null,
    notes: [
      'Windows: Strg+Alt+H wirkt über die Startmenü-Verknüpfung; nicht bei gesperrtem Bildschirm (siehe README).',
      'Das Symbol in der Taskleiste: Verknüpfung "Wachsam Alarm" auf dem Desktop rechts anklicken → "An Taskleiste anheften".',
    ],
  };
}

// ---------------------------------------------------------------- macOS

function macPlan(ctx: ShortcutContext): ShortcutPlan {
  const command = agentArgv(ctx, ['trigger', '--source', 'hotkey', '--notify']).map(shellQuote).join(' ');
  return {
    files: [],
    commands: [],
    gnomeKeybinding: null,
    notes: [
      'macOS: keine automatische Einrichtung. Von Hand:',
      '  Kurzbefehle-App → Neuer Kurzbefehl → "Shell-Skript ausführen" mit:',
      `  ${command}`,
      '  → Details → Tastaturkurzbefehl Ctrl+Alt(⌥)+H; für "run" einen LaunchAgent anlegen (siehe README).',
    ],
  };
}

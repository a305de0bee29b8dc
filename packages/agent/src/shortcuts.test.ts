import { describe, expect, it } from 'vitest';
import {
  desktopExecArg,
  gnomeKeybindingCommands,
  gnomeKeybindingPath,
  parseGVariantStrings,
  planShortcuts,
  type ShortcutContext,
} from './shortcuts.js';

const linux: ShortcutContext = {
  os: 'linux',
  home: '/home/anna',
  agentDir: '/home/anna/.config/wachsam',
  agentDirFromEnv: null,
  agent: { program: '/usr/bin/node', prefix: ['/opt/wachsam/agent/dist/cli.js'] },
  autostart: true,
  allUsers: false,
  desktopDir: '/home/anna/Schreibtisch',
  xdgConfigHome: '/home/anna/.config',
  xdgDataHome: '/home/anna/.local/share',
};

describe('Linux shortcuts', () => {
  const plan = planShortcuts(linux);
  const file = (path: string) => plan.files.find((f) => f.path === path);

  it('puts an executable alarm launcher on the desktop', () => {
    const icon = file('/home/anna/Schreibtisch/wachsam-alarm.desktop');
    expect(icon?.mode).toBe(0o755);
    expect(icon?.content).toContain('[Desktop Entry]\nType=Application\n');
    expect(icon?.content).toContain(
      'Exec=/usr/bin/node /opt/wachsam/agent/dist/cli.js trigger --source desktop_icon --notify\n',
    );
    expect(icon?.content).toContain('Terminal=false\n');
  });

  it('adds a menu entry for the panel (tray_icon) and autostarts run', () => {
    expect(file('/home/anna/.local/share/applications/wachsam-alarm.desktop')?.content).toContain('--source tray_icon');
    const autostart = file('/home/anna/.config/autostart/wachsam-agent.desktop')?.content ?? '';
    expect(autostart).toContain('Exec=/usr/bin/node /opt/wachsam/agent/dist/cli.js run\n');
    expect(autostart).toContain('X-GNOME-Autostart-enabled=true');
  });

  it('passes an explicit agent folder on to every command', () => {
    const withDir = planShortcuts({ ...linux, agentDirFromEnv: '/srv/wachsam agent' });
    expect(withDir.files[0]?.content).toContain(
      'Exec=env "WACHSAM_AGENT_DIR=/srv/wachsam agent" /usr/bin/node /opt/wachsam/agent/dist/cli.js trigger',
    );
    expect(withDir.gnomeKeybinding?.command).toBe(
      "env 'WACHSAM_AGENT_DIR=/srv/wachsam agent' /usr/bin/node /opt/wachsam/agent/dist/cli.js trigger --source hotkey --notify",
    );
  });

  it('binds Ctrl+Alt+H in GNOME, keeping existing custom keybindings', () => {
    const current = "['/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/custom0/']";
    const commands = gnomeKeybindingCommands(current, 'node cli.js trigger --source hotkey');
    expect(commands[0]).toEqual([
      'gsettings',
      'set',
      'org.gnome.settings-daemon.plugins.media-keys',
      'custom-keybindings',
      `['/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/custom0/', '${gnomeKeybindingPath}']`,
    ]);
    expect(commands.map((c) => c.slice(3))).toContainEqual(['binding', "'<Control><Alt>h'"]);
    expect(commands.map((c) => c.slice(3))).toContainEqual(['command', "'node cli.js trigger --source hotkey'"]);
    // Running it twice does not add the path twice.
    const again = gnomeKeybindingCommands(commands[0]?.[4] ?? '', 'x');
    expect(parseGVariantStrings(again[0]?.[4] ?? '')).toHaveLength(2);
  });

  it('reads the empty GVariant list gsettings prints', () => {
    expect(parseGVariantStrings('@as []\n')).toEqual([]);
    expect(parseGVariantStrings("['a', 'it\\'s']")).toEqual(['a', "it's"]);
  });

  it('prints the commands for KDE and Xfce', () => {
    expect(plan.notes.join('\n')).toContain('KDE');
    expect(plan.notes.join('\n')).toContain(
      "xfconf-query -c xfce4-keyboard-shortcuts -p '/commands/custom/<Primary><Alt>h'",
    );
  });
});

describe('desktopExecArg', () => {
  it('leaves plain arguments alone and quotes the rest per the Desktop Entry spec', () => {
    expect(desktopExecArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(desktopExecArg('/home/a b/cli.js')).toBe('"/home/a b/cli.js"');
    expect(desktopExecArg('100%')).toBe('100%%');
    expect(desktopExecArg('a$b')).toBe('"a\\\\$b"');
  });
});

describe('Windows shortcuts', () => {
  const plan = planShortcuts({
    ...linux,
    os: 'win32',
    home: 'C:\\Users\\anna',
    agentDir: 'C:\\Users\\anna\\AppData\\Roaming\\Wachsam',
    agent: { program: 'C:\\Program Files\\nodejs\\node.exe', prefix: ["C:\\Wachsam\\agent's\\dist\\cli.js"] },
  });
  const ps1 = plan.files.find((f) => f.path.endsWith('install-shortcuts.ps1'))?.content ?? '';
  const vbs = plan.files.find((f) => f.path.endsWith('wachsam-hidden.vbs'))?.content ?? '';

  it('creates desktop, Start menu (with CTRL+ALT+H) and Startup links through WScript.Shell', () => {
    expect(ps1).toContain('New-Object -ComObject WScript.Shell');
    expect(ps1).toMatch(/'Wachsam Alarm \(Strg\+Alt\+H\)\.lnk'\) 'trigger --source hotkey --notify' 'CTRL\+ALT\+H'/);
    expect(ps1).toContain("(Join-Path $desktop 'Wachsam Alarm.lnk') 'trigger --source desktop_icon --notify'");
    expect(ps1).toContain("(Join-Path $startup 'Wachsam Agent.lnk') 'run'");
    expect(ps1).toContain("$vbs = 'C:\\Users\\anna\\AppData\\Roaming\\Wachsam\\wachsam-hidden.vbs'");
  });

  it('starts node hidden from a VBScript, quoting paths with spaces and apostrophes', () => {
    expect(vbs).toContain(
      'shell.Run """C:\\Program Files\\nodejs\\node.exe"" ""C:\\Wachsam\\agent\'s\\dist\\cli.js""" & args, 0, False',
    );
  });

  it('runs the script with PowerShell', () => {
    expect(plan.commands[0]?.argv).toEqual([
      'powershell.exe',
      '-NoProfile',
      '-ExecutionPolicy',
      'Bypass',
      '-File',
      'C:\\Users\\anna\\AppData\\Roaming\\Wachsam\\install-shortcuts.ps1',
    ]);
  });
});

describe('the single executable (no Node.js on the PC)', () => {
  const exe = { program: 'C:\\Program Files\\Wachsam\\wachsam-agent.exe', prefix: [] };

  it('Linux: icons and the hotkey call the executable itself; no autostart entry when systemd starts run', () => {
    const plan = planShortcuts({
      ...linux,
      agent: { program: '/opt/wachsam/wachsam-agent', prefix: [] },
      autostart: false,
    });
    expect(plan.files.map((f) => f.path)).toEqual([
      '/home/anna/Schreibtisch/wachsam-alarm.desktop',
      '/home/anna/.local/share/applications/wachsam-alarm.desktop',
    ]);
    expect(plan.files[0]?.content).toContain(
      'Exec=/opt/wachsam/wachsam-agent trigger --source desktop_icon --notify\n',
    );
    expect(plan.gnomeKeybinding?.command).toBe('/opt/wachsam/wachsam-agent trigger --source hotkey --notify');
  });

  it('Windows, one user: the VBScript starts the .exe hidden, with no script argument', () => {
    const plan = planShortcuts({
      ...linux,
      os: 'win32',
      agentDir: 'C:\\Users\\anna\\AppData\\Roaming\\Wachsam',
      agent: exe,
    });
    const vbs = plan.files.find((f) => f.path.endsWith('wachsam-hidden.vbs'));
    expect(vbs?.path).toBe('C:\\Users\\anna\\AppData\\Roaming\\Wachsam\\wachsam-hidden.vbs');
    expect(vbs?.content).toContain('shell.Run """C:\\Program Files\\Wachsam\\wachsam-agent.exe""" & args, 0, False');
  });

  it('Windows, all users: common folders, helpers next to the .exe (never in a folder users can change)', () => {
    const plan = planShortcuts({
      ...linux,
      os: 'win32',
      agentDir: 'C:\\ProgramData\\Wachsam\\agent',
      agentDirFromEnv: 'C:\\ProgramData\\Wachsam\\agent',
      agent: exe,
      allUsers: true,
    });
    expect(plan.files.map((f) => f.path)).toEqual([
      'C:\\Program Files\\Wachsam\\wachsam-hidden.vbs',
      'C:\\Program Files\\Wachsam\\install-shortcuts.ps1',
    ]);
    const ps1 = plan.files[1]?.content ?? '';
    expect(ps1).toContain("$desktop = [Environment]::GetFolderPath('CommonDesktopDirectory')");
    expect(ps1).toContain("$startup = [Environment]::GetFolderPath('CommonStartup')");
    expect(ps1).toContain("$programs = Join-Path ([Environment]::GetFolderPath('CommonPrograms')) 'Wachsam'");
    expect(ps1).toContain("'trigger --source hotkey --notify' 'CTRL+ALT+H'");
    expect(ps1).toContain("(Join-Path $startup 'Wachsam Agent.lnk') 'run'");
    expect(plan.files[0]?.content).toContain(
      'shell.Environment("Process")("WACHSAM_AGENT_DIR") = "C:\\ProgramData\\Wachsam\\agent"',
    );
    const noAutostart = planShortcuts({ ...linux, os: 'win32', agent: exe, allUsers: true, autostart: false });
    expect(noAutostart.files[1]?.content).not.toContain("'Wachsam Agent.lnk'");
  });
});

describe('macOS', () => {
  it('only prints instructions', () => {
    const plan = planShortcuts({ ...linux, os: 'darwin' });
    expect(plan.files).toEqual([]);
    expect(plan.notes.join('\n')).toContain('Kurzbefehle');
  });
});

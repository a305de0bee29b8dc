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
  node: '/usr/bin/node',
  script: '/opt/wachsam/agent/dist/cli.js',
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
    node: 'C:\\Program Files\\nodejs\\node.exe',
    script: "C:\\Wachsam\\agent's\\dist\\cli.js",
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

describe('macOS', () => {
  it('only prints instructions', () => {
    const plan = planShortcuts({ ...linux, os: 'darwin' });
    expect(plan.files).toEqual([]);
    expect(plan.notes.join('\n')).toContain('Kurzbefehle');
  });
});

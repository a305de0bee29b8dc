import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Alarm } from '@wachsam/protocol';

/**
 * How the agent tells a person something, by urgency:
 * - `discreet`: the sender's own feedback. The attacker may see the screen: one short line,
 *   a quiet notification, no sound, no window.
 * - `warn`: something the person must act on (connection lost, function test failed):
 *   notification, one sound.
 * - `alarm`: a colleague needs help: notification, a window, sound repeated until stopped.
 * Everything is also printed to stdout. Message text goes to child processes through the
 * environment, never spliced into a command line, so no name can inject a command.
 */
export interface Notifier {
  discreet(text: string): void;
  warn(title: string, text: string): void;
  alarm(title: string, text: string): AlertHandle;
}

export interface AlertHandle {
  /** Stop the sound and close the window (the alarm was resolved). */
  stop(): void;
  /** Stop the sound, keep the window (someone acknowledged: help is on its way). */
  silence(): void;
  /** Resolves when the person closed the window, or immediately when there is no window. */
  readonly closed: Promise<void>;
}

export interface Platform {
  os: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  has(command: string): boolean;
}

export function currentPlatform(): Platform {
  return { os: process.platform, env: process.env, has: onPath };
}

function onPath(command: string): boolean {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const ext of exts) {
      try {
        accessSync(join(dir, command + ext), constants.X_OK);
        return true;
      } catch {
        // not here
      }
    }
  }
  return false;
}

/**
 * A cancel by the sender may have been forced by the attacker: the server keeps the alarm open
 * and escalating, and receivers are asked to go and look anyway.
 */
export const cancelledReceiverText = 'Abbruch durch die auslösende Person – bitte trotzdem persönlich nachsehen';

/** Text of an incoming alarm, in the order a helper needs it: who, where, how to call. */
export function alarmText(alarm: Alarm): { title: string; text: string } {
  const kind = alarm.functionTest ? 'FUNKTIONSTEST' : alarm.test ? 'TESTALARM' : 'ALARM';
  const who = `${alarm.sender.firstName} ${alarm.sender.lastName}`.trim() || 'Unbekannt';
  const l = alarm.location;
  const where = [l.building, l.floor && `Etage ${l.floor}`, l.room && `Raum ${l.room}`, l.workstation]
    .filter((part) => part)
    .join(', ');
  const time = new Date(alarm.raisedAt).toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' });
  const lines = [`${who} braucht Hilfe – ${where || 'Ort unbekannt'}`, `ausgelöst ${time} Uhr`];
  if (alarm.sender.phone) lines.push(`Telefon: ${alarm.sender.phone}`);
  if (alarm.callPolice) lines.push('Polizei verständigen: 110');
  if (alarm.step > 1) lines.push(`Eskalationsstufe ${alarm.step} von ${alarm.steps}`);
  if (alarm.cancelledAt) lines.push(cancelledReceiverText);
  return { title: `Wachsam ${kind}`, text: lines.join('\n') };
}

/** A short two-tone alarm sound as a 16-bit mono WAV, so no sound file has to be shipped. */
export function alarmWav(sampleRate = 22_050): Buffer {
  const tones = [880, 660, 880, 660];
  const toneSamples = Math.round(sampleRate * 0.25);
  const samples = tones.length * toneSamples;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(samples * 2, 40);
  tones.forEach((frequency, t) => {
    for (let i = 0; i < toneSamples; i++) {
      const value = Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 0.6 * 32767;
      buffer.writeInt16LE(Math.round(value), 44 + (t * toneSamples + i) * 2);
    }
  });
  return buffer;
}

type Command = [string, ...string[]];

/** The commands for this platform; empty where nothing fits (stdout and the bell remain). */
export function commandsFor(p: Platform, wavPath: string) {
  const desktop = p.os !== 'linux' || Boolean(p.env.DISPLAY || p.env.WAYLAND_DISPLAY);
  const ps = (script: string): Command => [
    'powershell.exe',
    '-NoProfile',
    '-NonInteractive',
    '-WindowStyle',
    'Hidden',
    '-EncodedCommand',
    Buffer.from(script, 'utf16le').toString('base64'),
  ];
  const notify = (urgency: 'low' | 'normal' | 'critical'): Command | null => {
    if (p.os === 'linux') {
      if (!desktop || !p.has('notify-send')) return null;
      return ['sh', '-c', 'exec notify-send -a Wachsam -u "$1" "$WACHSAM_TITLE" "$WACHSAM_TEXT"', 'sh', urgency];
    }
    if (p.os === 'darwin') {
      return [
        'osascript',
        '-e',
        'display notification (system attribute "WACHSAM_TEXT") with title (system attribute "WACHSAM_TITLE")',
      ];
    }
    if (p.os === 'win32') {
      const icon = urgency === 'low' ? 'None' : 'Warning';
      return ps(
        `Add-Type -AssemblyName System.Windows.Forms; $n = New-Object System.Windows.Forms.NotifyIcon; ` +
          `$n.Icon = [System.Drawing.SystemIcons]::Information; $n.Visible = $true; ` +
          `$n.ShowBalloonTip(10000, $env:WACHSAM_TITLE, $env:WACHSAM_TEXT, '${icon}'); Start-Sleep 10; $n.Dispose()`,
      );
    }
    return null;
  };
  let sound: Command | null = null;
  if (p.os === 'linux' && p.has('paplay')) sound = ['paplay', wavPath];
  else if (p.os === 'linux' && p.has('aplay')) sound = ['aplay', '-q', wavPath];
  else if (p.os === 'darwin') sound = ['afplay', wavPath];
  else if (p.os === 'win32') sound = ps(`(New-Object Media.SoundPlayer $env:WACHSAM_WAV).PlaySync()`);
  let window: Command | null = null;
  if (p.os === 'linux' && desktop && p.has('zenity')) {
    window = [
      'sh',
      '-c',
      'exec zenity --warning --no-markup --no-wrap --title="$WACHSAM_TITLE" --text="$WACHSAM_TEXT"',
    ];
  } else if (p.os === 'darwin') {
    window = [
      'osascript',
      '-e',
      'display alert (system attribute "WACHSAM_TITLE") message (system attribute "WACHSAM_TEXT") as critical',
    ];
  } else if (p.os === 'win32') {
    window = ps(
      `Add-Type -AssemblyName System.Windows.Forms; $f = New-Object System.Windows.Forms.Form; ` +
        `$f.TopMost = $true; $f.WindowState = 'Maximized'; $f.BackColor = 'DarkRed'; $f.Text = $env:WACHSAM_TITLE; ` +
        `$l = New-Object System.Windows.Forms.Label; $l.Dock = 'Fill'; $l.ForeColor = 'White'; ` +
        `$l.Font = New-Object System.Drawing.Font('Segoe UI', 28); $l.TextAlign = 'MiddleCenter'; ` +
        `$l.Text = $env:WACHSAM_TITLE + [Environment]::NewLine + $env:WACHSAM_TEXT; $f.Controls.Add($l); ` +
        `$b = New-Object System.Windows.Forms.Button; $b.Text = 'Gesehen'; $b.Dock = 'Bottom'; $b.Height = 80; ` +
        `$b.Font = New-Object System.Drawing.Font('Segoe UI', 20); $b.Add_Click({ $f.Close() }); $f.Controls.Add($b); ` +
        `[void]$f.ShowDialog()`,
    );
  }
  return { notify, sound, window };
}

/** Notifier for a real desktop; output goes to `out` (stdout) in any case. */
export class DesktopNotifier implements Notifier {
  private readonly commands: ReturnType<typeof commandsFor>;
  private readonly wavPath = join(tmpdir(), `wachsam-alarm-${process.pid}.wav`);
  private wavWritten = false;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    platform: Platform = currentPlatform(),
    /** How often the alarm sound repeats until the alert is stopped or closed. */
    private readonly repeatMs = 4_000,
    /** Sound stops by itself after this long even if nobody stops it. */
    private readonly maxSoundMs = 10 * 60_000,
  ) {
    this.commands = commandsFor(platform, this.wavPath);
  }

  discreet(text: string): void {
    this.print(text);
    this.run(this.commands.notify('low'), 'Wachsam', text);
  }

  warn(title: string, text: string): void {
    this.print(`${title}: ${text}`);
    this.run(this.commands.notify('critical'), title, text);
    this.playSound();
  }

  alarm(title: string, text: string): AlertHandle {
    this.print(`${title}: ${text.replace(/\n/g, ' | ')}`);
    this.run(this.commands.notify('critical'), title, text);
    const window = this.run(this.commands.window, title, text);
    this.playSound();
    const repeat = setInterval(() => this.playSound(), this.repeatMs);
    const limit = setTimeout(() => clearInterval(repeat), this.maxSoundMs);
    const silence = () => {
      clearInterval(repeat);
      clearTimeout(limit);
    };
    const stop = () => {
      silence();
      if (window && window.exitCode === null) window.kill();
    };
    const closed = window ? new Promise<void>((resolve) => window.once('exit', () => resolve())) : Promise.resolve();
    void closed.then(silence);
    return { stop, silence, closed };
  }

  private print(text: string): void {
    const time = new Date().toLocaleTimeString('de-DE');
    this.out.write(`[${time}] ${text}\n`);
  }

  private playSound(): void {
    if (!this.commands.sound) {
      this.out.write('\x07');
      return;
    }
    if (!this.wavWritten) {
      try {
        writeFileSync(this.wavPath, alarmWav());
        this.wavWritten = true;
      } catch {
        this.out.write('\x07');
        return;
      }
    }
    const child = this.run(this.commands.sound, '', '');
    if (!child) this.out.write('\x07');
  }

  /** Start a helper; a missing or failing helper must never take the agent down. */
  private run(command: Command | null, title: string, text: string): ChildProcess | null {
    if (!command) return null;
    try {
      const [file, ...args] = command;
      const child = spawn(file, args, {
        stdio: 'ignore',
        env: { ...process.env, WACHSAM_TITLE: title, WACHSAM_TEXT: text, WACHSAM_WAV: this.wavPath },
        windowsHide: true,
      });
      child.on('error', () => undefined);
      child.unref();
      return child;
    } catch {
      return null;
    }
  }
}

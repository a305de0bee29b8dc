import { describe, expect, it } from 'vitest';
import { alarmText, alarmWav, commandsFor, type Platform } from './notify.js';
import { sampleAlarm } from './testing.js';

const platform = (os: NodeJS.Platform, env: NodeJS.ProcessEnv, commands: string[]): Platform => ({
  os,
  env,
  has: (c) => commands.includes(c),
});

describe('commandsFor', () => {
  it('uses notify-send, zenity and paplay on a Linux desktop', () => {
    const c = commandsFor(
      platform('linux', { DISPLAY: ':0' }, ['notify-send', 'zenity', 'paplay', 'aplay']),
      '/t/a.wav',
    );
    expect(c.notify('critical')?.join(' ')).toContain('notify-send');
    expect(c.window?.join(' ')).toContain('zenity --warning --no-markup');
    expect(c.sound).toEqual(['paplay', '/t/a.wav']);
  });

  it('has no notification or window without a desktop session, and falls back to aplay', () => {
    const c = commandsFor(platform('linux', {}, ['notify-send', 'zenity', 'aplay']), '/t/a.wav');
    expect(c.notify('low')).toBeNull();
    expect(c.window).toBeNull();
    expect(c.sound).toEqual(['aplay', '-q', '/t/a.wav']);
  });

  it('never puts message text into a command line', () => {
    for (const os of ['linux', 'win32', 'darwin'] as const) {
      const c = commandsFor(platform(os, { DISPLAY: ':0' }, ['notify-send', 'zenity', 'paplay']), '/t/a.wav');
      for (const command of [c.notify('critical'), c.window]) {
        expect(command?.join(' ') ?? '').not.toContain('Hilfe');
      }
    }
  });

  it('uses PowerShell on Windows and osascript on macOS', () => {
    expect(commandsFor(platform('win32', {}, []), 'a.wav').window?.[0]).toBe('powershell.exe');
    expect(commandsFor(platform('darwin', {}, []), 'a.wav').notify('low')?.[0]).toBe('osascript');
  });
});

describe('alarmWav', () => {
  it('is a valid 16-bit mono PCM WAV of one second', () => {
    const wav = alarmWav(8000);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(40)).toBe(8000 * 2);
    expect(wav.length).toBe(44 + 8000 * 2);
  });
});

describe('alarmText', () => {
  it('says who, where, when and how to call', () => {
    const alarm = sampleAlarm();
    const { title, text } = alarmText(alarm);
    expect(title).toBe('Wachsam ALARM');
    expect(text).toContain('Anna Schmidt braucht Hilfe – Rathaus, Etage 2. OG, Raum 204, Platz 1');
    expect(text).toContain('Telefon: 0221 123');
    expect(text).toContain('Polizei verständigen: 110');
    expect(text).toContain('Eskalationsstufe 2 von 3');
    expect(alarmText({ ...alarm, test: true }).title).toBe('Wachsam TESTALARM');
    expect(text).not.toContain('Abbruch');
  });

  it('asks to look in person when the sender cancelled (the cancel may be forced)', () => {
    const { text } = alarmText(sampleAlarm({ cancelledAt: '2026-01-02T10:16:00Z' }));
    expect(text).toContain('Abbruch durch die auslösende Person – bitte trotzdem persönlich nachsehen');
  });
});

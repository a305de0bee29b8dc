import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';

describe('parseCli', () => {
  it('defaults trigger to the hotkey, a 10 s wait and a background sender', () => {
    expect(parseCli(['trigger'])).toEqual({
      command: 'trigger',
      source: 'hotkey',
      test: false,
      notify: false,
      waitSeconds: 10,
      background: true,
    });
  });

  it('reads every trigger option', () => {
    expect(
      parseCli(['trigger', '--source', 'hardware_button', '--test', '--notify', '--wait', '2.5', '--no-background']),
    ).toEqual({
      command: 'trigger',
      source: 'hardware_button',
      test: true,
      notify: true,
      waitSeconds: 2.5,
      background: false,
    });
  });

  it('refuses sources a PC cannot trigger and unknown options', () => {
    expect(parseCli(['trigger', '--source', 'mobile'])).toMatchObject({ command: 'error' });
    expect(parseCli(['trigger', '--loud'])).toMatchObject({ command: 'error' });
    expect(parseCli(['trigger', '--wait', 'soon'])).toMatchObject({ command: 'error' });
  });

  it('needs server and code to enroll, and keeps only the origin of the server URL', () => {
    expect(parseCli(['enroll', '--code', 'ABC123'])).toMatchObject({ command: 'error' });
    expect(parseCli(['enroll', '--server', 'ftp://x', '--code', 'ABC123'])).toMatchObject({ command: 'error' });
    expect(parseCli(['enroll', '--server', 'not a url', '--code', 'ABC123'])).toMatchObject({ command: 'error' });
    expect(parseCli(['enroll', '--server', 'https://alarm.example.de/', '--code', ' ABC123 '])).toEqual({
      command: 'enroll',
      server: 'https://alarm.example.de',
      code: 'ABC123',
      force: false,
    });
  });

  it('parses run, status, drain and install-shortcuts', () => {
    expect(parseCli(['run'])).toEqual({ command: 'run', functionTest: true });
    expect(parseCli(['run', '--no-function-test'])).toEqual({ command: 'run', functionTest: false });
    expect(parseCli(['status'])).toEqual({ command: 'status' });
    expect(parseCli(['drain'])).toEqual({ command: 'drain', maxSeconds: 3600 });
    expect(parseCli(['install-shortcuts', '--dry-run', '--platform', 'win32'])).toEqual({
      command: 'install-shortcuts',
      dryRun: true,
      platform: 'win32',
    });
    expect(parseCli(['install-shortcuts', '--platform', 'win32'])).toMatchObject({ command: 'error' });
  });

  it('shows help for no command and rejects unknown commands', () => {
    expect(parseCli([])).toEqual({ command: 'help' });
    expect(parseCli(['--help'])).toEqual({ command: 'help' });
    expect(parseCli(['explode'])).toMatchObject({ command: 'error', message: 'Unbekannter Befehl: explode' });
  });
});

import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';
import { enrolRetryDelayMs, enrolWaitSeconds, pcName } from './commands.js';

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
    expect(parseCli(['enroll', '--server', 'https://alarm.example.de/', '--code', ' ABC123 '], {})).toEqual({
      command: 'enroll',
      server: 'https://alarm.example.de',
      secret: { code: 'ABC123' },
      hostname: null,
      force: false,
    });
  });

  it('enrolls with the organisation token from the option or the environment, with an optional hostname', () => {
    const server = ['enroll', '--server', 'https://alarm.example.de'];
    expect(parseCli([...server, '--org-token', 'wsorg_abc', '--hostname', 'PC-0042'], {})).toMatchObject({
      secret: { orgToken: 'wsorg_abc' },
      hostname: 'PC-0042',
    });
    expect(parseCli(server, { WACHSAM_ORG_TOKEN: 'wsorg_env' })).toMatchObject({ secret: { orgToken: 'wsorg_env' } });
    expect(parseCli(server, {})).toMatchObject({ command: 'error' });
    expect(parseCli([...server, '--code', 'ABC123', '--org-token', 'wsorg_abc'], {})).toMatchObject({
      command: 'error',
    });
    // A code on the command line wins over a token left in the environment.
    expect(parseCli([...server, '--code', 'ABC123'], { WACHSAM_ORG_TOKEN: 'wsorg_env' })).toMatchObject({
      secret: { code: 'ABC123' },
    });
    expect(parseCli([...server, '--org-token', 'wsorg_abc', '--hostname', 'pc 1; rm'], {})).toMatchObject({
      command: 'error',
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
      autostart: true,
      allUsers: false,
    });
    expect(parseCli(['install-shortcuts', '--platform', 'win32'])).toMatchObject({ command: 'error' });
    expect(
      parseCli(['install-shortcuts', '--dry-run', '--platform', 'win32', '--all-users', '--no-autostart']),
    ).toMatchObject({ allUsers: true, autostart: false });
    // Links for all users exist only on Windows (public desktop, common Start menu).
    expect(parseCli(['install-shortcuts', '--dry-run', '--platform', 'linux', '--all-users'])).toMatchObject({
      command: 'error',
    });
  });

  it('prints the version for version and --version', () => {
    expect(parseCli(['version'])).toEqual({ command: 'version' });
    expect(parseCli(['--version'])).toEqual({ command: 'version' });
  });

  it('shows help for no command and rejects unknown commands', () => {
    expect(parseCli([])).toEqual({ command: 'help' });
    expect(parseCli(['--help'])).toEqual({ command: 'help' });
    expect(parseCli(['explode'])).toMatchObject({ command: 'error', message: 'Unbekannter Befehl: explode' });
  });
});

describe('the PC name for the hostname mapping', () => {
  it('is the terminal-server client name where there is one, else the machine name', () => {
    expect(pcName({}, 'TS-FARM-01')).toBe('TS-FARM-01');
    expect(pcName({ CLIENTNAME: 'PC-0042' }, 'TS-FARM-01')).toBe('PC-0042');
    // A session at the server's own console reports "Console": that is no PC name.
    expect(pcName({ CLIENTNAME: 'Console' }, 'TS-FARM-01')).toBe('TS-FARM-01');
    expect(pcName({ CLIENTNAME: '  ' }, 'TS-FARM-01')).toBe('TS-FARM-01');
  });
});

describe('enrolment with the organisation token keeps trying while it makes sense', () => {
  it('retries failures that pass, with a growing, jittered wait, within the budget', () => {
    const mid = () => 0.5;
    expect(enrolRetryDelayMs('network_error', 1, 0, 900_000, mid)).toBe(1500);
    expect(enrolRetryDelayMs('rate_limited', 3, 0, 900_000, mid)).toBe(6000);
    expect(enrolRetryDelayMs('http_503', 10, 0, 900_000, mid)).toBe(45_000);
    expect(enrolRetryDelayMs('timeout', 10, 899_000, 900_000, mid)).toBeNull();
    // A wrong or revoked token, a PC outside the token's scope: trying again changes nothing.
    expect(enrolRetryDelayMs('enrolment_code_invalid', 1, 0, 900_000, mid)).toBeNull();
    expect(enrolRetryDelayMs('forbidden', 1, 0, 900_000, mid)).toBeNull();
    // One-time codes (budget 0) are not retried: a person is waiting at the PC.
    expect(enrolRetryDelayMs('network_error', 1, 0, 0, mid)).toBeNull();
    expect(enrolWaitSeconds({})).toBe(900);
    expect(enrolWaitSeconds({ WACHSAM_ENROL_WAIT_SECONDS: '5' })).toBe(5);
    expect(enrolWaitSeconds({ WACHSAM_ENROL_WAIT_SECONDS: 'bald' })).toBe(900);
  });
});

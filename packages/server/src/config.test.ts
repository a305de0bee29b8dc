import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { defaultPasswordHashCost, hashPassword, setPasswordHashCost, timingEqualiserHash } from './auth/passwords.js';

describe('configuration', () => {
  it('starts with sensible defaults: embedded database, port 3000, 20 s offline limit', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      dataDir: './data',
      deviceOfflineSeconds: 20,
      demo: true,
      mqttUrl: null,
      cookieSecure: false,
    });
  });

  it('stops on a bad value, naming the variable and what is expected', () => {
    expect(() => loadConfig({ PORT: 'zwölf' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'zwölf' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: muss mit postgres:\/\/ beginnen/);
    expect(() => loadConfig({ DEVICE_OFFLINE_SECONDS: '1' })).toThrow(/DEVICE_OFFLINE_SECONDS/);
  });

  it('reads the mobile alarm settings: hold time at most 2 s, an HTTP SMS gateway needs its URL', () => {
    expect(loadConfig({})).toMatchObject({
      alarmSmsNumber: null,
      smsInboundSecret: null,
      smsGateway: { kind: 'log' },
      mobileHoldMs: 1500,
      pushSubject: 'mailto:sicherheit@example.invalid',
    });
    expect(() => loadConfig({ MOBILE_HOLD_MS: '2500' })).toThrow(/MOBILE_HOLD_MS/);
    expect(() => loadConfig({ SMS_GATEWAY: 'http' })).toThrow(/SMS_GATEWAY_URL/);
    expect(() => loadConfig({ SMS_INBOUND_SECRET: 'kurz' })).toThrow(/SMS_INBOUND_SECRET/);
    expect(loadConfig({ SMS_GATEWAY: 'http', SMS_GATEWAY_URL: 'https://sms.example/send' }).smsGateway).toEqual({
      kind: 'http',
      url: 'https://sms.example/send',
      token: null,
    });
  });

  it('takes SMTP for e-mail only with a sender, and the control centre only as addresses', () => {
    expect(loadConfig({}).mail).toBeNull();
    const smtp = { SMTP_URL: 'smtp://mail.stadt.example:587', MAIL_FROM: 'Wachsam <wachsam@stadt.example>' };
    expect(
      loadConfig({ ...smtp, ALARM_MAIL_CONTROL_CENTRE: ' leitstelle@stadt.example , lage@stadt.example' }).mail,
    ).toEqual({
      url: 'smtp://mail.stadt.example:587',
      from: 'Wachsam <wachsam@stadt.example>',
      controlCentre: ['leitstelle@stadt.example', 'lage@stadt.example'],
    });
    expect(() => loadConfig({ SMTP_URL: smtp.SMTP_URL })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ ...smtp, SMTP_URL: 'https://mail.stadt.example' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ ...smtp, ALARM_MAIL_CONTROL_CENTRE: 'Leitstelle' })).toThrow(/ALARM_MAIL_CONTROL_CENTRE/);
    expect(() => loadConfig({ ALARM_MAIL_CONTROL_CENTRE: 'leitstelle@stadt.example' })).toThrow(/braucht SMTP_URL/);
  });

  it('sets secure cookies when the public URL is https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://alarm.stadt.example' }).cookieSecure).toBe(true);
  });
});

describe('the demo and production installations', () => {
  it('runs the demo by default on a developer machine (no NODE_ENV=production, no https PUBLIC_URL)', () => {
    expect(loadConfig({})).toMatchObject({ demo: true, production: false });
    expect(loadConfig({ PUBLIC_URL: 'http://wachsam.intranet:3000' })).toMatchObject({ demo: true, production: false });
    expect(loadConfig({ DEMO: 'false' })).toMatchObject({ demo: false, production: false });
  });

  it('does not seed the demo in production when DEMO is unset', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ demo: false, production: true });
    expect(loadConfig({ PUBLIC_URL: 'https://wachsam.stadt.example' })).toMatchObject({
      demo: false,
      production: true,
    });
    expect(loadConfig({ NODE_ENV: 'production', DEMO: 'false' })).toMatchObject({ demo: false, production: true });
  });

  it('refuses DEMO=true with an https PUBLIC_URL or NODE_ENV=production, naming the variables in German and English', () => {
    const https = () => loadConfig({ DEMO: 'true', PUBLIC_URL: 'https://wachsam.stadt.example' });
    expect(https).toThrow(ConfigError);
    expect(https).toThrow(/DEMO: DEMO=true ist in einer Produktivinstallation nicht erlaubt \(PUBLIC_URL ist https/);
    expect(https).toThrow(/DEMO=true is refused on a production installation \(PUBLIC_URL is https/);
    const production = () => loadConfig({ DEMO: 'true', NODE_ENV: 'production' });
    expect(production).toThrow(/nicht erlaubt \(NODE_ENV=production\)/);
    expect(production).toThrow(/refused .*\(NODE_ENV=production\)/);
  });

  it("hashes passwords at argon2's default cost, and refuses less than OWASP's minimum in production", async () => {
    expect(loadConfig({}).passwordHashCost).toEqual({ memoryKib: 65_536, passes: 3 });
    const low = { PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_PASSES: '1' };
    expect(loadConfig(low).passwordHashCost).toEqual({ memoryKib: 1024, passes: 1 });
    expect(() => loadConfig({ ...low, NODE_ENV: 'production' })).toThrow(/PASSWORD_HASH_MEMORY_KIB.*19456 KiB/);
    expect(() => loadConfig({ PASSWORD_HASH_PASSES: '1', PUBLIC_URL: 'https://a.example' })).toThrow(ConfigError);
    expect(
      loadConfig({ PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_PASSES: '2', NODE_ENV: 'production' }),
    ).toMatchObject({ passwordHashCost: { memoryKib: 19_456, passes: 2 } });
    // New hashes carry the cost set at start; so does the hash that equalises unknown logins' timing.
    try {
      setPasswordHashCost({ memoryKib: 2048, passes: 2 });
      expect(await hashPassword('x')).toMatch(/^\$argon2id\$v=19\$m=2048,p=4,t=2\$/);
      expect(await timingEqualiserHash()).toMatch(/^\$argon2id\$v=19\$m=2048,p=4,t=2\$/);
    } finally {
      setPasswordHashCost(defaultPasswordHashCost);
    }
  });
});

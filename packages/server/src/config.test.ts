import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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

  it('sets secure cookies when the public URL is https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://alarm.stadt.example' }).cookieSecure).toBe(true);
  });
});

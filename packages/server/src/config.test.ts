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

  it('sets secure cookies when the public URL is https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://alarm.stadt.example' }).cookieSecure).toBe(true);
  });
});

import { routes } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { buildUrl } from './http.js';

describe('buildUrl', () => {
  it('fills and encodes path parameters and adds the query', () => {
    expect(buildUrl(routes.respond.url, { id: 'a/b' })).toBe('/api/alarms/a%2Fb/respond');
    expect(buildUrl(routes.listAlarms.url, {}, { open: 'true', limit: undefined })).toBe('/api/alarms?open=true');
  });
  it('refuses a missing parameter', () => {
    expect(() => buildUrl(routes.getAlarm.url)).toThrow(/id/);
  });
});

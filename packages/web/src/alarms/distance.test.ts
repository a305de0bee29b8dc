import { distanceMeters } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { formatDistance } from './distance.js';

describe('formatDistance', () => {
  it('formats metres and kilometres in the UI language', () => {
    expect(formatDistance(847, 'de')).toBe('850 m');
    expect(formatDistance(1234, 'de')).toBe('1,2 km');
    expect(formatDistance(1234, 'en')).toBe('1.2 km');
  });

  it('Kölner Dom to Stadthaus Deutz is about 1.7 km', () => {
    const d = distanceMeters({ lat: 50.94133, lon: 6.95812 }, { lat: 50.93735, lon: 6.97984 });
    expect(formatDistance(d, 'de')).toMatch(/^1,[5-7] km$/);
  });
});

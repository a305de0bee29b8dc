import type { Position } from '@wachsam/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchPosition } from './position.js';

describe('watchPosition', () => {
  let report: (p: GeolocationPosition) => void = () => undefined;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('navigator', {
      geolocation: {
        watchPosition: (cb: (p: GeolocationPosition) => void) => {
          report = cb;
          return 1;
        },
        clearWatch: () => undefined,
      },
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  const at = (lat: number) =>
    ({ coords: { latitude: lat, longitude: 7, accuracy: 5 }, timestamp: Date.now() }) as GeolocationPosition;

  it('sends at most every interval, and the latest early position after the interval', () => {
    const sent: Position[] = [];
    const stop = watchPosition((p) => sent.push(p), 5000);
    report(at(50.1));
    report(at(50.2));
    report(at(50.3));
    expect(sent.map((p) => p.lat)).toEqual([50.1]);
    vi.advanceTimersByTime(5000);
    expect(sent.map((p) => p.lat)).toEqual([50.1, 50.3]);
    vi.advanceTimersByTime(20_000);
    expect(sent).toHaveLength(2);
    stop();
  });
});

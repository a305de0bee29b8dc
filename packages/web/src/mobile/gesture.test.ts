import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PressDetector } from './gesture.js';

describe('PressDetector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function detector(holdMs = 1500) {
    const triggers: string[] = [];
    const progress: number[] = [];
    const d = new PressDetector({
      holdMs,
      onTrigger: (how) => triggers.push(how),
      onProgress: (p) => progress.push(p),
      now: () => Date.now(),
    });
    return { d, triggers, progress };
  }

  it('raises after the hold time while still pressed, once', () => {
    const { d, triggers, progress } = detector();
    d.press();
    vi.advanceTimersByTime(1400);
    expect(triggers).toEqual([]);
    expect(progress.at(-1)).toBeGreaterThan(0.9);
    vi.advanceTimersByTime(200);
    expect(triggers).toEqual(['hold']);
    d.release();
    expect(triggers).toEqual(['hold']);
  });

  it('a press shorter than the hold time raises nothing', () => {
    const { d, triggers, progress } = detector();
    d.press();
    vi.advanceTimersByTime(1000);
    d.release();
    vi.advanceTimersByTime(5000);
    expect(triggers).toEqual([]);
    expect(progress.at(-1)).toBe(0);
  });

  it('two short taps within the window raise; two far apart do not', () => {
    const { d, triggers } = detector();
    d.press();
    vi.advanceTimersByTime(80);
    d.release();
    vi.advanceTimersByTime(700);
    d.press();
    vi.advanceTimersByTime(80);
    d.release();
    expect(triggers).toEqual([]);
    vi.advanceTimersByTime(200);
    d.press();
    vi.advanceTimersByTime(80);
    d.release();
    expect(triggers).toEqual(['double_tap']);
  });

  it('a cancelled press (finger slid away) raises nothing', () => {
    const { d, triggers } = detector();
    d.press();
    vi.advanceTimersByTime(1000);
    d.cancel();
    vi.advanceTimersByTime(2000);
    expect(triggers).toEqual([]);
  });
});

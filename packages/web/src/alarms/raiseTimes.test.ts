import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { de } from '../i18n/de.js';
import { en } from '../i18n/en.js';
import { pressDelayMs, raiseTimesText } from './raiseTimes.js';

process.env.TZ = 'UTC';
const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    resources: { de: { translation: de }, en: { translation: en } },
    lng: 'de',
    interpolation: { escapeValue: false },
  });
});

/** Today at the given UTC clock time (formatTime adds the date for other days). */
const today = (clock: string): string => `${new Date().toISOString().slice(0, 10)}T${clock}.000Z`;

describe('press time and arrival time', () => {
  it('shows both when the press waited (an outbox that sent later)', () => {
    const alarm = { triggeredAt: today('10:03:12'), raisedAt: today('10:05:40') };
    expect(pressDelayMs(alarm)).toBe(148_000);
    expect(raiseTimesText(alarm, 'de', i18n.getFixedT('de'))).toBe('Ausgelöst 10:03:12 · eingegangen 10:05:40');
    expect(raiseTimesText(alarm, 'en', i18n.getFixedT('en'))).toBe('Pressed 10:03:12 AM · arrived 10:05:40 AM');
  });

  it('shows one time when press and arrival are seconds apart, or the press time is unknown', () => {
    const t = i18n.getFixedT('de');
    expect(raiseTimesText({ triggeredAt: today('10:05:35'), raisedAt: today('10:05:40') }, 'de', t)).toBe(
      'Ausgelöst 10:05:40',
    );
    expect(raiseTimesText({ triggeredAt: null, raisedAt: today('10:05:40') }, 'de', t)).toBe('Ausgelöst 10:05:40');
    // A sender's clock ahead of the server's: no "pressed" after "arrived".
    expect(raiseTimesText({ triggeredAt: today('10:07:00'), raisedAt: today('10:05:40') }, 'de', t)).toBe(
      'Ausgelöst 10:05:40',
    );
  });

  it('adds the date when the press was on another day', () => {
    const alarm = { triggeredAt: '2026-01-01T23:58:00.000Z', raisedAt: '2026-01-02T00:03:00.000Z' };
    expect(raiseTimesText(alarm, 'de', i18n.getFixedT('de'))).toBe(
      'Ausgelöst 01.01.2026, 23:58:00 · eingegangen 02.01.2026, 00:03:00',
    );
  });
});

import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Responder } from '@wachsam/protocol';
import { de } from '../i18n/de.js';
import { responsesText, statusKey } from './responses.js';
import { testAlarm } from './testAlarm.js';

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({ resources: { de: { translation: de } }, lng: 'de', interpolation: { escapeValue: false } });
});

const answer = (firstName: string, lastName: string, response: Responder['response'], at: string): Responder => ({
  personId: `00000000-0000-4000-8000-${String(firstName.length).padStart(12, '0')}`,
  firstName,
  lastName,
  response,
  at,
});

describe('answers as what they are', () => {
  it('"Polizei verständigt" is not "Hilfe unterwegs"', () => {
    const t = i18n.getFixedT('de');
    const police = testAlarm({
      status: 'acknowledged',
      responders: [answer('Petra', 'Hoffmann', 'police_called', '2026-01-01T10:00:05Z')],
    });
    expect(responsesText(police, t)).toBe('Polizei verständigt (Petra Hoffmann)');
    expect(t(statusKey(police))).toBe('Polizei verständigt');
  });

  it('names who is on the way, in the order they answered', () => {
    const t = i18n.getFixedT('de');
    const coming = testAlarm({
      status: 'acknowledged',
      responders: [
        answer('Jonas', 'Becker', 'coming', '2026-01-01T10:00:09Z'),
        answer('Petra', 'Hoffmann', 'coming', '2026-01-01T10:00:05Z'),
        answer('Petra', 'Hoffmann', 'police_called', '2026-01-01T10:00:07Z'),
      ],
    });
    expect(responsesText(coming, t)).toBe(
      '2 unterwegs (Petra Hoffmann, Jonas Becker) · Polizei verständigt (Petra Hoffmann)',
    );
    expect(t(statusKey(coming))).toBe('Hilfe unterwegs');
    expect(responsesText(testAlarm(), t)).toBe('noch keine Rückmeldung');
  });
});

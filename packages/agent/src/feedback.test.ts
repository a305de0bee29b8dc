import { describe, expect, it } from 'vitest';
import type { Alarm, RaiseAlarmResponse } from '@wachsam/protocol';
import { helpComingText, raisedText, rejectionText } from './feedback.js';

const alarm = (patch: Partial<Alarm>) => ({ alerted: 5, responders: [], ...patch }) as Alarm;

describe('sender feedback', () => {
  it('names who is on the way', () => {
    const text = helpComingText(
      alarm({
        responders: [
          { personId: 'p1', firstName: 'Jan', lastName: 'Becker', response: 'coming', at: '2026-01-01T00:00:00Z' },
          { personId: 'p2', firstName: 'Eva', lastName: 'Kurz', response: 'police_called', at: '2026-01-01T00:00:00Z' },
        ],
      }),
    );
    expect(text).toBe('Hilfe kommt: 5 alarmiert, 1 unterwegs (Jan Becker). Polizei verständigt.');
  });

  it('warns when nobody was online', () => {
    const response = { alarm: alarm({}), receiversOnline: 0, replayed: false } as RaiseAlarmResponse;
    expect(raisedText(response, false)).toContain('niemand online');
    expect(raisedText({ ...response, receiversOnline: 3 }, false)).toBe('Alarm ausgelöst – 3 online erreicht.');
  });

  it('explains a revoked device in plain words', () => {
    expect(rejectionText('token_revoked', 'x')).toBe(
      'ALARM ABGELEHNT: dieses Gerät ist gesperrt. Bitte anders Hilfe holen (Telefon, 110).',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { Alarm, RaiseAlarmResponse } from '@wachsam/protocol';
import { failedNotice, helpComingText, raisedText, rejectionText, tooOldText } from './feedback.js';
import type { FailedEntry } from './outbox.js';

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

  it('says loudly when a too old press was not sent, when it was pressed, and what to do', () => {
    const now = new Date(2026, 4, 12, 11, 0);
    const today = tooOldText(new Date(2026, 4, 12, 10, 42).toISOString(), now);
    expect(today).toBe(
      'ALARM NICHT GESENDET: Alarm von 10:42 Uhr wurde nicht zugestellt und ist älter als 15 Minuten – ' +
        'er wird nicht mehr gesendet. Falls noch nötig: neu auslösen oder 110.',
    );
    expect(tooOldText(new Date(2026, 4, 5, 9, 7).toISOString(), now)).toContain('Alarm vom 5.5.2026, 09:07 Uhr');
  });

  it('tells a too old entry apart from a refused one', () => {
    const record = (code: string) =>
      ({ request: { triggeredAt: new Date().toISOString() }, code, message: 'x', status: null }) as FailedEntry;
    expect(failedNotice(record('too_old')).title).toBe('Wachsam: Alarm nicht gesendet');
    expect(failedNotice(record('too_old')).text).toContain('Falls noch nötig: neu auslösen oder 110.');
    expect(failedNotice(record('token_revoked')).text).toMatch(/^ALARM ABGELEHNT: dieses Gerät ist gesperrt/);
  });
});

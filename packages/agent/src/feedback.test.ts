import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, RaiseAlarmResponse, Responder } from '@wachsam/protocol';
import {
  failedNotice,
  helpComingText,
  raisedText,
  rejectionText,
  senderFeedback,
  senderStateText,
  tooOldText,
} from './feedback.js';
import type { FailedEntry } from './outbox.js';

const alarm = (patch: Partial<Alarm>) => ({ alerted: 5, responders: [], ...patch }) as Alarm;

const responder = (firstName: string, lastName: string, response: Responder['response']): Responder => ({
  personId: `p-${firstName}`,
  firstName,
  lastName,
  response,
  at: '2026-01-01T00:00:00Z',
});
const petra = responder('Petra', 'Hoffmann', 'coming');
const jonasComing = responder('Jonas', 'Becker', 'coming');
const jonasPolice = responder('Jonas', 'Becker', 'police_called');
const event = (type: AlarmEvent['type'], patch: Partial<Alarm>): AlarmEvent => ({
  id: '1',
  type,
  at: '2026-01-01T00:00:00Z',
  alarm: alarm({ cancelledAt: null, step: 2, steps: 3, ...patch }),
});

describe('sender feedback', () => {
  it('says who is on the way', () => {
    expect(helpComingText(alarm({ responders: [petra, jonasComing] }))).toBe(
      'Hilfe kommt: 5 alarmiert, 2 unterwegs (Petra Hoffmann, Jonas Becker).',
    );
  });

  it('shows "Polizei verständigt" as what it is: nobody on the way yet', () => {
    const text = senderFeedback(event('alarm.responded', { responders: [jonasPolice] }));
    expect(text).toBe('Polizei verständigt (Jonas Becker) – noch niemand unterwegs.');
    expect(text).not.toMatch(/Hilfe kommt|0 unterwegs/);
  });

  it('names both when one is coming and another called the police', () => {
    expect(helpComingText(alarm({ responders: [petra, jonasPolice] }))).toBe(
      'Hilfe kommt: 5 alarmiert, 1 unterwegs (Petra Hoffmann), Polizei verständigt (Jonas Becker).',
    );
  });

  it('says plainly when nobody has answered yet', () => {
    expect(senderStateText(alarm({ cancelledAt: null }))).toBe('5 alarmiert – noch keine Rückmeldung.');
  });

  it('after a cancel says that somebody checks anyway, and stays quiet about the escalation', () => {
    const cancelled = { cancelledAt: '2026-01-01T00:01:00Z' };
    expect(senderFeedback(event('alarm.cancelled', cancelled))).toBe('Abgebrochen – es schaut trotzdem jemand nach.');
    expect(senderFeedback(event('alarm.responded', { ...cancelled, responders: [petra] }))).toBe(
      'Abgebrochen – es schaut trotzdem jemand nach. 1 unterwegs (Petra Hoffmann).',
    );
    expect(senderFeedback(event('alarm.escalated', cancelled))).toBeNull();
    expect(senderFeedback(event('alarm.escalated', {}))).toBe('Alarm erweitert (Stufe 2 von 3): 5 alarmiert.');
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
    expect(rejectionText('device_removed', 'x')).toMatch(/^ALARM ABGELEHNT: dieses Gerät wurde entfernt\./);
    expect(rejectionText('validation_failed', 'Ungültig')).toMatch(
      /^ALARM ABGELEHNT: Ungültig \(validation_failed\)\./,
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

import { alarmSourceLabels, ReportInput, type AlarmOutcome, type AlarmSource } from '@wachsam/protocol';
import type { AlarmRow } from './repository.js';

const outcomeLabels: Record<AlarmOutcome, string> = {
  real: 'echter Notfall',
  false_alarm: 'Fehlalarm',
  test: 'Probealarm',
};

const dateTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/**
 * The draft "Vorfall melden" opens from a resolved alarm: when (the moment of the trigger, not
 * of the server's receipt), where (the room, else the building's address, else the last
 * position of a mobile sender) and the alarm's own facts in the description. The reporter
 * completes categories, causer and the rest before submitting.
 */
export function draftFromAlarm(alarm: AlarmRow): ReportInput {
  const loc = alarm.location;
  const pos = alarm.position;
  const address =
    loc.address ||
    (pos ? `Standort ${pos.lat.toFixed(5)}, ${pos.lon.toFixed(5)} (± ${Math.round(pos.accuracy)} m)` : '');
  const place = [loc.building, loc.floor, loc.room].filter(Boolean).join(', ');
  const lines = [
    `Alarm vom ${dateTime.format(alarm.triggeredAt ?? alarm.raisedAt)} über ${alarmSourceLabels[alarm.source as AlarmSource] ?? alarm.source}.`,
    place ? `Ort: ${place}.` : '',
    alarm.outcome ? `Ausgang: ${outcomeLabels[alarm.outcome]}.` : '',
    alarm.resolvedAt ? `Beendet: ${dateTime.format(alarm.resolvedAt)}.` : '',
    alarm.note ? `Notiz: ${alarm.note}` : '',
  ];
  return ReportInput.parse({
    occurredAt: (alarm.triggeredAt ?? alarm.raisedAt).toISOString(),
    roomId: loc.roomId,
    address,
    categories: ['other'],
    description: lines.filter(Boolean).join('\n'),
    causer: { known: false },
    alarmId: alarm.id,
  });
}

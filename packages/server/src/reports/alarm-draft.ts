import { alarmSourceLabels, ReportInput, type AlarmOutcome, type AlarmSource } from '@wachsam/protocol';
import type { AlarmRow } from './repository.js';

const outcomeLabels: Record<AlarmOutcome, string> = {
  real: 'echter Notfall',
  false_alarm: 'Fehlalarm',
  test: 'Probealarm',
};

/**
 * The draft "Vorfall melden" opens from a resolved alarm: when (the moment of the trigger, not
 * of the server's receipt), where (the room, else the building's address, else the last
 * position of a mobile sender) and the alarm's outcome and note in the description. The
 * reporter completes categories, causer and the rest before submitting. Time and room go into
 * their own fields only, never into the description: the central unit reads the description,
 * and the alarm's minute and room there would tie the report to the alarm and its sender.
 */
export function draftFromAlarm(alarm: AlarmRow): ReportInput {
  const loc = alarm.location;
  const pos = alarm.position;
  const address =
    loc.address ||
    (pos ? `Standort ${pos.lat.toFixed(5)}, ${pos.lon.toFixed(5)} (± ${Math.round(pos.accuracy)} m)` : '');
  const lines = [
    `Nach einem Alarm über ${alarmSourceLabels[alarm.source as AlarmSource] ?? alarm.source}.`,
    alarm.outcome ? `Ausgang: ${outcomeLabels[alarm.outcome]}.` : '',
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

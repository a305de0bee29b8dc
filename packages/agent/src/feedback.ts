import { outboxMaxAgeMs, tooOldCode, type Alarm, type AlarmEvent, type RaiseAlarmResponse } from '@wachsam/protocol';
import type { FailedEntry } from './outbox.js';

/**
 * The sender's feedback texts. The attacker may be looking at the screen, so each is one short
 * line without the word "Alarm" in large letters or any alarming colour; they tell the person
 * pressing that help is on its way, and who comes.
 */
export function raisedText(response: RaiseAlarmResponse, test: boolean): string {
  const what = test ? 'Testalarm ausgelöst' : 'Alarm ausgelöst';
  if (response.receiversOnline === 0) {
    return `${what} – gerade niemand online, Eskalation läuft. Notfalls 110.`;
  }
  return `${what} – ${response.receiversOnline} online erreicht.`;
}

export function helpComingText(alarm: Alarm): string {
  const coming = alarm.responders.filter((r) => r.response === 'coming');
  const names = coming.map((r) => `${r.firstName} ${r.lastName}`.trim());
  const police = alarm.responders.some((r) => r.response === 'police_called') ? ' Polizei verständigt.' : '';
  const who = names.length > 0 ? ` (${names.join(', ')})` : '';
  return `Hilfe kommt: ${alarm.alerted} alarmiert, ${coming.length} unterwegs${who}.${police}`;
}

/** Feedback for an event about an alarm this device raised; null when there is nothing to say. */
export function senderFeedback(event: AlarmEvent): string | null {
  const alarm = event.alarm;
  switch (event.type) {
    case 'alarm.raised':
      return `Alarm angekommen: ${alarm.alerted} alarmiert.`;
    case 'alarm.delivered':
      return `Alarm wird angezeigt: ${alarm.alerted} alarmiert.`;
    case 'alarm.escalated':
      return `Alarm erweitert (Stufe ${alarm.step} von ${alarm.steps}): ${alarm.alerted} alarmiert.`;
    case 'alarm.responded':
      return helpComingText(alarm);
    case 'alarm.cancelled':
      return 'Abbruch gemeldet – es schaut trotzdem jemand vorbei.';
    case 'alarm.resolved':
      return 'Entwarnung: Alarm abgeschlossen.';
    case 'alarm.position':
      return null;
  }
}

/**
 * A press that was never confirmed and is now too old to send (the protocol's outbox age): loud,
 * with when it was pressed, so the person decides whether help is still needed.
 */
export function tooOldText(triggeredAt: string, now: Date = new Date()): string {
  const pressed = new Date(triggeredAt);
  const time = pressed.toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' });
  const sameDay = pressed.toDateString() === now.toDateString();
  const when = sameDay ? `von ${time} Uhr` : `vom ${pressed.toLocaleDateString('de-DE')}, ${time} Uhr`;
  return (
    `ALARM NICHT GESENDET: Alarm ${when} wurde nicht zugestellt und ist älter als ${outboxMaxAgeMs / 60_000} Minuten` +
    ` – er wird nicht mehr gesendet. Falls noch nötig: neu auslösen oder 110.`
  );
}

/** What to tell, loudly, about an entry that ended in `outbox/failed/`. */
export function failedNotice(record: FailedEntry): { title: string; text: string } {
  if (record.code === tooOldCode)
    return { title: 'Wachsam: Alarm nicht gesendet', text: tooOldText(record.request.triggeredAt) };
  return { title: 'Wachsam', text: rejectionText(record.code, record.message) };
}

/** A final rejection of an alarm: loud, and it tells the person to get help another way. */
export function rejectionText(code: string, message: string): string {
  const why =
    code === 'token_revoked'
      ? 'dieses Gerät ist gesperrt'
      : code === 'invalid_token'
        ? 'dieses Gerät ist dem Server unbekannt'
        : `${message} (${code})`;
  return `ALARM ABGELEHNT: ${why}. Bitte anders Hilfe holen (Telefon, 110).`;
}

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

const fullName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`.trim();

/**
 * Who answered, as what it is: "Polizei verständigt" is not help on the way, so it is never
 * counted as "unterwegs". Null when nobody has answered yet.
 */
export function responseSummary(alarm: Alarm): string | null {
  const coming = alarm.responders.filter((r) => r.response === 'coming').map(fullName);
  const police = alarm.responders.filter((r) => r.response === 'police_called').map(fullName);
  const policeText = `Polizei verständigt (${police.join(', ')})`;
  if (coming.length === 0) return police.length > 0 ? `${policeText} – noch niemand unterwegs` : null;
  const comingText = `${coming.length} unterwegs (${coming.join(', ')})`;
  return police.length > 0 ? `${comingText}, ${policeText}` : comingText;
}

/** The state of help for the sender: "Hilfe kommt" only when somebody is on the way. */
export function helpComingText(alarm: Alarm): string {
  const summary = responseSummary(alarm);
  if (summary === null) return `${alarm.alerted} alarmiert – noch keine Rückmeldung.`;
  const coming = alarm.responders.some((r) => r.response === 'coming');
  return coming ? `Hilfe kommt: ${alarm.alerted} alarmiert, ${summary}.` : `${summary}.`;
}

/**
 * The sender cancelled. The server keeps the alarm open and somebody checks in person anyway
 * (the cancel may have been forced), and the line says so in words an onlooker reads as routine.
 */
export const cancelledSenderText = 'Abgebrochen – es schaut trotzdem jemand nach.';

/** The current state of an own open alarm, as one discreet line (also what a later start shows). */
export function senderStateText(alarm: Alarm): string {
  if (alarm.cancelledAt === null) return helpComingText(alarm);
  const summary = responseSummary(alarm);
  return summary === null ? cancelledSenderText : `${cancelledSenderText} ${summary}.`;
}

/** Feedback for an event about an alarm this device raised; null when there is nothing to say. */
export function senderFeedback(event: AlarmEvent): string | null {
  const alarm = event.alarm;
  // After a cancel the screen stays quiet about the alarm going on (an attacker who forced the
  // cancel may be watching); who comes to check is still told.
  const quiet = alarm.cancelledAt !== null;
  switch (event.type) {
    case 'alarm.raised':
      return `Alarm angekommen: ${alarm.alerted} alarmiert.`;
    case 'alarm.delivered':
      return quiet ? null : `Alarm wird angezeigt: ${alarm.alerted} alarmiert.`;
    case 'alarm.escalated':
      return quiet ? null : `Alarm erweitert (Stufe ${alarm.step} von ${alarm.steps}): ${alarm.alerted} alarmiert.`;
    case 'alarm.responded':
    case 'alarm.cancelled':
      return senderStateText(alarm);
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

/** Why the server refuses this device, in plain words; null when the code is not about the device. */
export function deviceRefusal(code: string): string | null {
  return deviceRefusals[code] ?? null;
}

const deviceRefusals: Record<string, string> = {
  token_revoked: 'dieses Gerät ist gesperrt',
  device_removed: 'dieses Gerät wurde entfernt',
  invalid_token: 'dieses Gerät ist dem Server unbekannt',
};

/** A final rejection of an alarm: loud, and it tells the person to get help another way. */
export function rejectionText(code: string, message: string): string {
  const why = deviceRefusal(code) ?? `${message} (${code})`;
  return `ALARM ABGELEHNT: ${why}. Bitte anders Hilfe holen (Telefon, 110).`;
}

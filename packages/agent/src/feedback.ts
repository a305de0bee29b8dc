import type { Alarm, AlarmEvent, RaiseAlarmResponse } from '@wachsam/protocol';

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

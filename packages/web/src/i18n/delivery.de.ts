/** German texts of alarm delivery beyond the alarm itself: outbox, history, ended sessions, HTTPS. */
export const deliveryDe = {
  outbox: {
    tooOld:
      'Ihr Alarm von {{time}} Uhr konnte nicht gesendet werden und wird nicht mehr automatisch gesendet (älter als {{minutes}} Minuten). Wenn noch Hilfe nötig ist: neu auslösen oder 110 anrufen.',
    alreadyClosed:
      'Dieser Alarm von {{time}} Uhr wurde bereits bearbeitet und beendet. Es wurde jetzt kein neuer Alarm ausgelöst. Wenn Sie Hilfe brauchen: neu auslösen oder 110 anrufen.',
    raiseAgain: 'Jetzt neu auslösen',
    discard: 'Verwerfen',
    close: 'Schließen',
  },
  history: {
    nav: 'Alarmverlauf',
    title: 'Alarmverlauf',
    caption: 'Alle Alarme, neueste zuerst',
    time: 'Zeit',
    sender: 'Auslöser/in',
    place: 'Ort',
    status: 'Stand',
    answers: 'Rückmeldungen',
    outcome: 'Ergebnis',
    resolvedBy: 'Entwarnung von {{name}}, {{time}}',
    open: 'offen',
    test: 'Test',
    cancelled: 'abgebrochen',
    retry: 'Erneut versuchen',
    more: 'Ältere Alarme laden',
    end: 'Keine älteren Alarme.',
    none: 'Noch keine Alarme.',
    failed: 'Alarme konnten nicht geladen werden: {{error}}',
  },
  ended: {
    session_ended:
      'Sie wurden abgemeldet: Die Sitzung wurde beendet (Abmeldung in einem anderen Fenster oder durch die Administration).',
    session_expired: 'Sie wurden abgemeldet: Die Sitzung ist abgelaufen. Bitte melden Sie sich neu an.',
    password_changed: 'Ihr Passwort wurde geändert – bitte neu anmelden.',
    person_removed: 'Sie wurden abgemeldet: Ihr Zugang wurde entfernt.',
    roles_changed: 'Ihre Rechte wurden geändert. Die Ansicht wurde neu geladen.',
    token_revoked:
      'Dieses Telefon ist gesperrt. Es kann keine Alarme mehr senden oder empfangen. Bitte an die Administration wenden oder das Telefon neu einrichten. Im Notfall: 110 anrufen.',
    device_removed:
      'Dieses Telefon wurde entfernt. Es kann keine Alarme mehr senden oder empfangen. Bitte das Telefon neu einrichten. Im Notfall: 110 anrufen.',
    setUpAgain: 'Telefon neu einrichten',
  },
  insecure: {
    title: 'Unsichere Verbindung (HTTP ohne Verschlüsselung)',
    text: 'Diese Seite wird nicht über HTTPS aufgerufen. Alarme empfangen und auslösen funktioniert, aber ohne HTTPS gehen nicht: Benachrichtigungen (Push), der Standort beim mobilen Alarm, die Offline-App auf dem Telefon, der SMS-Weg ohne Internet und sichere Anmelde-Cookies. Bitte die Administration, Wachsam über HTTPS bereitzustellen (Reverse Proxy, siehe Handbuch „TLS über einen Reverse Proxy“).',
  },
};

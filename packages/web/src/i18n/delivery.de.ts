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
};

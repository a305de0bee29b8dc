/** German texts of the retention settings (Aufbewahrung und Löschung). */
export const retentionDe = {
  retention: {
    title: 'Aufbewahrung und Löschung',
    intro:
      'Wie lange Wachsam personenbezogene Daten aufbewahrt. Nach Ablauf der Frist sind die Daten sofort für alle unsichtbar und werden gelöscht – Zeilen und Beweismittel-Dateien, nicht nur markiert. Das Protokoll vermerkt nur, wie viele Einträge gelöscht wurden, nie Namen oder Inhalte. Die Fristen sind nur innerhalb der angegebenen Grenzen einstellbar.',
    formTitle: 'Fristen',
    periods: {
      alarmRetentionDays: 'Alarme: löschen … Tage nach dem Ende ({{min}}–{{max}})',
      reportRetentionMonths: 'Meldungen: löschen … Monate nach dem letzten Bearbeitungsschritt ({{min}}–{{max}})',
      draftRetentionDays: 'Entwürfe: löschen … Tage nach der letzten Änderung ({{min}}–{{max}})',
      registerReviewMonths: 'Register: Prüfung nach … Monaten ({{min}}–{{max}})',
      registerRetentionMonths: 'Register: Löschung nach … Monaten ({{min}}–{{max}})',
      deletionWarningDays: 'Register: Warnung … Tage vor der Löschung ({{min}}–{{max}})',
      auditRetentionMonths: 'Protokoll: löschen nach … Monaten ({{min}}–{{max}})',
    },
    overview: 'Aufbewahrung im Überblick',
    columns: { data: 'Daten', period: 'Frist', from: 'Beginn der Frist', setting: 'Einstellbar' },
    fixed: 'fest',
    rangeDays: '{{min}}–{{max}} Tage',
    rangeMonths: '{{min}}–{{max}} Monate',
    hours_one: '{{count}} Stunde',
    hours_other: '{{count}} Stunden',
    days_one: '{{count}} Tag',
    days_other: '{{count}} Tage',
    months_one: '{{count}} Monat',
    months_other: '{{count}} Monate',
    rows: {
      alarms: {
        data: 'Alarme mit Empfängern, Quittungen, Antworten, Nachrichten, Positionen und Nachbesprechung',
        from: 'Ende des Alarms; nennt eine aufbewahrte Meldung den Alarm, so lange wie die Meldung',
      },
      lastPosition: {
        data: 'Letzte bekannte Position aus der Handy-App',
        from: 'Speicherung; nach 12 Stunden wird sie nicht mehr verwendet',
      },
      events: { data: 'Echtzeit-Ereignisse an die Konsolen', from: 'Ereignis; nie länger als der Alarm' },
      reports: {
        data: 'Meldungen über der Schwelle mit Beweismitteln, Bearbeitungsschritten und Nachbesprechung',
        from: 'Letzter Bearbeitungsschritt; bei einem veröffentlichten Warnhinweis dessen Archivierung',
      },
      drafts: { data: 'Entwürfe von Meldungen', from: 'Letzte Änderung' },
      belowThreshold: {
        data: 'Meldungen unter der Schwelle',
        period: 'sofort',
        from: 'Einreichen; es bleibt nur eine anonyme Zählung',
      },
      warnings: { data: 'Veröffentlichte Warnhinweise (dann archiviert)', from: 'Veröffentlichung' },
      register: { data: 'Registereinträge', from: 'Aufnahme oder letzte Prüfung' },
      accessLog: {
        data: 'Auskunftsprotokoll des Registers',
        from: 'Abfrage; länger nur, solange der Datenschutz Einträge für eine Kontrolle aufbewahrt',
      },
      audit: { data: 'Protokoll (wer hat was getan, ohne Inhalte)', from: 'Eintrag' },
      facts: {
        data: 'Anonyme Zählungen für das Lagebild',
        period: 'unbefristet',
        from: 'Keine personenbezogenen Daten',
      },
    },
  },
};

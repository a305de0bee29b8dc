/** German texts of the rollout pages: CSV import, hostname mappings, enrolment tokens. */
export const rolloutDe = {
  rollout: {
    hosts: {
      intro:
        'Ein PC, der sich mit dem Registrierungsschlüssel anmeldet, findet über seinen Rechnernamen seinen Raum (und die Person am Platz). Ändert sich die Zuordnung, zieht ein registrierter PC mit um. Gelöschte Zuordnungen lassen den PC in seinem Raum.',
      hostname: 'Rechnername',
    },
    tokens: {
      intro:
        'Mit einem Registrierungsschlüssel melden sich die Agenten bei der Softwareverteilung (GPO, Intune, SCCM) selbst an – niemand muss an jeden PC. Der Schlüssel wird nur beim Erzeugen angezeigt. Ein Widerruf stoppt neue Registrierungen; schon registrierte PCs bleiben registriert.',
      validDays: 'Gültig (Tage)',
      scope: 'Gilt für',
      wholeOrg: 'die ganze Organisation',
      create: 'Schlüssel erzeugen',
      creating: 'Wird erzeugt …',
      secretOnce: 'Registrierungsschlüssel „{{name}}“ (wird nur jetzt angezeigt, bitte sicher ablegen):',
      windows: 'Windows (Softwareverteilung, als Administrator):',
      anyPc: 'Einzelner PC (Windows oder Linux):',
      expires: 'Gültig bis',
      expired: 'abgelaufen ({{time}})',
      revokedAt: 'widerrufen ({{time}})',
      uses: 'Registrierte PCs',
      createdBy: 'Erzeugt von',
      terminalServers:
        'Für Terminalserver (Citrix, RDS): jede Sitzung registriert ihren Client neu und übernimmt ihn – nur dafür verwenden',
      forTerminalServers: 'für Terminalserver',
      revoke: 'Widerrufen',
      confirmRevoke:
        'Registrierungsschlüssel „{{name}}“ widerrufen? Neue PCs können sich damit nicht mehr registrieren.',
    },
    import: {
      intro:
        'CSV-Dateien aus Excel („CSV (Trennzeichen-getrennt)“, Semikolon, Windows-1252) oder UTF-8. Zuerst wird geprüft und angezeigt, was sich ändert; übernommen wird erst auf Knopfdruck. Personen werden über den Anmeldenamen erkannt; Alarmgruppen werden ergänzt, nicht entfernt; Rollen ändert der Import nicht.',
      kind: 'Was importieren?',
      kinds: {
        people: 'Personen',
        rooms: 'Räume (mit Gebäuden und Etagen)',
        hosts: 'Rechnerzuordnung (Rechnername → Raum)',
      },
      columns: 'Spalten (* = Pflicht):',
      file: 'CSV-Datei',
      checking: 'Datei wird geprüft …',
      applying: 'Wird übernommen …',
      mapping: 'Spaltenzuordnung',
      detected: 'Erkannt: Zeichensatz {{encoding}}, Trennzeichen „{{delimiter}}“',
      notInFile: '– nicht in der Datei –',
      preview: 'Vorschau, noch nichts übernommen:',
      applied: 'Übernommen:',
      counts: '{{create}} neu, {{update}} geändert, {{unchanged}} unverändert, {{error}} fehlerhaft.',
      alsoCreated: 'Wird dabei angelegt:',
      skipErrors_one: '{{count}} fehlerhafte Zeile überspringen',
      skipErrors_other: '{{count}} fehlerhafte Zeilen überspringen',
      apply_one: '{{count}} Änderung übernehmen',
      apply_other: '{{count}} Änderungen übernehmen',
      lines: 'Zeilen aus {{name}} (fehlerhafte zuerst)',
      line: 'Zeile',
      what: 'Eintrag',
      action: 'Ergebnis',
      details: 'Änderungen / Fehler',
      actions: { create: 'neu', update: 'geändert', unchanged: 'unverändert', error: 'Fehler' },
      more: '… und {{count}} weitere Zeilen',
    },
  },
};

/** German texts of accounts: the first-run setup, the own password, four eyes for register roles. */
export const accessDe = {
  setup: {
    title: 'Wachsam einrichten',
    intro:
      'Diese Installation hat noch keine Organisation. Legen Sie sie hier einmalig an, zusammen mit der ersten Administration. Danach ist dieses Formular nicht mehr erreichbar.',
    codeHint:
      'Der Einrichtungscode steht in der Ausgabe des Servers beim Start (nach „Einrichtungscode“). Er schützt die neue Installation davor, dass jemand anderes im Netz sie zuerst übernimmt.',
    codeLegend: 'Schutz der neuen Installation',
    code: 'Einrichtungscode',
    organisation: 'Organisation',
    orgName: 'Name (z. B. Stadt Musterstadt)',
    orgSlug: 'Kurzname (a–z, 0–9, Bindestrich)',
    admin: 'Erste Administration',
    dpo: 'Datenschutzbeauftragte/r (empfohlen)',
    dpoHint:
      'Öffentliche Stellen müssen eine/n benennen (Art. 37 DSGVO). Sie/er gibt mit der Administration Rollen für das Register frei (Vier-Augen-Prinzip). Ohne zweite Person kann niemand solche Rollen freigeben. Leer lassen, um sie/ihn nicht jetzt anzulegen.',
    firstName: 'Vorname',
    lastName: 'Nachname',
    login: 'Anmeldename (E-Mail)',
    password: 'Passwort (mindestens 10 Zeichen)',
    repeat: 'Passwort wiederholen',
    mismatch: 'Die Passwörter stimmen nicht überein',
    submit: 'Einrichten',
    done: 'Wachsam ist eingerichtet: {{name}}. Bitte melden Sie sich an.',
  },
  account: {
    menu: 'Mein Konto: {{name}}',
    title: 'Mein Konto',
    password: 'Passwort ändern',
    hint: 'Nach der Änderung enden alle anderen Anmeldungen dieses Kontos (andere Browser, Telefon); diese hier bleibt.',
    current: 'Bisheriges Passwort',
    new: 'Neues Passwort (mindestens 10 Zeichen)',
    repeat: 'Neues Passwort wiederholen',
    mismatch: 'Die neuen Passwörter stimmen nicht überein',
    submit: 'Passwort ändern',
    changed: 'Passwort geändert. Alle anderen Anmeldungen dieses Kontos wurden beendet.',
  },
  roleRequests: {
    intro:
      'Administration, Sicherheitsmanagement, Abfragende Stelle und Datenschutz öffnen das Register oder vergeben Rollen. Sie werden erst wirksam, wenn eine zweite Person mit Administration oder Datenschutz zustimmt – nie die beantragende Person, nie die Person selbst. Eine Rolle zu entziehen braucht keine Freigabe.',
    caption: 'Offene Anträge auf Rollen',
    person: 'Person',
    role: 'Rolle',
    requestedBy: 'Beantragt von',
    requestedAt: 'Am',
    state: 'Hinweis',
    approve: 'Freigeben',
    reject: 'Ablehnen',
    approveFor: '{{role}} für {{name}} freigeben',
    rejectFor: '{{role}} für {{name}} ablehnen',
    none: 'Keine offenen Anträge.',
    yours: 'Ihr eigener Antrag oder einer für Sie: eine zweite Person entscheidet.',
    noApprover:
      'Niemand sonst kann freigeben: es gibt keine zweite Person mit Administration oder Datenschutz. Legen Sie eine an (auch das braucht eine Freigabe) – oder der Betrieb des Servers vergibt die Rolle mit „wachsam grant-role“.',
    waitsForPassword:
      'Wartet, bis {{name}} das Passwort selbst geändert hat (Mein Konto): es wurde von der Administration gesetzt und ist dort bekannt.',
    approved: 'Freigegeben: {{role}} für {{name}}.',
    rejected: 'Abgelehnt: {{role}} für {{name}}.',
    pendingRole: '{{role}} (wartet auf Freigabe)',
    peopleHint:
      'Administration, Sicherheitsmanagement, Abfragende Stelle und Datenschutz werden erst wirksam, wenn eine zweite Person sie unter „Freigaben“ bestätigt.',
  },
};

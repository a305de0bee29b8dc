/** German texts of single sign-on: the login page's button and errors, the administration's section. */
export const ssoDe = {
  sso: {
    login: {
      button: 'Mit Dienstkonto anmelden',
      buttonFor: 'Mit Dienstkonto anmelden – {{name}}',
      orPassword: 'Oder mit Anmeldename und Passwort:',
      passwordsOff: 'Das Passwort gilt in dieser Organisation nur für den Notfall-Zugang der Administration.',
    },
    errors: {
      sso_state:
        'Die Anmeldung ist abgelaufen, wurde in einem anderen Browser begonnen oder schon verwendet. Bitte erneut „Mit Dienstkonto anmelden“ wählen.',
      sso_failed:
        'Die Antwort des Anmeldedienstes war ungültig; niemand wurde angemeldet. Bitte erneut versuchen und sonst die IT informieren.',
      sso_unavailable:
        'Der Anmeldedienst ist gerade nicht erreichbar. Bitte später erneut versuchen. Alarme auslösen und empfangen funktioniert weiter.',
      sso_denied: 'Die Anmeldung wurde beim Anmeldedienst abgebrochen oder abgelehnt.',
      sso_deactivated: 'Dieses Konto ist in Wachsam deaktiviert (im Verzeichnis gesperrt oder ausgeschieden).',
      sso_unknown_person:
        'Zu diesem Dienstkonto gibt es in Wachsam keine Person. Bitte die Administration bitten, Sie anzulegen.',
      sso_not_configured: 'Für diese Organisation ist keine Anmeldung mit Dienstkonto eingerichtet.',
    },
    logoutFailed: 'Abmelden beim Anmeldedienst nicht möglich; in Wachsam sind Sie abgemeldet.',
    admin: {
      intro:
        'Anmeldung mit dem Dienstkonto über OpenID Connect (Entra ID, ADFS, Keycloak): Code-Flow mit PKCE. Alarme hängen nie am Anmeldedienst – registrierte Geräte und offene Sitzungen lösen weiter aus und empfangen, wenn er ausfällt.',
      registerAt: 'Beim Anmeldedienst eintragen',
      redirectUri: 'Umleitungs-URI (Redirect URI)',
      postLogoutUri: 'Umleitung nach dem Abmelden',
      enabled: 'Anmeldung mit Dienstkonto eingeschaltet',
      issuer: 'Aussteller (Issuer-URL, https)',
      clientId: 'Client-ID (Anwendungs-ID)',
      clientSecret: 'Client-Geheimnis',
      secretStored: 'Ein Geheimnis ist gespeichert und wird nie angezeigt; leer lassen, um es zu behalten.',
      secretNone: 'Kein Geheimnis gespeichert: öffentlicher Client, nur PKCE.',
      removeSecret: 'Gespeichertes Geheimnis entfernen',
      rolesClaim: 'Claim mit Gruppen oder Rollen',
      mapping: 'Zuordnung: Claim-Wert → Rollen',
      mappingHint:
        'Rollen, die hier vorkommen, folgen bei jeder Anmeldung dem Anmeldedienst (fehlt der Claim im Token, bleibt alles, wie es ist); andere Rollen bleiben, wie die Administration sie gesetzt hat. Rollen mit Vier-Augen-Prinzip (Register, Datenschutz, Administration) werden nie direkt vergeben: sie werden als Antrag unter „Freigaben“ gestellt, den eine zweite Person bestätigt.',
      claimValue: 'Claim-Wert (Gruppen-ID, Gruppenname oder App-Rolle)',
      rolesFor: 'Rollen für „{{value}}“',
      addMapping: 'Zuordnung hinzufügen',
      removeMapping: 'Zuordnung entfernen',
      createPeople: 'Personen bei der ersten Anmeldung anlegen',
      directoryManaged:
        'Eine Verzeichnis-Synchronisation (LDAP oder SCIM) verwaltet die Personen: bei der Anmeldung wird niemand angelegt.',
      localPasswords: 'Anmeldung mit Passwort erlauben',
      breakGlass: 'Notfall-Zugang: Anmeldename einer Administration, die sich immer mit Passwort anmelden darf',
      save: 'Speichern',
      check: 'Verbindung prüfen',
      test: 'Anmeldung testen',
      testHint:
        'Meldet sich beim Anmeldedienst an und zeigt, wen Wachsam fände und welche Rollen es gäbe. Es wird niemand angemeldet und nichts geändert.',
      lastTest: 'Letzte Test-Anmeldung ({{time}})',
      claimsSeen: 'Gelesene Claims',
    },
  },
};

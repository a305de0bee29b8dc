import type { AccessReport, PrivacyContacts, SubjectIncident, SubjectLegalBasis } from '@wachsam/protocol';
import { formalLetter, type LetterWriter } from './letter-layout.js';
import {
  automatedDecisionsText,
  basisText,
  complaintText,
  contactLine,
  legalBasisText,
  originText,
  purposeText,
  recipientsText,
  rightsText,
  thirdCountriesText,
} from './legal-texts.js';

/** The Art. 14 and Art. 15 letters as PDF, every element the GDPR requires in its own numbered section. */

/**
 * The register does not know the person's gender and should not ask for it (data minimisation):
 * the formal salutation with the full name, "Sehr geehrte(r) Vorname Nachname".
 */
export const salutation = (firstName: string, lastName: string) => `Sehr geehrte(r) ${firstName} ${lastName},`;

export interface NotificationLetter {
  reference: string;
  /** TT.MM.JJJJ. */
  date: string;
  contacts: PrivacyContacts;
  person: { firstName: string; lastName: string; address: string };
  categories: string[];
  legalBases: SubjectLegalBasis[];
  retention: string;
  /** TT.MM.JJJJ. */
  reviewDue: string;
  deletionDue: string;
}

const sections = (w: LetterWriter, list: Array<[title: string, body: () => void]>) =>
  list.forEach(([title, body], i) => {
    w.heading(`${i + 1}. ${title}`);
    body();
  });

/** Art. 14 GDPR: the person is told that, why and how long the register holds data about them. */
export function notificationLetterPdf(l: NotificationLetter): Promise<Buffer> {
  const c = l.contacts;
  const controller = c.controller.name;
  return formalLetter(
    {
      title: 'Information nach Art. 14 DSGVO',
      controller: c.controller,
      contact: c.dataProtectionOfficer,
      recipient: { name: `${l.person.firstName} ${l.person.lastName}`, address: l.person.address },
      reference: l.reference,
      date: l.date,
      subject: 'Information über die Speicherung Ihrer Daten im Melde- und Auskunftsregister (Art. 14 DSGVO)',
      salutation: salutation(l.person.firstName, l.person.lastName),
    },
    (w) => {
      w.para(
        `wir haben Daten zu Ihrer Person in das Melde- und Auskunftsregister nach § 3 des Beschäftigtenschutzgesetzes NRW aufgenommen. Nach Art. 14 der Datenschutz-Grundverordnung (DSGVO) informieren wir Sie darüber. Bitte geben Sie bei Rückfragen das Aktenzeichen ${l.reference} an.`,
      );
      sections(w, [
        ['Verantwortliche Stelle', () => w.para(contactLine(c.controller))],
        ['Datenschutzbeauftragte/r', () => w.para(contactLine(c.dataProtectionOfficer))],
        [
          'Zwecke und Rechtsgrundlage der Verarbeitung',
          () => {
            w.para(`Zweck: ${purposeText}.`);
            w.para(`Rechtsgrundlage: ${legalBasisText}.`);
            w.para(`Anlass der Speicherung: ${l.legalBases.map(basisText).join('; ')}.`);
          },
        ],
        ['Kategorien der gespeicherten Daten', () => w.para(`${l.categories.join(', ')}.`)],
        ['Empfänger', () => w.para(recipientsText(controller))],
        ['Übermittlung in Drittländer', () => w.para(thirdCountriesText)],
        [
          'Dauer der Speicherung',
          () => {
            w.para(l.retention);
            w.para(
              `Ihr Eintrag wird spätestens am ${l.reviewDue} überprüft und spätestens am ${l.deletionDue} gelöscht, sofern die Überprüfung nicht ergibt, dass er weiter erforderlich ist.`,
            );
          },
        ],
        ['Herkunft der Daten', () => w.para(originText(controller))],
        ['Ihre Rechte', () => w.para(rightsText)],
        ['Beschwerderecht', () => w.para(complaintText(c.supervisoryAuthority))],
        ['Automatisierte Entscheidungsfindung', () => w.para(automatedDecisionsText)],
      ]);
    },
  );
}

function entryFields(w: LetterWriter, r: AccessReport): void {
  if (r.registerEntries.length === 0)
    w.para('Im Melde- und Auskunftsregister sind keine Daten zu Ihrer Person gespeichert.');
  r.registerEntries.forEach((e, i) => {
    w.subheading(`Eintrag ${i + 1}`);
    w.field('Name', `${e.firstName} ${e.lastName}`);
    w.field('Geburtsdatum', e.birthDate ?? '');
    if (e.aliases.length) w.field('Weitere Namen', e.aliases.join(', '));
    w.field('Anschrift', e.address);
    w.field('Beschreibung', e.description);
    w.field('Gefährdungsstufe', e.levelText);
    w.field('Empfohlene Schutzmaßnahmen', e.measures.join('; '));
    w.field('Anlass der Speicherung', e.legalBases.map(basisText).join('; '));
    w.field('Gespeichert am', e.storedOn);
    w.field('Überprüfung spätestens am', e.reviewDue);
    w.field('Löschung spätestens am', e.deletionDue);
    if (e.reviewedOn.length) w.field('Überprüft am', e.reviewedOn.join(', '));
    w.field(
      'Benachrichtigung (Art. 14 DSGVO)',
      e.notification.sentOn ? `${e.notification.status} am ${e.notification.sentOn}` : e.notification.status,
    );
  });
}

const evidenceText = (i: SubjectIncident): string[] => {
  const out: string[] = [];
  const { threatCall: call, letter, online } = i.evidence;
  const join = (parts: Array<[string, string]>) =>
    parts
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
  if (call)
    out.push(
      `Bedrohungsanruf am ${call.on}: ${join([
        ['Rufnummer', call.callerNumber],
        ['Stimme', call.voice],
        ['Hintergrund', call.background],
        ['Wortlaut', call.wording],
      ])}`,
    );
  if (letter)
    out.push(
      `Schreiben vom ${letter.receivedOn}: ${join([
        ['Absender', letter.sender],
        ['Inhalt', letter.content],
      ])}`,
    );
  if (online)
    out.push(
      `Online-Bedrohung am ${online.on}: ${join([
        ['Adresse', online.url],
        ['Plattform', online.platform],
        ['Konto', online.account],
        ['Inhalt', online.content],
      ])}`,
    );
  return out;
};

function incidentFields(w: LetterWriter, r: AccessReport): void {
  if (r.incidentReports.length === 0) w.para('Sie sind in keiner Vorfallsmeldung als verursachende Person genannt.');
  r.incidentReports.forEach((i, n) => {
    w.subheading(`Meldung ${n + 1} vom ${i.occurredOn}`);
    w.field('Zeitpunkt', `${i.occurredOn}, ${i.time} Uhr`);
    w.field('Ort', i.place);
    w.field('Art des Vorfalls', i.categories.join(', '));
    w.field('Stufe', i.levelText);
    w.field('Schilderung', i.description);
    const p = i.causer;
    w.field(
      'Angaben zu Ihrer Person',
      [`${p.firstName} ${p.lastName}`.trim(), p.birthDate && `geboren am ${p.birthDate}`, p.address, p.description]
        .filter((x) => x)
        .join('; '),
    );
    w.field('Polizei beteiligt', i.policeInvolved ? 'ja' : 'nein');
    w.field('Rechtliche Schritte', i.legalSteps.map(basisText).join('; '));
    const evidence = evidenceText(i);
    if (evidence.length) w.field('Beweismittel', evidence.join('\n'));
    if (i.attachments.length)
      w.field(
        'Anhänge',
        i.attachments.map((a) => `${a.type}, ${a.bytes} Byte, hochgeladen am ${a.uploadedOn}`).join('\n'),
      );
    if (i.warning)
      w.field(
        'Warnhinweis an die Beschäftigten',
        `veröffentlicht am ${i.warning.publishedOn}: ${[i.warning.summary, ...i.warning.measures].join('; ')}`,
      );
  });
}

/** Art. 15 GDPR: whether and what is held about the person, with every element of Art. 15 (1)–(2). */
export function accessReportPdf(r: AccessReport): Promise<Buffer> {
  const { firstName, lastName } = r.subject;
  const held = r.registerEntries.length + r.incidentReports.length > 0;
  return formalLetter(
    {
      title: 'Auskunft nach Art. 15 DSGVO',
      controller: r.controller,
      contact: r.dataProtectionOfficer,
      recipient: { name: `${firstName} ${lastName}`, address: r.subject.address },
      reference: r.reference,
      date: r.date,
      subject: 'Auskunft über Ihre personenbezogenen Daten (Art. 15 DSGVO)',
      salutation: salutation(firstName, lastName),
    },
    (w) => {
      const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
      const birth = r.subject.birthDate ? `, geboren am ${r.subject.birthDate}` : '';
      w.para(
        `Sie haben Auskunft darüber verlangt, ob und welche Daten wir zu Ihrer Person (${firstName} ${lastName}${birth}) verarbeiten (Art. 15 der Datenschutz-Grundverordnung, DSGVO). ${
          held
            ? `Wir verarbeiten Daten zu Ihrer Person: ${count(r.registerEntries.length, 'Eintrag', 'Einträge')} im Melde- und Auskunftsregister und ${count(r.incidentReports.length, 'Vorfallsmeldung', 'Vorfallsmeldungen')}. Eine Kopie dieser Daten finden Sie unter 3. und 4.`
            : 'Im Melde- und Auskunftsregister und in den Vorfallsmeldungen verarbeiten wir keine Daten zu Ihrer Person.'
        } Bitte geben Sie bei Rückfragen das Aktenzeichen ${r.reference} an.`,
      );
      sections(w, [
        ['Verantwortliche Stelle', () => w.para(contactLine(r.controller))],
        ['Datenschutzbeauftragte/r', () => w.para(contactLine(r.dataProtectionOfficer))],
        ['Ihre Daten im Melde- und Auskunftsregister', () => entryFields(w, r)],
        ['Vorfallsmeldungen, in denen Sie als verursachende Person genannt sind', () => incidentFields(w, r)],
        [
          'Zwecke und Rechtsgrundlage der Verarbeitung',
          () => {
            w.para(`Zwecke: ${r.purposes.join('; ')}.`);
            w.para(`Rechtsgrundlage: ${r.legalBasis}.`);
          },
        ],
        ['Kategorien der verarbeiteten Daten', () => w.para(`${r.categories.join(', ') || 'keine'}.`)],
        [
          'Empfänger',
          () => {
            w.para(r.recipients);
            if (r.disclosures.length)
              w.para(
                `Abfragen innerhalb der Verwaltung, denen ein Hinweis zu Ihrer Person mitgeteilt wurde: ${r.disclosures
                  .map((d) => `${d.on} (${d.purpose})`)
                  .join(', ')}.`,
              );
          },
        ],
        ['Übermittlung in Drittländer', () => w.para(r.thirdCountries)],
        ['Dauer der Speicherung', () => w.para(r.retention)],
        ['Herkunft der Daten', () => w.para(r.origin)],
        ['Automatisierte Entscheidungsfindung', () => w.para(r.automatedDecisions)],
        ['Ihre Rechte', () => w.para(r.rights)],
        ['Beschwerderecht', () => w.para(r.complaint)],
        ['Einschränkung der Auskunft', () => w.para(r.withheld)],
      ]);
    },
  );
}

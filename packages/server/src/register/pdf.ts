import {
  accessPurposeLabels,
  categoryLabels,
  reportStatusLabels,
  type IncidentCategory,
  type ReportStatus,
  legalBasisLabels,
  levelLabels,
  notificationStatusLabels,
  type AccessPurpose,
  type AccessReport,
  type LegalBasis,
  type Level,
} from '@wachsam/protocol';
import { renderPdf, type PdfDoc } from '../http/exports.js';

/** German letters and reports as PDF. */

type Doc = PdfDoc;

const letter = (title: string, build: (doc: Doc) => void) => renderPdf({ margin: 56, info: { Title: title } }, build);

const heading = (doc: Doc, text: string) =>
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(text).moveDown(0.2);
const para = (doc: Doc, text: string) => doc.font('Helvetica').fontSize(10).text(text, { align: 'left' });
const field = (doc: Doc, label: string, value: string) =>
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .text(`${label}: `, { continued: true })
    .font('Helvetica')
    .text(value || '–');

export const germanDate = (iso: string): string => {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
};
export const basisText = (b: LegalBasis): string =>
  `${legalBasisLabels[b.kind]} vom ${germanDate(b.date)} (Aktenzeichen ${b.reference})`;

export const legalBasisText =
  '§ 3 des Beschäftigtenschutzgesetzes NRW (BSchG NRW) in Verbindung mit Art. 6 Abs. 1 Buchstabe e DSGVO';
export const purposeText =
  'Schutz der Beschäftigten vor Gewalt und Sicherung der Funktionsfähigkeit der Verwaltung (§ 3 Abs. 1 BSchG NRW)';
export const recipientsText = (controller: string) =>
  `Die Daten werden ausschließlich innerhalb der Organisation ${controller} verarbeitet. Abfragende Stellen der Organisation erfahren nur, ob ein Hinweis vorliegt, die Gefährdungsstufe und die empfohlenen Schutzmaßnahmen. Eine Übermittlung an andere Stellen findet nicht statt (§ 3 Abs. 1 BSchG NRW).`;
export const originText = (controller: string) =>
  `Die Daten stammen aus eigenen Unterlagen der Organisation ${controller} (Hausverbot, Strafanzeige oder Strafantrag und die zugrunde liegende Vorfallsdokumentation).`;
export const rightsText =
  'Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16 DSGVO), Löschung (Art. 17 DSGVO), Einschränkung der Verarbeitung (Art. 18 DSGVO) und Widerspruch (Art. 21 DSGVO) sowie das Recht auf Beschwerde bei der Aufsichtsbehörde (Art. 77 DSGVO): Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf.';

export interface NotificationLetter {
  controller: string;
  date: string;
  person: { lastName: string; firstName: string; birthDate: string | null; address: string };
  categories: string[];
  legalBases: LegalBasis[];
  reviewMonths: number;
  deleteAt: string;
}

/** Art. 14 GDPR: the person is told that, why and how long the register holds data about them. */
export function notificationLetterPdf(l: NotificationLetter): Promise<Buffer> {
  const name = `${l.person.firstName} ${l.person.lastName}`;
  return letter('Information nach Art. 14 DSGVO', (doc) => {
    doc.font('Helvetica').fontSize(9).text(l.controller);
    doc.moveDown(1.5).fontSize(10).text(name);
    if (l.person.address) doc.text(l.person.address);
    doc.moveDown(1).text(germanDate(l.date), { align: 'right' });
    doc.moveDown(1).font('Helvetica-Bold').fontSize(13);
    doc.text('Information über die Speicherung Ihrer Daten im Melde- und Auskunftsregister (Art. 14 DSGVO)');
    doc.moveDown(0.6);
    para(doc, `Guten Tag ${name},`);
    doc.moveDown(0.4);
    para(
      doc,
      `die Organisation ${l.controller} hat Daten zu Ihrer Person in ihr Melde- und Auskunftsregister nach § 3 BSchG NRW aufgenommen. Darüber informieren wir Sie nach Art. 14 der Datenschutz-Grundverordnung (DSGVO).`,
    );
    heading(doc, '1. Verantwortliche Stelle');
    para(doc, `${l.controller}; erreichbar ist auch die oder der Datenschutzbeauftragte der Organisation.`);
    heading(doc, '2. Zweck der Verarbeitung');
    para(doc, purposeText);
    heading(doc, '3. Rechtsgrundlage');
    para(doc, `${legalBasisText}. Anlass der Speicherung: ${l.legalBases.map(basisText).join('; ')}.`);
    heading(doc, '4. Kategorien der Daten');
    para(doc, l.categories.join(', '));
    heading(doc, '5. Empfänger');
    para(doc, recipientsText(l.controller));
    heading(doc, '6. Speicherdauer');
    para(
      doc,
      `Die Speicherung wird spätestens nach ${l.reviewMonths} Monaten überprüft. Die Daten werden spätestens am ${germanDate(l.deleteAt)} gelöscht, sofern die Überprüfung nicht ergibt, dass sie weiter erforderlich sind.`,
    );
    heading(doc, '7. Herkunft der Daten');
    para(doc, originText(l.controller));
    heading(doc, '8. Ihre Rechte');
    para(doc, rightsText);
    doc.moveDown(1.2);
    para(doc, 'Mit freundlichen Grüßen');
    para(doc, l.controller);
  });
}

const levelText = (level: number) => levelLabels[level as Level] ?? `Stufe ${level}`;
const list = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : '');
/** German names of the report's stored keys, for the PDF; unknown keys are shown as stored. */
const keyLabels: Record<string, string> = {
  known: 'bekannt',
  lastName: 'Nachname',
  firstName: 'Vorname',
  birthDate: 'Geburtsdatum',
  address: 'Anschrift',
  description: 'Beschreibung',
  date: 'Datum',
  reference: 'Aktenzeichen',
  ...legalBasisLabels,
  threatCall: 'Bedrohungsanruf',
  letter: 'Schreiben',
  online: 'Online-Bedrohung',
  at: 'Zeitpunkt',
  receivedAt: 'Eingang',
  callerNumber: 'Rufnummer',
  voice: 'Stimme',
  background: 'Hintergrund',
  wording: 'Wortlaut',
  sender: 'Absender',
  content: 'Inhalt',
  url: 'Adresse',
  platform: 'Plattform',
  account: 'Konto',
};
const scalar = (x: unknown): string => (x === true ? 'ja' : x === false ? 'nein' : String(x));
const flat = (v: unknown): string =>
  v === null || v === undefined
    ? ''
    : typeof v === 'object'
      ? Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== null && x !== '' && x !== undefined)
          .map(([k, x]) => `${keyLabels[k] ?? k}: ${typeof x === 'object' ? flat(x) : scalar(x)}`)
          .join('; ')
      : scalar(v);

/** Art. 15 GDPR: everything held about the person, without the reporting employee. */
export function accessReportPdf(r: AccessReport): Promise<Buffer> {
  const name = `${r.subject.firstName} ${r.subject.lastName}`;
  return letter('Auskunft nach Art. 15 DSGVO', (doc) => {
    doc.font('Helvetica').fontSize(9).text(r.controller);
    doc.moveDown(1).font('Helvetica-Bold').fontSize(13).text('Auskunft nach Art. 15 DSGVO');
    doc.moveDown(0.4);
    field(doc, 'Betroffene Person', name);
    field(doc, 'Geburtsdatum', r.subject.birthDate ? germanDate(r.subject.birthDate) : '');
    field(doc, 'Erstellt am', germanDate(r.generatedAt));

    heading(doc, `Einträge im Melde- und Auskunftsregister (${r.registerEntries.length})`);
    if (r.registerEntries.length === 0) para(doc, 'Keine.');
    for (const e of r.registerEntries) {
      doc.moveDown(0.3);
      field(doc, 'Eintrag', e.id);
      field(doc, 'Name', `${e.lastName}, ${e.firstName}`);
      field(doc, 'Geburtsdatum', e.birthDate ? germanDate(e.birthDate) : '');
      field(doc, 'Weitere Namen', e.aliases.join(', '));
      field(doc, 'Anschrift', e.address);
      field(doc, 'Beschreibung', e.description);
      field(doc, 'Gefährdungsstufe', levelText(e.level));
      field(doc, 'Empfohlene Maßnahmen', e.measures.join(', '));
      field(doc, 'Weitere Angaben', e.details);
      field(doc, 'Anlass (Rechtsgrundlage)', e.legalBases.map(basisText).join('; '));
      field(doc, 'Aus Meldung', e.sourceReportId ?? '');
      field(doc, 'Angelegt am', germanDate(e.createdAt));
      field(doc, 'Nächste Überprüfung', germanDate(e.reviewAt));
      field(doc, 'Löschung spätestens am', germanDate(e.deleteAt));
      field(doc, 'Benachrichtigung (Art. 14)', notificationStatusLabels[e.notification.status]);
      for (const rv of e.reviews) field(doc, `Überprüft am ${germanDate(rv.at)}`, rv.comment);
    }

    heading(doc, `Vorfallsmeldungen, in denen Sie als verursachende Person genannt sind (${r.incidentReports.length})`);
    if (r.incidentReports.length === 0) para(doc, 'Keine.');
    for (const i of r.incidentReports) {
      doc.moveDown(0.3);
      field(doc, 'Meldung', `${i.id} (${reportStatusLabels[i.status as ReportStatus] ?? i.status})`);
      field(doc, 'Zeitpunkt', germanDate(i.occurredAt));
      field(doc, 'Ort', i.address);
      const categories = i.categories.map((c) => categoryLabels[c as IncidentCategory] ?? c);
      field(doc, 'Kategorien', [...categories, i.otherCategory].filter(Boolean).join(', '));
      field(doc, 'Stufe', levelText(i.level));
      field(doc, 'Schilderung', i.description);
      field(doc, 'Angaben zur Person', flat(i.causer));
      field(doc, 'Polizei beteiligt', i.policeInvolved ? 'ja' : 'nein');
      field(doc, 'Rechtliche Schritte', flat(i.legal));
      field(doc, 'Beweismittel', flat(i.evidence));
      field(doc, 'Anhänge', i.attachments.map((a) => `${a.mime}, ${a.size} Byte, SHA-256 ${a.sha256}`).join('; '));
      if (i.warning) field(doc, 'Warnhinweis', `${i.warning.summary} ${list(i.warning.measures)}`);
    }

    heading(doc, 'Empfänger');
    para(doc, r.recipients);
    if (r.disclosures.length)
      para(
        doc,
        `Auskünfte innerhalb der Organisation: ${r.disclosures
          .map((d) => `${germanDate(d.at)} (${accessPurposeLabels[d.purpose as AccessPurpose] ?? d.purpose})`)
          .join(', ')}.`,
      );
    heading(doc, 'Zwecke');
    para(doc, r.purposes.join('; '));
    heading(doc, 'Rechtsgrundlage');
    para(doc, r.legalBasis);
    heading(doc, 'Speicherdauer');
    para(doc, r.retention);
    heading(doc, 'Herkunft der Daten');
    para(doc, r.origin);
    heading(doc, 'Einschränkung der Auskunft');
    para(doc, r.withheld);
    heading(doc, 'Ihre Rechte');
    para(doc, rightsText);
  });
}

import { legalBasisLabels, levelLabels, type ContactDetails, type LegalBasis, type Level } from '@wachsam/protocol';
import { germanDate } from '../dates.js';
import { accessLogRetentionMonths } from './retention.js';

/**
 * The paragraphs Art. 14 (1)–(2) and Art. 15 (1)–(2) GDPR require, in German, each filled from the
 * organisation's settings. Both letters and the Art. 15 JSON take them from here, so they say the
 * same thing.
 */

export const legalBasisText =
  '§ 3 des Beschäftigtenschutzgesetzes NRW (BSchG NRW) in Verbindung mit Art. 6 Abs. 1 Buchstabe e DSGVO';
export const purposeText =
  'Schutz der Beschäftigten vor Gewalt und Sicherung der Funktionsfähigkeit der Verwaltung (§ 3 Abs. 1 BSchG NRW)';
export const reportsPurposeText =
  'Dokumentation von Vorfällen, Strafanzeige und Warnung der Beschäftigten (Meldesystem)';

export const recipientsText = (controller: string) =>
  `Die Daten werden ausschließlich innerhalb der verantwortlichen Stelle (${controller}) verarbeitet. Abfragende Stellen innerhalb der Verwaltung erfahren nur, ob ein Hinweis vorliegt, die Gefährdungsstufe und die empfohlenen Schutzmaßnahmen. Eine Übermittlung an andere Stellen findet nicht statt (§ 3 Abs. 1 BSchG NRW).`;

export const thirdCountriesText =
  'Eine Übermittlung in ein Drittland oder an eine internationale Organisation findet nicht statt.';

export const originText = (controller: string) =>
  `Die Daten stammen aus eigenen Unterlagen der verantwortlichen Stelle (${controller}): Meldungen von Beschäftigten über Vorfälle, dem Hausverbot, der Strafanzeige oder dem Strafantrag. Sie stammen nicht aus öffentlich zugänglichen Quellen.`;

export const automatedDecisionsText =
  'Eine automatisierte Entscheidungsfindung einschließlich Profiling (Art. 22 DSGVO) findet nicht statt.';

export const rightsText =
  'Sie haben das Recht auf Auskunft über die zu Ihrer Person gespeicherten Daten (Art. 15 DSGVO), auf Berichtigung unrichtiger Daten (Art. 16 DSGVO), auf Löschung (Art. 17 DSGVO), auf Einschränkung der Verarbeitung (Art. 18 DSGVO) und auf Widerspruch gegen die Verarbeitung aus Gründen, die sich aus Ihrer besonderen Situation ergeben (Art. 21 DSGVO). Die Verarbeitung beruht nicht auf einer Einwilligung. Ein Recht auf Datenübertragbarkeit besteht nicht, weil die Verarbeitung der Wahrnehmung einer Aufgabe im öffentlichen Interesse dient (Art. 20 Abs. 3 DSGVO). Wenden Sie sich dazu an die verantwortliche Stelle oder an die Datenschutzbeauftragte bzw. den Datenschutzbeauftragten.';

/** Name, address and the ways to reach a contact, on one line. */
export const contactLine = (c: ContactDetails): string =>
  [c.name, ...addressLines(c.address), c.email && `E-Mail: ${c.email}`, c.phone && `Telefon: ${c.phone}`]
    .filter((x) => x)
    .join(', ');

/** A postal address as lines: the settings keep line breaks; a one-line address is split at commas. */
export const addressLines = (address: string): string[] =>
  address
    .split(address.includes('\n') ? /\n/ : /,/)
    .map((l) => l.trim())
    .filter((l) => l);

export const complaintText = (authority: ContactDetails) =>
  `Sie haben das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren, wenn Sie der Ansicht sind, dass die Verarbeitung Ihrer Daten gegen Datenschutzrecht verstößt (Art. 77 DSGVO). Zuständig ist: ${contactLine(authority)}.`;

export const retentionText = (s: {
  registerReviewMonths: number;
  registerRetentionMonths: number;
  reportRetentionMonths: number;
}) =>
  `Jeder Registereintrag wird spätestens ${s.registerReviewMonths} Monate nach der Aufnahme oder der letzten Überprüfung darauf überprüft, ob er noch erforderlich ist, und spätestens ${s.registerRetentionMonths} Monate nach der Aufnahme oder der letzten Überprüfung gelöscht. Protokolle über Abfragen werden nach ${accessLogRetentionMonths} Monaten gelöscht, sofern sie nicht für eine Datenschutzkontrolle aufbewahrt werden. Vorfallsmeldungen werden mit ihren Beweismitteln ${s.reportRetentionMonths} Monate nach dem letzten Bearbeitungsschritt gelöscht; ein veröffentlichter Warnhinweis wird nach ${s.registerRetentionMonths} Monaten archiviert, und die Frist läuft ab dann.`;

export const withheldText =
  'Angaben zur meldenden beschäftigten Person, zu Zeuginnen und Zeugen, zu Verletzungen von Beschäftigten, zu Raum, Arbeitsplatz und Telefonanschluss von Beschäftigten sowie die internen Vermerke der zentralen Stelle und die Kommentare ihrer Überprüfungen werden nicht mitgeteilt, weil ihre Offenlegung die Sicherheit der Beschäftigten gefährden würde (§ 12 DSG NRW). Namen, Kennungen und Telefonnummern von Beschäftigten sowie Raum- und Schalterangaben sind in Freitexten geschwärzt.';

export const levelText = (level: number) => levelLabels[level as Level] ?? `Stufe ${level}`;

export const basisText = (b: { kind: string; date: string; reference: string }): string =>
  `${b.kind} vom ${b.date}${b.reference ? ` (Aktenzeichen ${b.reference})` : ''}`;

/** A legal basis of an entry as the person reads it: German label and date, the reference blacked out of staff names. */
export const subjectBasis = (b: LegalBasis, blackout: (s: string) => string) => ({
  kind: legalBasisLabels[b.kind],
  date: germanDate(b.date),
  reference: blackout(b.reference),
});

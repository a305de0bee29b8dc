import {
  categoryLabels,
  legalBasisKinds,
  legalBasisLabels,
  measureSuggestions,
  notificationStatusLabels,
  type IncidentCategory,
  type SubjectEntry,
  type SubjectIncident,
  type SubjectLegalBasis,
} from '@wachsam/protocol';
import { berlinTime, germanDate } from '../dates.js';
import type { Blackout } from './blackout.js';
import { levelText, subjectBasis } from './legal-texts.js';
import { entryData, parseNotification } from './presenter.js';
import type { EntryRow, ReportRow } from './repository.js';

/**
 * What the person is told about themselves (Art. 15 GDPR), named field by field. Their own name,
 * birth date, address and aliases go out as stored; every other free text has the staff blacked
 * out (`blackout.text`, references `blackout.names`). Not in here, whatever is added to the
 * stored data: the central unit's notes (`details`) and review comments, the reporter, witnesses,
 * injuries, the room, the phone line, who delivered a letter, and every internal id.
 */
/** The product's own measure wording names nobody: never blacked out, even where a word is someone's name. */
const suggested = new Set<string>(measureSuggestions);

export function presentSubjectEntry(row: EntryRow, blackout: Blackout): SubjectEntry {
  const d = entryData(row);
  const n = parseNotification(row);
  return {
    lastName: row.lastName,
    firstName: row.firstName,
    birthDate: row.birthDate ? germanDate(row.birthDate) : null,
    aliases: d.aliases,
    address: d.address,
    description: blackout.text(d.description),
    level: row.level,
    levelText: levelText(row.level),
    measures: d.measures.map((m) => (suggested.has(m) ? m : blackout.text(m))),
    legalBases: d.legalBases.map((b) => subjectBasis(b, blackout.names)),
    storedOn: germanDate(row.createdAt),
    reviewDue: germanDate(row.reviewAt),
    deletionDue: germanDate(row.deleteAt),
    reviewedOn: d.reviews.map((r) => germanDate(r.at)),
    notification: { status: notificationStatusLabels[n.status], sentOn: n.sentAt ? germanDate(n.sentAt) : null },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const isDay = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const dayOrNull = (v: unknown): string | null => (isDay(v) ? germanDate(v) : null);
/** A stored form (threat call, letter, online threat) or null when the report has none. */
const form = (v: unknown): Record<string, unknown> | null => (v === null || v === undefined ? null : rec(v));

export interface AttachmentFacts {
  mime: string;
  size: number;
  sha256: string;
  uploadedAt: Date;
}

/** A report as far as it concerns its causer. */
export function presentSubjectIncident(
  r: ReportRow,
  attachments: AttachmentFacts[],
  blackout: Blackout,
): SubjectIncident {
  const d = r.data;
  const causer = rec(d.causer);
  const legal = rec(d.legal);
  const ev = rec(d.evidence);
  const call = form(ev.threatCall);
  const letter = form(ev.letter);
  const online = form(ev.online);
  const warning = r.warning && r.publishedAt ? rec(r.warning) : null;
  const legalSteps: SubjectLegalBasis[] = legalBasisKinds.flatMap((kind) => {
    const step = rec(legal[kind]);
    if (!isDay(step.date)) return [];
    return [
      { kind: legalBasisLabels[kind], date: germanDate(step.date), reference: blackout.names(str(step.reference)) },
    ];
  });
  const other = blackout.text(str(d.otherCategory));
  return {
    occurredOn: germanDate(r.occurredAt),
    time: berlinTime(r.occurredAt),
    place: blackout.text(str(d.address)),
    categories: [...r.categories.map((c) => categoryLabels[c as IncidentCategory] ?? c), ...(other ? [other] : [])],
    level: r.level,
    levelText: levelText(r.level),
    description: blackout.text(str(d.description)),
    causer: {
      lastName: str(causer.lastName),
      firstName: str(causer.firstName),
      birthDate: dayOrNull(causer.birthDate),
      address: str(causer.address),
      description: blackout.text(str(causer.description)),
    },
    policeInvolved: d.policeInvolved === true,
    legalSteps,
    evidence: {
      threatCall: call && {
        on: dayOrNull(call.at) ?? germanDate(r.occurredAt),
        callerNumber: str(call.callerNumber),
        voice: blackout.text(str(call.voice)),
        background: blackout.text(str(call.background)),
        wording: blackout.text(str(call.wording)),
      },
      letter: letter && {
        receivedOn: dayOrNull(letter.receivedAt) ?? germanDate(r.occurredAt),
        sender: blackout.names(str(letter.sender)),
        content: blackout.text(str(letter.content)),
      },
      online: online && {
        on: dayOrNull(online.at) ?? germanDate(r.occurredAt),
        url: blackout.names(str(online.url)),
        platform: blackout.names(str(online.platform)),
        account: str(online.account),
        content: blackout.text(str(online.content)),
      },
    },
    attachments: attachments.map((a) => ({
      type: a.mime,
      bytes: a.size,
      sha256: a.sha256,
      uploadedOn: germanDate(a.uploadedAt),
    })),
    warning: warning && {
      publishedOn: germanDate(r.publishedAt!),
      summary: blackout.text(str(warning.summary)),
      measures: Array.isArray(warning.measures) ? warning.measures.map((m) => blackout.text(String(m))) : [],
    },
  };
}

/** The categories of data held about the person (Art. 14 (1) d, Art. 15 (1) b GDPR), from what is stored. */
export function dataCategories(entries: EntryRow[], more: { reports: boolean; lookups: boolean }): string[] {
  const data = entries.map(entryData);
  const out: string[] = [];
  if (entries.length) {
    out.push('Name und Vorname');
    if (entries.some((e) => e.birthDate)) out.push('Geburtsdatum');
    if (data.some((d) => d.aliases.length)) out.push('weitere Namen');
    if (data.some((d) => d.address)) out.push('Anschrift');
    if (data.some((d) => d.description)) out.push('Beschreibung von Erscheinungsbild und Verhalten');
    out.push(
      'Gefährdungsstufe nach dem Aachener Modell',
      'empfohlene Schutzmaßnahmen',
      'Anlass der Speicherung (Hausverbot, Strafanzeige oder Strafantrag) mit Datum und Aktenzeichen',
    );
    if (data.some((d) => d.details)) out.push('interne Vermerke der zentralen Stelle');
  }
  if (more.reports)
    out.push(
      'Angaben in Vorfallsmeldungen (Zeitpunkt, Ort und Schilderung des Vorfalls, Angaben zu Ihrer Person, rechtliche Schritte, Beweismittel)',
    );
  if (more.lookups) out.push('Protokolle der Abfragen zu Ihrer Person');
  return out;
}

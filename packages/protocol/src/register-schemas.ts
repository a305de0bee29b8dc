import { z } from 'zod';
import { Id, IsoDate, Name, Timestamp, serialId, text } from './common.js';
import { Level } from './reports.js';

// Melde- und Auskunftsregister (§ 3 BSchG NRW): the schemas of entries, lookup, access log, Art. 14/15 GDPR.
// The routes are in register.ts.

// --- legal basis of an entry (§ 3 (2) BSchG NRW) ---

export const legalBasisKinds = ['hausverbot', 'strafanzeige', 'strafantrag'] as const;
export const LegalBasisKind = z.enum(legalBasisKinds);
export type LegalBasisKind = z.infer<typeof LegalBasisKind>;
export const legalBasisLabels: Record<LegalBasisKind, string> = {
  hausverbot: 'Hausverbot',
  strafanzeige: 'Strafanzeige',
  strafantrag: 'Strafantrag',
};

/** A Hausverbot issued by the organisation, or a Strafanzeige / Strafantrag made by it. */
export const LegalBasis = z
  .object({ kind: LegalBasisKind, date: IsoDate, reference: text(200).min(1, 'Aktenzeichen fehlt') })
  .strict();
export type LegalBasis = z.infer<typeof LegalBasis>;

/** Suggestions for the measures a lookup shows; the central unit may write its own. */
export const measureSuggestions = [
  'Termine nur zu zweit',
  'Sicherheitsdienst hinzuziehen',
  'Hausverbot beachten',
  'Keine Hausbesuche allein',
  'Polizei vorab informieren',
] as const;

// --- entries ---

export const RegisterEntryInput = z
  .object({
    lastName: Name,
    firstName: Name,
    birthDate: IsoDate.nullable().default(null),
    aliases: z.array(text(200).min(1)).max(20).default([]),
    address: text(500).default(''),
    /** Appearance and behaviour, for recognising the person. */
    description: text(2000).default(''),
    /** Aachener Modell 0–3. */
    level: Level,
    /** What a querying department is told to do, e.g. "Termine nur zu zweit". */
    measures: z.array(text(200).min(1)).max(20).default([]),
    /** Free text for the central unit only; never shown to querying departments. */
    details: text(10000).default(''),
    /** At least one is required; the server refuses the entry without (`legal_basis_missing`). */
    legalBases: z.array(LegalBasis).max(20).default([]),
    sourceReportId: Id.nullable().default(null),
  })
  .strict();
export type RegisterEntryInput = z.infer<typeof RegisterEntryInput>;

export const notificationStatuses = ['open', 'sent', 'deferred'] as const;
export const notificationStatusLabels: Record<(typeof notificationStatuses)[number], string> = {
  open: 'offen',
  sent: 'versandt',
  deferred: 'zurückgestellt',
};

/** The Art. 14 GDPR notification task of an entry. */
export const EntryNotification = z.object({
  status: z.enum(notificationStatuses),
  sentAt: IsoDate.nullable(),
  deferral: z.object({ reason: z.string(), reviewAt: IsoDate }).nullable(),
});
export type EntryNotification = z.infer<typeof EntryNotification>;

export const EntryReview = z.object({ at: Timestamp, by: z.string(), comment: z.string() });
export type EntryReview = z.infer<typeof EntryReview>;

/** Why an entry is on the due list: review date reached, or deletion within the warning days. */
export const EntryDue = z.object({ review: z.boolean(), deletion: z.boolean() });

export const RegisterEntry = z.object({
  id: Id,
  lastName: z.string(),
  firstName: z.string(),
  birthDate: IsoDate.nullable(),
  aliases: z.array(z.string()),
  address: z.string(),
  description: z.string(),
  level: Level,
  measures: z.array(z.string()),
  details: z.string(),
  legalBases: z.array(LegalBasis),
  sourceReportId: Id.nullable(),
  createdAt: Timestamp,
  reviewAt: IsoDate,
  deleteAt: IsoDate,
  deletionWarnedAt: Timestamp.nullable(),
  notification: EntryNotification,
  reviews: z.array(EntryReview),
  due: EntryDue,
});
export type RegisterEntry = z.infer<typeof RegisterEntry>;

export const RegisterEntrySummary = RegisterEntry.pick({
  id: true,
  lastName: true,
  firstName: true,
  birthDate: true,
  level: true,
  reviewAt: true,
  deleteAt: true,
  due: true,
}).extend({ notificationStatus: z.enum(notificationStatuses) });
export type RegisterEntrySummary = z.infer<typeof RegisterEntrySummary>;

export const EntryListQuery = z
  .object({
    /** Part of the last or first name. */
    name: text(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  })
  .strict();
export const EntryList = z.object({ entries: z.array(RegisterEntrySummary), more: z.boolean() });
export type EntryList = z.infer<typeof EntryList>;

export const EntryReviewInput = z.object({ comment: text(2000).default('') }).strict();

// --- lookup (Auskunft) ---

export const lookupPurposes = ['appointment', 'home_visit', 'counter', 'enforcement', 'other'] as const;
export const LookupPurpose = z.enum(lookupPurposes, { error: 'Bitte den Zweck der Abfrage angeben' });
export type LookupPurpose = z.infer<typeof LookupPurpose>;

/** Every purpose the access log knows: the lookups', plus the central unit's and data protection's reads. */
export const accessPurposes = [...lookupPurposes, 'administration', 'data_subject_rights', 'retention'] as const;
export const AccessPurpose = z.enum(accessPurposes);
export type AccessPurpose = z.infer<typeof AccessPurpose>;
export const accessPurposeLabels: Record<AccessPurpose, string> = {
  appointment: 'Termin',
  home_visit: 'Hausbesuch',
  counter: 'Publikumsverkehr/Schalter',
  enforcement: 'Vollstreckung',
  other: 'Sonstiges',
  administration: 'Registerpflege (zentrale Stelle)',
  data_subject_rights: 'Betroffenenrechte (Art. 14/15 DSGVO)',
  retention: 'Aufbewahrungsfrist (Löschung)',
};

export const LookupRequest = z
  .object({
    lastName: Name,
    firstName: Name,
    birthDate: IsoDate.nullable().default(null),
    /** Street and number (or more): with the birth date, what tells a namesake from the person. */
    address: text(300).default(''),
    purpose: LookupPurpose,
    /** Required for purpose "other". */
    purposeText: text(500).default(''),
    caseReference: text(200).default(''),
  })
  .strict()
  .refine((r) => r.purpose !== 'other' || r.purposeText !== '', {
    message: 'Bitte den Zweck beschreiben',
    path: ['purposeText'],
  });
export type LookupRequest = z.infer<typeof LookupRequest>;

/**
 * The three answers of a lookup. Names are compared spelling-tolerantly (Kölner Phonetik, typos),
 * so a name alone proves nothing:
 * - `hint` (Hinweis vorhanden): a candidate whose birth date (or, where a birth date is missing,
 *   address) matches the query;
 * - `check` (prüfen): a candidate by name only, with nothing to tell it from a namesake: ask the
 *   central unit or give the birth date or address;
 * - `none` (kein Hinweis): no candidate, or only namesakes whose birth date differs.
 */
export const lookupOutcomes = ['hint', 'check', 'none'] as const;
export const LookupOutcome = z.enum(lookupOutcomes);
export type LookupOutcome = z.infer<typeof LookupOutcome>;

/**
 * The minimum a querying department learns: the outcome, and for a `hint` its level and the
 * measures (nothing of a mere name match). `entries` (the full entries of every hint and check
 * candidate) only for the central unit; null for everyone else.
 */
export const LookupResult = z.object({
  outcome: LookupOutcome,
  level: Level.nullable(),
  measures: z.array(z.string()),
  entries: z.array(RegisterEntry).nullable(),
  /** The access-log row that records this lookup. */
  logSeq: z.string(),
});
export type LookupResult = z.infer<typeof LookupResult>;

// --- access log (data protection) ---

const Seq = serialId('Laufende Nummer muss eine Zahl sein');

export const accessActions = [
  'lookup',
  'read_entry',
  'list_entries',
  'create_entry',
  'update_entry',
  'review_entry',
  'art14_letter',
  'art15_report',
  /** The retention job's record of the rows it deleted (in the chain itself). */
  'log_pruned',
  /** The one-time re-keying of a log written before the key. */
  'log_rekeyed',
] as const;
export const accessActionLabels: Record<(typeof accessActions)[number], string> = {
  lookup: 'Auskunft',
  read_entry: 'Eintrag gelesen',
  list_entries: 'Einträge aufgelistet',
  create_entry: 'Eintrag angelegt',
  update_entry: 'Eintrag geändert',
  review_entry: 'Eintrag überprüft',
  art14_letter: 'Benachrichtigung Art. 14 DSGVO erstellt',
  art15_report: 'Auskunft Art. 15 DSGVO erstellt',
  log_pruned: 'Protokolleinträge nach Frist gelöscht',
  log_rekeyed: 'Protokoll mit Schlüssel neu verkettet',
};

export const AccessLogEntry = z.object({
  seq: Seq,
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  purpose: z.string(),
  caseReference: z.string(),
  legalBasis: z.string(),
  query: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()),
  heldUntil: IsoDate.nullable(),
  hash: z.string(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

/**
 * The JSON export, oldest first. `truncated`: more rows matched than one export carries (the
 * response also has the header `X-Wachsam-Truncated: true`); narrow the period and export again.
 */
export const AccessLogExport = z.object({ entries: z.array(AccessLogEntry), truncated: z.boolean() });
export type AccessLogExport = z.infer<typeof AccessLogExport>;
/** Response header set when an access-log export was cut at its cap. */
export const truncatedHeader = 'x-wachsam-truncated';

export const AccessLogFilter = z
  .object({
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    actor: text(200).optional(),
    purpose: AccessPurpose.optional(),
    reference: text(200).optional(),
    /** Part of the last or first name that was asked. */
    name: text(200).optional(),
  })
  .strict();
export type AccessLogFilter = z.infer<typeof AccessLogFilter>;
export const AccessLogQuery = AccessLogFilter.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: Seq.optional(),
}).strict();
export type AccessLogQuery = z.infer<typeof AccessLogQuery>;
export const AccessLogPage = z.object({ entries: z.array(AccessLogEntry), nextBefore: Seq.nullable() });
export type AccessLogPage = z.infer<typeof AccessLogPage>;

export const LogHoldInput = z
  .object({
    seqs: z.array(Seq).min(1, 'mindestens ein Eintrag').max(10000),
    heldUntil: IsoDate,
    reason: text(1000).min(1, 'Bitte den Anlass der Kontrolle angeben'),
  })
  .strict();
export type LogHoldInput = z.infer<typeof LogHoldInput>;
export const LogHoldResult = z.object({ held: z.number().int() });

export const ChainCheck = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBroken: z.object({ seq: Seq, orgId: Id, reason: z.string() }).nullable(),
});
export type ChainCheck = z.infer<typeof ChainCheck>;

/**
 * The signed head of the organisation's access-log chain (HMAC under the log key): the
 * data-protection officer keeps it outside the installation and checks the log against it with
 * `npm run register:verify-log -- --anchor FILE`. A log that no longer reaches it lost rows.
 */
export const LogAnchor = z.object({
  kind: z.literal('wachsam-register-log-anchor'),
  version: z.literal(1),
  orgId: Id,
  seq: Seq.nullable(),
  hash: z.string(),
  at: Timestamp,
  mac: z.string(),
});
export type LogAnchor = z.infer<typeof LogAnchor>;

// --- Art. 14 and Art. 15 GDPR ---

export const NotificationTask = z.object({
  entryId: Id,
  lastName: z.string(),
  firstName: z.string(),
  birthDate: IsoDate.nullable(),
  address: z.string(),
  createdAt: Timestamp,
  notification: EntryNotification,
});
export type NotificationTask = z.infer<typeof NotificationTask>;
export const NotificationSentInput = z.object({ sentAt: IsoDate }).strict();
export const NotificationDeferInput = z
  .object({ reason: text(2000).min(1, 'Bitte den Grund der Zurückstellung angeben'), reviewAt: IsoDate })
  .strict();

export const AccessReportRequest = z
  .object({
    entryId: Id.optional(),
    lastName: Name.optional(),
    firstName: Name.optional(),
    birthDate: IsoDate.nullable().default(null),
  })
  .strict()
  .refine((r) => r.entryId !== undefined || (r.lastName !== undefined && r.firstName !== undefined), {
    message: 'Eintrag oder Nachname und Vorname angeben',
  });
export type AccessReportRequest = z.infer<typeof AccessReportRequest>;

/** Binary answers: the server sends these with their own content type, not as JSON. */
export const PdfFile = z.custom<Uint8Array>((v) => v instanceof Uint8Array).describe('application/pdf');
/** A CSV file's bytes (UTF-8 with a byte order mark), rendered in parts off the main thread. */
export const CsvFile = z.custom<Uint8Array>((v) => v instanceof Uint8Array).describe('text/csv');

import { z } from 'zod';
import { Id, IdParams, IsoDate, Name, Timestamp, everyRole, text, type Role } from './common.js';
import { retentionPeriod } from './retention.js';
import type { RouteDef } from './routes.js';

// --- Aachener Modell: categories and levels ---

export const incidentCategories = [
  'insult',
  'threat',
  'coercion',
  'property_damage',
  'bodily_harm',
  'weapon',
  'bomb_threat',
  'amok',
  'hostage_robbery',
  'other',
] as const;
export const IncidentCategory = z.enum(incidentCategories);
export type IncidentCategory = z.infer<typeof IncidentCategory>;

export const categoryLabels: Record<IncidentCategory, string> = {
  insult: 'Beleidigung',
  threat: 'Bedrohung',
  coercion: 'Nötigung',
  property_damage: 'Sachbeschädigung',
  bodily_harm: 'Körperverletzung',
  weapon: 'Waffe/Werkzeug',
  bomb_threat: 'Bombendrohung',
  amok: 'Amok',
  hostage_robbery: 'Geiselnahme/Überfall',
  other: 'Sonstiges',
};

export const Level = z.number().int().min(0, 'Stufe 0 bis 3').max(3, 'Stufe 0 bis 3');
export type Level = z.infer<typeof Level>;

export const levelLabels: Record<Level, string> = {
  0: 'Stufe 0: normales bis kontroverses Gespräch',
  1: 'Stufe 1: unangemessenes Sozialverhalten, verbale Aggression, Beleidigung',
  2: 'Stufe 2: Sachbeschädigung, körperliche Gewalt, Bedrohung, Nötigung',
  3: 'Stufe 3: Waffe/Werkzeug, Bombendrohung, Amok, Geiselnahme, Überfall',
};

export const LevelMapping = z.record(IncidentCategory, Level);
export type LevelMapping = z.infer<typeof LevelMapping>;

/**
 * The Aachener Modell as the Unfallkasse NRW draws it. Cologne files property damage under
 * level 2; an organisation changes the mapping in its settings.
 */
export const defaultLevelMapping: Record<IncidentCategory, Level> = {
  insult: 1,
  threat: 2,
  coercion: 2,
  property_damage: 1,
  bodily_harm: 2,
  weapon: 3,
  bomb_threat: 3,
  amok: 3,
  hostage_robbery: 3,
  other: 0,
};

/** The level the categories suggest: the highest of them. */
export function suggestLevel(categories: readonly IncidentCategory[], mapping: Partial<LevelMapping>): Level {
  return categories.reduce<Level>((max, c) => Math.max(max, mapping[c] ?? defaultLevelMapping[c]) as Level, 0);
}

/** The category an incident is counted under in statistics: the first of the highest level. */
export function mainCategory(
  categories: readonly IncidentCategory[],
  mapping: Partial<LevelMapping>,
): IncidentCategory {
  const level = (c: IncidentCategory) => mapping[c] ?? defaultLevelMapping[c];
  return (
    [...categories].sort(
      (a, b) => level(b) - level(a) || incidentCategories.indexOf(a) - incidentCategories.indexOf(b),
    )[0] ?? 'other'
  );
}

/**
 * Entry threshold: criminal acts of level 2–3. Below it (level 0–1, or only "other") a report is
 * kept for anonymous statistics only.
 */
export function belowThreshold(level: Level, categories: readonly IncidentCategory[]): boolean {
  return level < 2 || categories.every((c) => c === 'other');
}

export const zeroToleranceNotice =
  'Null Toleranz: Jeder verbale oder körperliche Angriff sollte bei der Polizei angezeigt werden – auch wenn die Meldung unterhalb der Schwelle für das Register bleibt.';

// --- the report form ---

export const LegalStep = z.object({ date: IsoDate, reference: text(200).min(1, 'Aktenzeichen fehlt') }).strict();
export type LegalStep = z.infer<typeof LegalStep>;

export const LegalSteps = z
  .object({
    strafanzeige: LegalStep.nullable().default(null),
    strafantrag: LegalStep.nullable().default(null),
    hausverbot: LegalStep.nullable().default(null),
  })
  .strict();
export type LegalSteps = z.infer<typeof LegalSteps>;

export const Causer = z
  .object({
    known: z.boolean(),
    lastName: text(200).default(''),
    firstName: text(200).default(''),
    birthDate: IsoDate.nullable().default(null),
    address: text(500).default(''),
    /** Appearance, behaviour: for unknown persons the only description. */
    description: text(2000).default(''),
  })
  .strict();
export type Causer = z.infer<typeof Causer>;

/** Police guidance (seed 000): what to note about a threatening call. */
export const ThreatCallForm = z
  .object({
    at: Timestamp,
    line: text(200).default(''),
    callerNumber: text(100).default(''),
    voice: text(500).default(''),
    background: text(500).default(''),
    wording: text(4000).default(''),
  })
  .strict();
export const LetterForm = z
  .object({
    receivedAt: Timestamp,
    deliveredBy: text(500).default(''),
    sender: text(500).default(''),
    content: text(4000).default(''),
  })
  .strict();
export const OnlineThreatForm = z
  .object({
    at: Timestamp,
    url: text(2000).default(''),
    platform: text(200).default(''),
    account: text(200).default(''),
    content: text(4000).default(''),
  })
  .strict();
export const EvidenceForms = z
  .object({
    threatCall: ThreatCallForm.nullable().default(null),
    letter: LetterForm.nullable().default(null),
    online: OnlineThreatForm.nullable().default(null),
  })
  .strict();
export type EvidenceForms = z.infer<typeof EvidenceForms>;

export const ReportInput = z
  .object({
    occurredAt: Timestamp,
    roomId: Id.nullable().default(null),
    address: text(500).default(''),
    categories: z.array(IncidentCategory).min(1, 'mindestens eine Kategorie').max(incidentCategories.length),
    otherCategory: text(200).default(''),
    /** Null: take the level the categories suggest. */
    level: Level.nullable().default(null),
    /** Required when the level differs from the suggestion. */
    levelReason: text(1000).default(''),
    description: text(10000).default(''),
    causer: Causer,
    witnesses: text(2000).default(''),
    injuries: text(2000).default(''),
    policeInvolved: z.boolean().default(false),
    legal: LegalSteps.default({ strafanzeige: null, strafantrag: null, hausverbot: null }),
    evidence: EvidenceForms.default({ threatCall: null, letter: null, online: null }),
    /** The alarm this report follows up, when filed from a resolved alarm. */
    alarmId: Id.nullable().default(null),
  })
  .strict();
export type ReportInput = z.infer<typeof ReportInput>;
export type ReportInputDraft = z.input<typeof ReportInput>;

export const reportStatuses = [
  'draft',
  'submitted',
  'approved',
  'complaint_filed',
  'quality_checked',
  'published',
  'archived',
] as const;
export const ReportStatus = z.enum(reportStatuses);
export type ReportStatus = z.infer<typeof ReportStatus>;

export const reportStatusLabels: Record<ReportStatus, string> = {
  draft: 'Entwurf',
  submitted: 'Eingereicht – Prüfung durch Vorgesetzte',
  approved: 'Freigegeben – Strafanzeige durch Personalmanagement',
  complaint_filed: 'Strafanzeige gestellt – Qualitätssicherung',
  quality_checked: 'Qualitätsgesichert – bereit zur Veröffentlichung',
  published: 'Als Warnhinweis veröffentlicht',
  archived: 'Archiviert',
};

export const ReportTransition = z.object({
  from: ReportStatus,
  to: ReportStatus,
  at: Timestamp,
  /** Who acted, by role; the reporter's own steps name no person to others. */
  actor: z.string(),
  role: z.string(),
  comment: z.string(),
});
export type ReportTransition = z.infer<typeof ReportTransition>;

/** How others see the reporter (and the reporter's own workflow steps) where the identity is withheld. */
export const anonymousReporter = 'Meldende Person';
/** The `role` of a transition the reporter made (submitting): not one of the organisation's roles. */
export const reporterRole = 'reporter';
/** The `role` of a transition no person made (a warning archived when its retention ran out). */
export const systemRole = 'system';

/** Evidence files a report accepts, as raw request bodies (upload) with their content type. */
export const attachmentMimePattern = /^(image\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf|text\/plain)$/;
export const attachmentMaxBytes = 10 * 1024 * 1024;
export const AttachmentUploadQuery = z.object({ name: text(200).min(1, 'Dateiname fehlt') }).strict();
export const AttachmentParams = z.object({ id: Id, attachmentId: Id }).strict();

export const Attachment = z.object({
  id: Id,
  name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  uploadedAt: Timestamp,
});
export type Attachment = z.infer<typeof Attachment>;

/**
 * Published warning. Built from an explicit allow-list: nothing about the reporter, ever. Its id
 * is its own (drawn at publication), not the report's, so nothing ties it to the audited report.
 */
export const Warning = z.object({
  id: Id,
  publishedAt: Timestamp,
  occurredMonth: z.string().regex(/^\d{4}-\d{2}$/),
  level: Level,
  categories: z.array(IncidentCategory),
  /** The department of the incident's room (never the reporter's); empty without a room. */
  department: z.string(),
  building: z.string(),
  person: z.object({
    known: z.boolean(),
    lastName: z.string(),
    firstName: z.string(),
    birthDate: z.string().nullable(),
    description: z.string(),
  }),
  summary: z.string(),
  measures: z.array(z.string()),
});
export type Warning = z.infer<typeof Warning>;

export const Report = ReportInput.extend({
  id: Id,
  status: ReportStatus,
  level: Level,
  suggestedLevel: Level,
  departmentId: Id.nullable(),
  reporter: z.object({ personId: Id.nullable(), name: z.string() }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Timestamp.nullable(),
  publishedAt: Timestamp.nullable(),
  transitions: z.array(ReportTransition),
  attachments: z.array(Attachment),
  /** The published warning (summary and measures), once published or archived; null before. */
  warning: Warning.nullable(),
  /** What the caller may do next, for the UI's buttons. */
  actions: z.array(
    z.enum(['edit', 'submit', 'approve', 'return', 'file_complaint', 'quality_check', 'publish', 'archive']),
  ),
});
export type Report = z.infer<typeof Report>;

/** A room anyone filing a report may pick: building · floor · room. */
export const Place = z.object({ roomId: Id, label: z.string() });
export type Place = z.infer<typeof Place>;

export const ReportSummary = z.object({
  id: Id,
  status: ReportStatus,
  occurredAt: Timestamp,
  categories: z.array(IncidentCategory),
  level: Level,
  departmentId: Id.nullable(),
  updatedAt: Timestamp,
  mine: z.boolean(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const HelpOffer = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  contact: z.string(),
  sortOrder: z.number().int(),
  active: z.boolean(),
});
export type HelpOffer = z.infer<typeof HelpOffer>;
export const HelpOfferInput = z
  .object({
    title: Name,
    description: text(2000).default(''),
    contact: text(500).default(''),
    sortOrder: z.number().int().min(0).max(1000).default(0),
    active: z.boolean().default(true),
  })
  .strict();
export type HelpOfferInput = z.infer<typeof HelpOfferInput>;

/** Submitting answers with what happens next, the help offers, and the zero-tolerance reminder when below the threshold. */
export const SubmitResult = z.object({
  report: Report.nullable(),
  statisticsOnly: z.boolean(),
  notice: z.string().nullable(),
  helpOffers: z.array(HelpOffer),
});
export type SubmitResult = z.infer<typeof SubmitResult>;

export const Comment = z.object({ comment: text(2000).default('') }).strict();
export const RequiredComment = z.object({ comment: text(2000).min(1, 'Bitte einen Grund angeben') }).strict();
export const ComplaintInput = z
  .object({
    strafanzeige: LegalStep.nullable().default(null),
    strafantrag: LegalStep.nullable().default(null),
    hausverbot: LegalStep.nullable().default(null),
    comment: text(2000).default(''),
  })
  .strict()
  .refine((c) => c.strafanzeige || c.strafantrag, {
    message: 'Strafanzeige oder Strafantrag mit Datum und Aktenzeichen angeben',
  });
export type ComplaintInput = z.infer<typeof ComplaintInput>;

export const PublishInput = z
  .object({
    /** Written by the central unit in the quality check: the warning's text, without reporter data. */
    summary: text(2000).min(1, 'Bitte eine Zusammenfassung für den Warnhinweis schreiben'),
    measures: z.array(text(200).min(1)).max(10).default([]),
    /**
     * The causer's description as the warning shows it, written or confirmed by the central unit
     * at publication. The reporter's own free text is never published as typed: it may name the
     * reporter or their workstation.
     */
    personDescription: text(2000).default(''),
    comment: text(2000).default(''),
  })
  .strict();
export type PublishInput = z.infer<typeof PublishInput>;

export const AftercareTask = z.object({
  id: Id,
  kind: z.enum(['debrief']),
  reportId: Id.nullable(),
  alarmId: Id.nullable(),
  affectedPerson: z.string(),
  createdAt: Timestamp,
  dueAt: Timestamp,
  doneAt: Timestamp.nullable(),
  note: z.string(),
});
export type AftercareTask = z.infer<typeof AftercareTask>;

export const ZemagSettings = z
  .object({
    levelMapping: LevelMapping.default(defaultLevelMapping),
    /** Register: months until an entry is due for review. */
    registerReviewMonths: retentionPeriod('registerReviewMonths'),
    /** Register: months until an entry is deleted unless kept at review. */
    registerRetentionMonths: retentionPeriod('registerRetentionMonths'),
    /** Register: days before deletion that the central unit is warned. */
    deletionWarningDays: retentionPeriod('deletionWarningDays'),
    /** Alarms (with receivers, answers, messages, positions, events): days after the alarm ended. */
    alarmRetentionDays: retentionPeriod('alarmRetentionDays'),
    /** Reports above the threshold (with evidence and workflow): months after the last workflow step. */
    reportRetentionMonths: retentionPeriod('reportRetentionMonths'),
    /** Drafts: days after their last change. */
    draftRetentionDays: retentionPeriod('draftRetentionDays'),
    /** Audit log: months after the entry. */
    auditRetentionMonths: retentionPeriod('auditRetentionMonths'),
  })
  .strict();
export type ZemagSettings = z.infer<typeof ZemagSettings>;

export const ReportListQuery = z
  .object({ status: ReportStatus.optional(), scope: z.enum(['mine', 'inbox', 'all']).default('mine') })
  .strict();

/** Roles that act in the report workflow beyond their own reports. */
export const reviewerRoles: readonly Role[] = ['supervisor', 'hr', 'security_management'];
const central: readonly Role[] = ['security_management'];
/** The supervisor reviews; where the department has no other supervisor, the central unit does. */
const supervisorOrCentral: readonly Role[] = ['supervisor', 'security_management'];
const NoContent = null;

const transition = <B extends z.ZodType>(url: string, summary: string, roles: readonly Role[], body: B) =>
  ({
    method: 'POST',
    url: `/api/reports/:id/${url}`,
    summary,
    tag: 'Meldungen',
    auth: { kind: 'session', roles },
    params: IdParams,
    body,
    status: 200,
    response: Report,
  }) as const satisfies RouteDef;

export const reportRouteDefs = {
  createReport: {
    method: 'POST',
    url: '/api/reports',
    summary:
      'Meldung als Entwurf anlegen (Header Idempotency-Key erforderlich: eine Wiederholung mit demselben Schlüssel liefert denselben Entwurf)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    body: ReportInput,
    status: 201,
    response: Report,
  },
  listPlaces: {
    method: 'GET',
    url: '/api/places',
    summary: 'Räume der eigenen Organisation zur Auswahl in einer Meldung (Gebäude · Etage · Raum)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    status: 200,
    response: z.array(Place),
  },
  listReports: {
    method: 'GET',
    url: '/api/reports',
    summary: 'Eigene Meldungen, oder die zur Bearbeitung (Vorgesetzte, Personal, zentrale Stelle)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    querystring: ReportListQuery,
    status: 200,
    response: z.array(ReportSummary),
  },
  getReport: {
    method: 'GET',
    url: '/api/reports/:id',
    summary: 'Meldung lesen',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    status: 200,
    response: Report,
  },
  updateReport: {
    method: 'PUT',
    url: '/api/reports/:id',
    summary: 'Entwurf ändern (meldende Person)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    body: ReportInput,
    status: 200,
    response: Report,
  },
  submitReport: {
    method: 'POST',
    url: '/api/reports/:id/submit',
    summary: 'Meldung einreichen',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    status: 200,
    response: SubmitResult,
  },
  approveReport: transition(
    'approve',
    'Vorgesetzte (oder die zentrale Stelle, wenn die Abteilung keine andere vorgesetzte Person hat): prüfen und freigeben',
    supervisorOrCentral,
    Comment,
  ),
  returnReport: transition(
    'return',
    'Vorgesetzte (oder die zentrale Stelle, wenn die Abteilung keine andere vorgesetzte Person hat): zur Überarbeitung zurückgeben',
    supervisorOrCentral,
    RequiredComment,
  ),
  fileComplaint: transition(
    'complaint',
    'Personalmanagement: Strafanzeige/Strafantrag mit Aktenzeichen erfassen',
    ['hr'],
    ComplaintInput,
  ),
  qualityCheck: transition('quality-check', 'Zentrale Stelle: Qualitätssicherung', central, Comment),
  publishReport: transition('publish', 'Zentrale Stelle: als Warnhinweis veröffentlichen', central, PublishInput),
  archiveReport: transition('archive', 'Zentrale Stelle: archivieren', central, Comment),
  reportFromAlarm: {
    method: 'POST',
    url: '/api/alarms/:id/report',
    summary: 'Vorfall melden: Entwurf mit den Angaben des Alarms',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    status: 201,
    response: Report,
  },
  listAttachments: {
    method: 'GET',
    url: '/api/reports/:id/attachments',
    summary: 'Beweismittel einer Meldung',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    status: 200,
    response: z.array(Attachment),
  },
  uploadAttachment: {
    method: 'POST',
    url: '/api/reports/:id/attachments',
    summary:
      'Beweismittel hochladen (meldende Person, im Entwurf oder eingereicht): Datei als Rohdaten mit ihrem Inhaltstyp (Bild, Audio, PDF, Text; höchstens 10 MB), Dateiname in ?name=',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    querystring: AttachmentUploadQuery,
    status: 201,
    response: Attachment,
  },
  downloadAttachment: {
    method: 'GET',
    url: '/api/reports/:id/attachments/:attachmentId',
    summary: 'Beweismittel herunterladen (die Datei mit ihrem Inhaltstyp)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    params: AttachmentParams,
    status: 200,
    /** The file's bytes, sent as they were uploaded: not JSON. */
    response: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'Datei'),
  },
  listWarnings: {
    method: 'GET',
    url: '/api/warnings',
    summary: 'Veröffentlichte Warnhinweise (ohne Angaben zur meldenden Person)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    status: 200,
    response: z.array(Warning),
  },
  listHelpOffers: {
    method: 'GET',
    url: '/api/help-offers',
    summary: 'Hilfsangebote',
    tag: 'Nachsorge',
    auth: { kind: 'session', roles: everyRole },
    status: 200,
    response: z.array(HelpOffer),
  },
  createHelpOffer: {
    method: 'POST',
    url: '/api/help-offers',
    summary: 'Hilfsangebot anlegen',
    tag: 'Nachsorge',
    auth: { kind: 'session', roles: central },
    body: HelpOfferInput,
    status: 201,
    response: HelpOffer,
  },
  updateHelpOffer: {
    method: 'PUT',
    url: '/api/help-offers/:id',
    summary: 'Hilfsangebot ändern',
    tag: 'Nachsorge',
    auth: { kind: 'session', roles: central },
    params: IdParams,
    body: HelpOfferInput,
    status: 200,
    response: HelpOffer,
  },
  deleteHelpOffer: {
    method: 'DELETE',
    url: '/api/help-offers/:id',
    summary: 'Hilfsangebot löschen',
    tag: 'Nachsorge',
    auth: { kind: 'session', roles: central },
    params: IdParams,
    status: 204,
    response: NoContent,
  },
  listTasks: {
    method: 'GET',
    url: '/api/tasks',
    summary: 'Offene Nachsorge-Aufgaben (Nachbesprechung) der angemeldeten Person',
    tag: 'Nachsorge',
    auth: { kind: 'session', roles: everyRole },
    status: 200,
    response: z.array(AftercareTask),
  },
  completeTask: {
    method: 'POST',
    url: '/api/tasks/:id/done',
    summary: 'Nachsorge-Aufgabe erledigt',
    tag: 'Nachsorge',
    auth: { kind: 'session', roles: everyRole },
    params: IdParams,
    body: Comment,
    status: 200,
    response: AftercareTask,
  },
  getSettings: {
    method: 'GET',
    url: '/api/zemag/settings',
    summary: 'Einstellungen: Stufenzuordnung, Prüf-, Aufbewahrungs- und Löschfristen',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: everyRole },
    status: 200,
    response: ZemagSettings,
  },
  putSettings: {
    method: 'PUT',
    url: '/api/zemag/settings',
    summary: 'Einstellungen ändern (zentrale Stelle)',
    tag: 'Meldungen',
    auth: { kind: 'session', roles: central },
    body: ZemagSettings,
    status: 200,
    response: ZemagSettings,
  },
} as const satisfies Record<string, RouteDef>;

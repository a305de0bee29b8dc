import { z } from 'zod';
import { Id, IsoDate, Name, Timestamp, text, timestamp } from './common.js';
import { retentionPeriod } from './retention.js';
import { defaultLevelMapping, IncidentCategory, incidentCategories, Level, LevelMapping } from './aachener-modell.js';

export * from './aachener-modell.js';

// --- the report form ---
//
// Two schemas for the same form. `ReportInput` is a draft: it keeps whatever was typed (an
// unfinished date, a legal step without its reference, no category yet), so saving never loses
// text. `CompleteReport` is what a report must be when it is submitted; the submission checks
// the stored draft against it and names every field that is not yet right.

/** A date or time of a draft exactly as typed; checked when the report is submitted. */
const Typed = text(40);
/** A point in time of a submitted report. */
const At = timestamp('Datum und Uhrzeit angeben');

export const LegalStep = z.object({ date: IsoDate, reference: text(200).min(1, 'Aktenzeichen fehlt') }).strict();
export type LegalStep = z.infer<typeof LegalStep>;

const legalSteps = <S extends z.ZodType>(step: S) =>
  z
    .object({
      strafanzeige: step.nullable().default(null),
      strafantrag: step.nullable().default(null),
      hausverbot: step.nullable().default(null),
    })
    .strict();
export const LegalSteps = legalSteps(LegalStep);
export type LegalSteps = z.infer<typeof LegalSteps>;

const causer = <D extends z.ZodType>(birthDate: D) =>
  z
    .object({
      known: z.boolean().default(false),
      lastName: text(200).default(''),
      firstName: text(200).default(''),
      birthDate: birthDate.nullable().default(null),
      address: text(500).default(''),
      /** Appearance, behaviour: for unknown persons the only description. */
      description: text(2000).default(''),
    })
    .strict();
export const Causer = causer(IsoDate);
export type Causer = z.infer<typeof Causer>;

/** Police guidance (seed 000): what to note about a threatening call, a letter, an online threat. */
const evidenceForms = <T extends z.ZodType>(time: T) => {
  const threatCall = z
    .object({
      at: time,
      line: text(200).default(''),
      callerNumber: text(100).default(''),
      voice: text(500).default(''),
      background: text(500).default(''),
      wording: text(4000).default(''),
    })
    .strict();
  const letter = z
    .object({
      receivedAt: time,
      deliveredBy: text(500).default(''),
      sender: text(500).default(''),
      content: text(4000).default(''),
    })
    .strict();
  const online = z
    .object({
      at: time,
      url: text(2000).default(''),
      platform: text(200).default(''),
      account: text(200).default(''),
      content: text(4000).default(''),
    })
    .strict();
  return z
    .object({
      threatCall: threatCall.nullable().default(null),
      letter: letter.nullable().default(null),
      online: online.nullable().default(null),
    })
    .strict();
};
export const EvidenceForms = evidenceForms(At);
export type EvidenceForms = z.infer<typeof EvidenceForms>;

const reportFields = <T extends z.ZodType, D extends z.ZodType, L extends z.ZodType, C extends z.ZodType>(f: {
  time: T;
  date: D;
  legalStep: L;
  categories: C;
}) => ({
  occurredAt: f.time,
  roomId: Id.nullable().default(null),
  address: text(500).default(''),
  categories: f.categories,
  otherCategory: text(200).default(''),
  /** Null: take the level the categories suggest. */
  level: Level.nullable().default(null),
  /** Required when the level differs from the suggestion. */
  levelReason: text(1000).default(''),
  description: text(10000).default(''),
  causer: causer(f.date).default({
    known: false,
    lastName: '',
    firstName: '',
    birthDate: null,
    address: '',
    description: '',
  }),
  witnesses: text(2000).default(''),
  injuries: text(2000).default(''),
  policeInvolved: z.boolean().default(false),
  /**
   * The reporter asks for a Strafanzeige/Strafantrag. Below the register threshold (an insult,
   * § 185 StGB, is prosecuted only on request) the report then goes to the supervisor and HR
   * instead of being reduced to the anonymous count at once; it never enters the register.
   */
  wantsComplaint: z.boolean().default(false),
  legal: legalSteps(f.legalStep).default({ strafanzeige: null, strafantrag: null, hausverbot: null }),
  evidence: evidenceForms(f.time).default({ threatCall: null, letter: null, online: null }),
  /** The alarm this report follows up, when filed from a resolved alarm. */
  alarmId: Id.nullable().default(null),
});

/** A draft, as typed: what the create and update of a report accept. */
export const ReportInput = z
  .object(
    reportFields({
      time: Typed.default(''),
      date: Typed,
      legalStep: z.object({ date: Typed.default(''), reference: text(200).default('') }).strict(),
      categories: z.array(IncidentCategory).max(incidentCategories.length).default([]),
    }),
  )
  .strict();
export type ReportInput = z.infer<typeof ReportInput>;
export type ReportInputDraft = z.input<typeof ReportInput>;

/** A report ready to leave the reporter: checked at submission, field by field. */
export const CompleteReport = z
  .object(
    reportFields({
      time: At,
      date: IsoDate,
      legalStep: LegalStep,
      categories: z
        .array(IncidentCategory)
        .min(1, 'Bitte mindestens eine Kategorie wählen')
        .max(incidentCategories.length),
    }),
  )
  .strict();
export type CompleteReport = z.infer<typeof CompleteReport>;

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
/** How a debrief names the person affected to someone who may not know who it was. */
export const anonymousAffected = 'Betroffene Person';
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

/** A room anyone filing a report may pick: building · floor · room. */
export const Place = z.object({ roomId: Id, label: z.string() });
export type Place = z.infer<typeof Place>;

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

/**
 * HR closes a report below the register threshold that the reporter wanted charged: the
 * Strafanzeige/Strafantrag was filed (with date and reference), or HR decided against it (with
 * the reason). Either way the report is then reduced to the anonymous count.
 */
export const CloseComplaintInput = z.discriminatedUnion('decision', [
  z
    .object({
      decision: z.literal('filed'),
      strafanzeige: LegalStep.nullable().default(null),
      strafantrag: LegalStep.nullable().default(null),
      comment: text(2000).default(''),
    })
    .strict()
    .refine((c) => c.strafanzeige || c.strafantrag, {
      message: 'Strafanzeige oder Strafantrag mit Datum und Aktenzeichen angeben',
    }),
  z
    .object({
      decision: z.literal('declined'),
      // `prefault`: a missing reason gets the same message as an empty one.
      comment: text(2000)
        .min(1, 'Bitte begründen, warum keine Strafanzeige und kein Strafantrag gestellt wird')
        .prefault(''),
    })
    .strict(),
]);
export type CloseComplaintInput = z.infer<typeof CloseComplaintInput>;

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

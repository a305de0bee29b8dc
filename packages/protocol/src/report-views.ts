import { z } from 'zod';
import { Id, IsoDate, Timestamp } from './common.js';
import {
  Attachment,
  Causer,
  HelpOffer,
  IncidentCategory,
  LegalSteps,
  Level,
  ReportInput,
  ReportStatus,
  ReportTransition,
  Warning,
} from './reports.js';

/** What a viewer may do next with a report, for the UI's buttons. */
export const reportActions = [
  'edit',
  'submit',
  'approve',
  'return',
  'file_complaint',
  'close_complaint',
  'quality_check',
  'publish',
  'archive',
] as const;
export const ReportAction = z.enum(reportActions);
export type ReportAction = z.infer<typeof ReportAction>;

/**
 * A report as those who may know the reporter see it: the reporter, the supervisor of the
 * reporter's department, HR. Drafts hold what was typed (see `ReportInput`).
 */
export const FullReport = ReportInput.extend({
  view: z.literal('full'),
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
  /**
   * Below the register threshold and sent on only for the Strafanzeige/Strafantrag the reporter
   * asked for: supervisor and HR see it, the central unit never; after HR's decision only the
   * anonymous count remains. Fixed at submission.
   */
  complaintOnly: z.boolean(),
  /**
   * § 77b StGB: the last day for a Strafantrag, three months from the day of the incident (the
   * day the person attacked learned of the act; later if the causer became known only later).
   * Null while a draft has no valid time.
   */
  strafantragDeadline: IsoDate.nullable(),
  actions: z.array(ReportAction),
});
export type FullReport = z.infer<typeof FullReport>;

/** A workflow step as the central unit sees it: the day, never the time. */
export const CentralTransition = ReportTransition.omit({ at: true }).extend({ on: IsoDate });
export type CentralTransition = z.infer<typeof CentralTransition>;

/**
 * A report as the central unit sees it (quality check, publication, the review where a
 * department has no supervisor). Built from an allow-list of what that work needs, and nothing
 * that leads back to the reporter: no reporter, no alarm, no room (only its building and
 * department, as the warning will show them), no address, phone line, witnesses or injuries,
 * no evidence files, and days instead of times, so nothing can be matched to the second with an
 * alarm the central unit received or a login it knows of.
 */
export const CentralReport = z.object({
  view: z.literal('central'),
  id: Id,
  status: ReportStatus,
  level: Level,
  suggestedLevel: Level,
  levelReason: z.string(),
  categories: z.array(IncidentCategory),
  otherCategory: z.string(),
  /** The reporter's department: questions go back through its supervisor. */
  departmentId: Id.nullable(),
  /** Building and department of the incident's room; null when it happened outside a room. */
  place: z.object({ building: z.string(), department: z.string() }).nullable(),
  occurredOn: IsoDate,
  description: z.string(),
  causer: Causer,
  policeInvolved: z.boolean(),
  legal: LegalSteps,
  evidence: z.object({
    threatCall: z
      .object({
        on: IsoDate,
        callerNumber: z.string(),
        voice: z.string(),
        background: z.string(),
        wording: z.string(),
      })
      .nullable(),
    letter: z
      .object({ receivedOn: IsoDate, deliveredBy: z.string(), sender: z.string(), content: z.string() })
      .nullable(),
    online: z
      .object({ on: IsoDate, url: z.string(), platform: z.string(), account: z.string(), content: z.string() })
      .nullable(),
  }),
  /** How many evidence files the report has; the files stay with the reporter, supervisor and HR. */
  attachmentCount: z.number().int(),
  transitions: z.array(CentralTransition),
  warning: Warning.nullable(),
  actions: z.array(ReportAction),
});
export type CentralReport = z.infer<typeof CentralReport>;

/** A report as one viewer may see it: `view` says which. */
export const Report = z.discriminatedUnion('view', [FullReport, CentralReport]);
export type Report = z.infer<typeof Report>;

/** A line of a report list: days, not times (the central unit reads these lists too). */
export const ReportSummary = z.object({
  id: Id,
  status: ReportStatus,
  /** Null while a draft has no valid time. */
  occurredOn: IsoDate.nullable(),
  categories: z.array(IncidentCategory),
  level: Level,
  departmentId: Id.nullable(),
  updatedOn: IsoDate,
  mine: z.boolean(),
  complaintOnly: z.boolean(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

/**
 * Submitting answers with what happens next and the help offers: below the threshold the
 * zero-tolerance reminder (statistics only), or the way to the Strafanzeige/Strafantrag.
 */
export const SubmitResult = z.object({
  report: FullReport.nullable(),
  statisticsOnly: z.boolean(),
  complaintOnly: z.boolean(),
  notice: z.string().nullable(),
  helpOffers: z.array(HelpOffer),
});
export type SubmitResult = z.infer<typeof SubmitResult>;

/** HR's decision on a report below the threshold: the report is gone, its anonymous count stays. */
export const ComplaintClosed = z.object({
  reduced: z.literal(true),
  decision: z.enum(['filed', 'declined']),
});
export type ComplaintClosed = z.infer<typeof ComplaintClosed>;

/**
 * A debrief task. Where the viewer may not know who was affected (the central unit holding a
 * debrief nobody else could take), it carries no report or alarm id and reads "Betroffene
 * Person (department)". Days, not times.
 */
export const AftercareTask = z.object({
  id: Id,
  kind: z.enum(['debrief']),
  reportId: Id.nullable(),
  alarmId: Id.nullable(),
  affectedPerson: z.string(),
  createdOn: IsoDate,
  dueOn: IsoDate,
  doneAt: Timestamp.nullable(),
  note: z.string(),
});
export type AftercareTask = z.infer<typeof AftercareTask>;

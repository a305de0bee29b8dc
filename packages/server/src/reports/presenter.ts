import {
  anonymousAffected,
  reporterRole,
  systemRole,
  type AftercareTask,
  type Attachment,
  type FullReport,
  type HelpOffer,
  type Level,
  type PublishInput,
  type ReportInput,
  type ReportStatus,
  type ReportSummary,
  type Warning,
} from '@wachsam/protocol';
import { addMonths, dayOf } from '../dates.js';
import type { HelpOfferRow, TaskRow } from './aftercare-repository.js';
import type { AttachmentMeta, ReportRow } from './repository.js';
import type { ReportAction } from './workflow.js';

/** Who a system transition names: the archiving of a warning whose retention ran out. */
export const systemActor = 'Meldesystem (Aufbewahrungsfrist)';

const berlinMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit' });

/** The calendar month (local time of the organisation, Europe/Berlin) an incident happened in: "YYYY-MM". */
export function monthOf(at: Date): string {
  const parts = berlinMonth.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}`;
}

export interface TransitionRow {
  fromStatus: string;
  toStatus: string;
  at: Date;
  actorPersonId: string | null;
  actorRole: string;
  comment: string;
}

/** The instant a form field holds, or null while it is not a valid time (a draft as typed). */
export function instantOf(text: string): Date | null {
  const ms = Date.parse(text);
  return text.trim() === '' || Number.isNaN(ms) ? null : new Date(ms);
}

/**
 * § 77b StGB: a Strafantrag is due within three months. The period starts at the end of the day
 * the person learned of the act and the causer and ends with the day of the same number three
 * months later (§§ 187 (1), 188 (2), (3) BGB: 30 November → 28/29 February). Counted from the
 * day of the incident, the earliest it can start.
 */
export const strafantragDeadline = (occurredAt: Date): string => addMonths(dayOf(occurredAt), 3);

export interface ReportView {
  row: ReportRow;
  input: ReportInput;
  suggestedLevel: Level;
  reporterName: string;
  transitions: TransitionRow[];
  names: Map<string, string>;
  attachments: AttachmentMeta[];
  actions: ReportAction[];
}

export const presentAttachment = (a: AttachmentMeta): Attachment => ({
  id: a.id,
  name: a.name,
  mime: a.mime,
  size: a.size,
  sha256: a.sha256,
  uploadedAt: a.uploadedAt.toISOString(),
});

/**
 * A report as those who may know the reporter see it (the reporter, the supervisor, HR): the
 * form as the schema of `ReportInput` parsed it, and the workflow around it. The central unit
 * gets `presentCentralReport` instead.
 */
export function presentReport(v: ReportView): FullReport {
  const { row, input } = v;
  const occurred = row.status === 'draft' ? instantOf(input.occurredAt) : row.occurredAt;
  return {
    ...input,
    view: 'full',
    id: row.id,
    status: row.status as ReportStatus,
    level: row.level,
    suggestedLevel: v.suggestedLevel,
    departmentId: row.departmentId,
    reporter: { personId: row.reporterPersonId, name: v.reporterName },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    transitions: v.transitions.map((t) => ({
      from: t.fromStatus as ReportStatus,
      to: t.toStatus as ReportStatus,
      at: t.at.toISOString(),
      actor:
        t.actorRole === reporterRole
          ? v.reporterName
          : t.actorRole === systemRole
            ? systemActor
            : ((t.actorPersonId && v.names.get(t.actorPersonId)) ?? 'unbekannt'),
      role: t.actorRole,
      comment: t.comment,
    })),
    attachments: v.attachments.map(presentAttachment),
    warning: publishedWarning(row),
    complaintOnly: row.complaintOnly,
    strafantragDeadline: occurred ? strafantragDeadline(occurred) : null,
    actions: v.actions,
  };
}

/**
 * The warning as it was published: stored once from the allow-list in `presentWarning`, so
 * everyone who may read the report sees exactly what every employee was shown. Only from
 * publication on; a report returned or still in review has none.
 */
export function publishedWarning(row: ReportRow): Warning | null {
  if ((row.status !== 'published' && row.status !== 'archived') || !row.warning) return null;
  return row.warning as Warning;
}

/** A line of a report list, with days instead of times: the central unit reads these lists too. */
export function presentSummary(row: ReportRow, viewerId: string): ReportSummary {
  const typed = row.status === 'draft' && typeof row.data.occurredAt === 'string' ? row.data.occurredAt : null;
  const occurred = row.status === 'draft' ? instantOf(typed ?? '') : row.occurredAt;
  return {
    id: row.id,
    status: row.status as ReportStatus,
    occurredOn: occurred ? dayOf(occurred) : null,
    categories: row.categories as ReportSummary['categories'],
    level: row.level,
    departmentId: row.departmentId,
    updatedOn: dayOf(row.updatedAt),
    mine: row.reporterPersonId === viewerId,
    complaintOnly: row.complaintOnly,
  };
}

/**
 * The published warning: the only view of a report that leaves the reviewers' circle. Every
 * field is named here from an allow-list: the incident's month (not the day), level and
 * categories, the room's department and building, the causer's name and birth date, and the
 * text the central unit wrote, including the causer's description. Never the reporter, the
 * report's id, witnesses, injuries, the reporter's own texts, the address or evidence.
 */
export function presentWarning(
  id: string,
  row: ReportRow,
  input: ReportInput,
  place: { department: string; building: string },
  text: PublishInput,
  publishedAt: Date,
): Warning {
  return {
    id,
    publishedAt: publishedAt.toISOString(),
    occurredMonth: monthOf(row.occurredAt),
    level: row.level,
    categories: input.categories,
    department: place.department,
    building: place.building,
    person: {
      known: input.causer.known,
      lastName: input.causer.known ? input.causer.lastName : '',
      firstName: input.causer.known ? input.causer.firstName : '',
      birthDate: input.causer.known ? input.causer.birthDate : null,
      description: text.personDescription,
    },
    summary: text.summary,
    measures: text.measures,
  };
}

export const presentHelpOffer = (r: HelpOfferRow): HelpOffer => ({
  id: r.id,
  title: r.title,
  description: r.description,
  contact: r.contact,
  sortOrder: r.sortOrder,
  active: r.active,
});

/**
 * A debrief task. `affected` is the person's name, or hidden where the viewer may not know who
 * was affected (the central unit holding a debrief nobody else could take): then it reads
 * "Betroffene Person (department)" and names neither the report nor the alarm, whose ids would
 * lead back to the person. Days, not times: the task is made when the alarm is resolved or the
 * report submitted, to the millisecond.
 */
export const presentTask = (
  t: TaskRow,
  affected: { firstName: string | null; lastName: string | null } | { hidden: true; department: string | null },
): AftercareTask => {
  const hidden = 'hidden' in affected;
  return {
    id: t.id,
    kind: 'debrief',
    reportId: hidden ? null : t.reportId,
    alarmId: hidden ? null : t.alarmId,
    affectedPerson: hidden
      ? affected.department
        ? `${anonymousAffected} (${affected.department})`
        : anonymousAffected
      : affected.lastName
        ? `${affected.firstName ?? ''} ${affected.lastName}`.trim()
        : 'unbekannt',
    createdOn: dayOf(t.createdAt),
    dueOn: dayOf(t.dueAt),
    doneAt: t.doneAt?.toISOString() ?? null,
    note: t.note,
  };
};

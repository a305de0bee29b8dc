import {
  anonymousReporter,
  reporterRole,
  systemRole,
  type AftercareTask,
  type Attachment,
  type HelpOffer,
  type Level,
  type PublishInput,
  type Report,
  type ReportInput,
  type ReportStatus,
  type ReportSummary,
  type Warning,
} from '@wachsam/protocol';
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

export interface ReportView {
  row: ReportRow;
  input: ReportInput;
  suggestedLevel: Level;
  /** Null when the viewer may not know who reported. */
  reporterName: string | null;
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
 * A report as one viewer may see it. Where the viewer may not know the reporter, the reporter
 * and the reporter's own steps read "Meldende Person" and carry no person id.
 */
export function presentReport(v: ReportView): Report {
  const { row, input } = v;
  const hidden = v.reporterName === null;
  return {
    ...input,
    id: row.id,
    status: row.status as ReportStatus,
    level: row.level,
    suggestedLevel: v.suggestedLevel,
    departmentId: row.departmentId,
    reporter: hidden
      ? { personId: null, name: anonymousReporter }
      : { personId: row.reporterPersonId, name: v.reporterName ?? anonymousReporter },
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
          ? hidden
            ? anonymousReporter
            : (v.reporterName ?? anonymousReporter)
          : t.actorRole === systemRole
            ? systemActor
            : ((t.actorPersonId && v.names.get(t.actorPersonId)) ?? 'unbekannt'),
      role: t.actorRole,
      comment: t.comment,
    })),
    attachments: v.attachments.map(presentAttachment),
    warning: publishedWarning(row),
    actions: v.actions,
  };
}

/**
 * The warning as it was published: stored once from the allow-list in `presentWarning`, so
 * everyone who may read the report sees exactly what every employee was shown. Only from
 * publication on; a report returned or still in review has none.
 */
function publishedWarning(row: ReportRow): Warning | null {
  if ((row.status !== 'published' && row.status !== 'archived') || !row.warning) return null;
  return row.warning as Warning;
}

export const presentSummary = (row: ReportRow, viewerId: string): ReportSummary => ({
  id: row.id,
  status: row.status as ReportStatus,
  occurredAt: row.occurredAt.toISOString(),
  categories: row.categories as ReportSummary['categories'],
  level: row.level,
  departmentId: row.departmentId,
  updatedAt: row.updatedAt.toISOString(),
  mine: row.reporterPersonId === viewerId,
});

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
 * A debrief task. `affected` is the person's name, or null where the viewer may not know who
 * reported (the central unit holding a report's debrief nobody else could take): then it reads
 * "Meldende Person", with the report's department where it has one.
 */
export const presentTask = (
  t: TaskRow,
  affected: { firstName: string | null; lastName: string | null } | { hidden: true; department: string | null },
): AftercareTask => ({
  id: t.id,
  kind: 'debrief',
  reportId: t.reportId,
  alarmId: t.alarmId,
  affectedPerson:
    'hidden' in affected
      ? affected.department
        ? `${anonymousReporter} (${affected.department})`
        : anonymousReporter
      : affected.lastName
        ? `${affected.firstName ?? ''} ${affected.lastName}`.trim()
        : 'unbekannt',
  createdAt: t.createdAt.toISOString(),
  dueAt: t.dueAt.toISOString(),
  doneAt: t.doneAt?.toISOString() ?? null,
  note: t.note,
});

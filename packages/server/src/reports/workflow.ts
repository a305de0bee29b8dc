import { reportStatusLabels, reportStatuses, type ReportAction, type ReportStatus, type Role } from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/errors.js';

/** Reports are a matter of people: every report route is a session route. */
export type Person = Extract<Actor, { kind: 'person' }>;
export function asPerson(actor: Actor): Person {
  if (actor.kind !== 'person') throw new AppError('forbidden', 'Nur für angemeldete Personen');
  return actor;
}

export type { ReportAction };
export type StepName = Exclude<ReportAction, 'edit'>;

/** Who looks at a report: the person, their roles and their department (from `people`). */
export interface Viewer {
  personId: string;
  roles: readonly Role[];
  departmentId: string | null;
}

/** What the workflow needs to know about a report. */
export interface ReportState {
  /** As stored; one of `reportStatuses`. */
  status: string;
  reporterPersonId: string | null;
  departmentId: string | null;
  /** Below the register threshold, sent on only for the Strafanzeige/Strafantrag (see `steps`). */
  complaintOnly: boolean;
}

/**
 * A report as a reviewing step sees it: does its department have a supervisor who is not the
 * reporter? Without one (no supervisor, no department, or the only supervisor reported) the
 * central unit reviews in the supervisor's place, so the report does not wait forever; for a
 * report that only goes on for the Strafanzeige/Strafantrag, HR does (the central unit never
 * sees those).
 */
export interface ReviewState extends ReportState {
  supervised: boolean;
}

type Party = 'reporter' | 'supervisor' | 'hr' | 'security_management';

/** What became of a report below the threshold once HR decided: deleted, its anonymous count kept. */
export const reduced = 'reduced';
/**
 * Which reports a step belongs to: `register` the way to publication and the register (levels
 * 2–3), `complaint` a report below the threshold the reporter wanted charged.
 */
type Track = 'register' | 'complaint';

/**
 * The state machine of the Kommunikationsschaubild (seed 003): reporter → supervisor (QS and
 * release, or back to the reporter) → HR (Strafanzeige) → central unit (QS, publication) →
 * archive. Below the register threshold, when the reporter asks for a Strafanzeige/Strafantrag:
 * reporter → supervisor → HR, who records the complaint (or decides against it), and the report
 * is reduced to the anonymous count. A step not listed here does not exist.
 */
export const steps: Record<
  StepName,
  { from: ReportStatus; to: ReportStatus | typeof reduced; by: Party; track?: Track }
> = {
  submit: { from: 'draft', to: 'submitted', by: 'reporter' },
  approve: { from: 'submitted', to: 'approved', by: 'supervisor' },
  return: { from: 'submitted', to: 'draft', by: 'supervisor' },
  file_complaint: { from: 'approved', to: 'complaint_filed', by: 'hr', track: 'register' },
  close_complaint: { from: 'approved', to: reduced, by: 'hr', track: 'complaint' },
  quality_check: { from: 'complaint_filed', to: 'quality_checked', by: 'security_management', track: 'register' },
  publish: { from: 'quality_checked', to: 'published', by: 'security_management', track: 'register' },
  archive: { from: 'published', to: 'archived', by: 'security_management', track: 'register' },
};

const trackOf = (r: ReportState): Track => (r.complaintOnly ? 'complaint' : 'register');
const onTrack = (r: ReportState, step: StepName) => (steps[step].track ?? trackOf(r)) === trackOf(r);

const rank = (s: string) => reportStatuses.indexOf(s as ReportStatus);
export const statusesFrom = (s: ReportStatus): ReportStatus[] => reportStatuses.filter((x) => rank(x) >= rank(s));

const has = (v: Viewer, role: Role) => v.roles.includes(role);
const isReporter = (v: Viewer, r: ReportState) => r.reporterPersonId !== null && r.reporterPersonId === v.personId;
const supervises = (v: Viewer, r: ReportState) =>
  has(v, 'supervisor') && v.departmentId !== null && v.departmentId === r.departmentId;

/**
 * Who may read a report. The reporter always; the supervisor of the reporter's department from
 * submission on; HR from the supervisor's release on (and from submission on where it stands in
 * for a missing supervisor); the central unit everything but drafts (a draft is the reporter's
 * own until submitted) and reports that only go on for the Strafanzeige/Strafantrag. Everybody
 * else learns nothing, not even that the report exists (the service answers 404).
 */
export function maySee(v: Viewer, r: ReviewState): boolean {
  if (isReporter(v, r)) return true;
  if (supervises(v, r) && rank(r.status) >= rank('submitted')) return true;
  if (has(v, 'hr') && rank(r.status) >= rank('approved')) return true;
  if (r.status === 'submitted' && standsIn(v, r)) return true;
  return has(v, 'security_management') && r.status !== 'draft' && !r.complaintOnly;
}

/**
 * Who sees the reporter's identity. The reporter, the supervisor (who holds the debrief) and
 * HR (who files the complaint, where the reporter is the witness). The central unit does the
 * quality check and writes the warning: neither needs to know who reported, so it sees
 * "Meldende Person" (data minimisation; § 12 DSG NRW lets the identity be withheld). Questions
 * go back through the supervisor, whose department the report names.
 */
export function seesReporter(v: Viewer, r: ReportState): boolean {
  return isReporter(v, r) || supervises(v, r) || has(v, 'hr');
}

/**
 * Who stands in for the supervisor of a department that has none besides the reporter: the
 * central unit, or HR for a report that only goes on for the Strafanzeige/Strafantrag.
 */
const standIn = (r: ReviewState): Role => (r.complaintOnly ? 'hr' : 'security_management');
function standsIn(v: Viewer, r: ReviewState): boolean {
  return !r.supervised && has(v, standIn(r));
}

/**
 * May this viewer take this step on this report now (status aside)? Reviewers never review
 * their own report: a supervisor who reported is released by another supervisor, or by the
 * central unit where there is none (four eyes, never the reporter).
 */
export function mayTake(v: Viewer, r: ReviewState, step: StepName): boolean {
  if (!onTrack(r, step)) return false;
  const by = steps[step].by;
  if (by === 'reporter') return isReporter(v, r);
  if (isReporter(v, r)) return false;
  if (by === 'supervisor') return supervises(v, r) || standsIn(v, r);
  return has(v, by);
}

/** What the viewer may do now, for the UI's buttons. */
export function actionsFor(v: Viewer, r: ReviewState): ReportAction[] {
  const out: ReportAction[] = [];
  if (r.status === 'draft' && isReporter(v, r)) out.push('edit');
  for (const [name, step] of Object.entries(steps) as Array<[StepName, (typeof steps)[StepName]]>)
    if (step.from === r.status && mayTake(v, r, name)) out.push(name);
  return out;
}

/** Settle a step: allowed for this viewer, and the report in the state the step starts from. */
export function checkStep(
  v: Viewer,
  r: ReviewState,
  step: StepName,
): { from: ReportStatus; to: ReportStatus | typeof reduced } {
  if (!onTrack(r, step))
    throw new AppError(
      'invalid_transition',
      r.complaintOnly
        ? 'Diese Meldung liegt unter der Registerschwelle und geht nur zur Strafanzeige/zum Strafantrag: das Personalmanagement schließt sie ab, sie wird weder veröffentlicht noch ins Register übernommen'
        : 'Dieser Schritt gilt nur für Meldungen unterhalb der Registerschwelle',
    );
  if (!mayTake(v, r, step))
    throw new AppError(
      'forbidden',
      steps[step].by === 'reporter'
        ? 'Nur die meldende Person kann diesen Schritt ausführen'
        : isReporter(v, r)
          ? 'Eigene Meldungen prüft eine andere Person; dieser Schritt steht Ihnen hier nicht zu'
          : 'Diese Meldung prüft die vorgesetzte Person ihrer Abteilung; dieser Schritt steht Ihnen hier nicht zu',
    );
  const { from, to } = steps[step];
  if (r.status !== from)
    throw new AppError(
      'invalid_transition',
      `Die Meldung ist im Status „${reportStatusLabels[r.status as ReportStatus]}“; dieser Schritt ist nur im Status „${reportStatusLabels[from]}“ möglich`,
    );
  return { from, to };
}

/**
 * The role recorded for a step: the role that allowed it, or "reporter" for the reporter's own.
 * A supervisor's step taken by the central unit (or HR) in the supervisor's place names that role.
 */
export function roleOfStep(v: Viewer, r: ReviewState, step: StepName): string {
  const by = steps[step].by;
  return by === 'supervisor' && !supervises(v, r) && standsIn(v, r) ? standIn(r) : by;
}

import {
  anonymousReporter,
  reporterRole,
  systemRole,
  type CentralReport,
  type Causer,
  type LegalSteps,
  type Level,
  type ReportInput,
  type ReportStatus,
} from '@wachsam/protocol';
import { dayOf } from '../dates.js';
import { instantOf, publishedWarning, systemActor, type TransitionRow } from './presenter.js';
import type { ReportRow } from './repository.js';
import type { ReportAction } from './workflow.js';

export interface CentralView {
  row: ReportRow;
  input: ReportInput;
  suggestedLevel: Level;
  /** Building and department of the incident's room, as the warning will show them. */
  place: { building: string; department: string } | null;
  transitions: TransitionRow[];
  /** Names of the reviewers who acted (never the reporter's). */
  names: Map<string, string>;
  attachmentCount: number;
  actions: ReportAction[];
}

/** The day of a time the reporter typed (a call, a letter, a post); the incident's day if it is not one. */
const dayOfTyped = (text: string, fallback: Date): string => dayOf(instantOf(text) ?? fallback);

/**
 * The report as the central unit sees it, field by field from an allow-list: what the quality
 * check, the publication and a register entry need, and nothing that leads back to the person
 * who reported. Left out on purpose: the reporter, the alarm the report follows up, the room
 * (only its building and department), the address, the phone line a threatening call came in
 * on, witnesses, injuries, evidence files (only how many there are), and every time of day:
 * the central unit may have received the alarm, with the sender's name and the time to the
 * second, and must not be able to match the two. A field added to the form stays out of this
 * view until it is named here.
 */
export function presentCentralReport(v: CentralView): CentralReport {
  const { row, input } = v;
  const ev = input.evidence;
  const occurred = row.occurredAt;
  return {
    view: 'central',
    id: row.id,
    status: row.status as ReportStatus,
    level: row.level,
    suggestedLevel: v.suggestedLevel,
    levelReason: input.levelReason,
    categories: input.categories,
    otherCategory: input.otherCategory,
    departmentId: row.departmentId,
    place: v.place,
    occurredOn: dayOf(occurred),
    description: input.description,
    // Submitted reports were checked against `CompleteReport`: dates are dates, steps complete.
    causer: input.causer as Causer,
    policeInvolved: input.policeInvolved,
    legal: input.legal as LegalSteps,
    evidence: {
      threatCall: ev.threatCall && {
        on: dayOfTyped(ev.threatCall.at, occurred),
        callerNumber: ev.threatCall.callerNumber,
        voice: ev.threatCall.voice,
        background: ev.threatCall.background,
        wording: ev.threatCall.wording,
      },
      letter: ev.letter && {
        receivedOn: dayOfTyped(ev.letter.receivedAt, occurred),
        deliveredBy: ev.letter.deliveredBy,
        sender: ev.letter.sender,
        content: ev.letter.content,
      },
      online: ev.online && {
        on: dayOfTyped(ev.online.at, occurred),
        url: ev.online.url,
        platform: ev.online.platform,
        account: ev.online.account,
        content: ev.online.content,
      },
    },
    attachmentCount: v.attachmentCount,
    transitions: v.transitions.map((t) => ({
      from: t.fromStatus as ReportStatus,
      to: t.toStatus as ReportStatus,
      on: dayOf(t.at),
      actor:
        t.actorRole === reporterRole
          ? anonymousReporter
          : t.actorRole === systemRole
            ? systemActor
            : ((t.actorPersonId && v.names.get(t.actorPersonId)) ?? 'unbekannt'),
      role: t.actorRole,
      comment: t.comment,
    })),
    warning: publishedWarning(row),
    actions: v.actions,
  };
}

import { fixedRetention, retentionBounds, type ZemagSettings } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { addDays, addMonths, dayOf } from '../dates.js';
import { loadSettings } from '../reports/settings.js';

/**
 * The retention policy of an organisation as instants: whatever lies before its cutoff is
 * expired. Every domain reads with these (an expired row is invisible at once) and deletes with
 * them (the retention job), so reading and deleting can never disagree.
 *
 * Defaults and bounds (protocol `retentionBounds`), for a German public body:
 * - Alarms, 90 days after they ended (30 days – 2 years): long enough for the debrief, an
 *   accident report to the Unfallkasse and a complaint about the response; an alarm a kept
 *   report names is kept as long as that report (the report is the record, the alarm its proof).
 * - Reports above the threshold, 24 months after their last workflow step (6 – 60 months): the
 *   step is the archiving for a published warning, which is first archived after the register's
 *   retention. 60 months is the limitation period of the offences a report documents
 *   (§ 78 Abs. 3 Nr. 4 StGB: bodily harm, threat, coercion); beyond it no proceeding needs it.
 * - Drafts, 90 days after their last change (30 – 365 days): the reporter's own notes.
 * - Audit log, 12 months (6 – 36 months): long enough for a yearly control.
 * - Last known positions, 24 hours (fixed; a position older than 12 hours is already unused).
 * Days-based cutoffs for alarms and positions are exact instants; month- and draft-based ones
 * fall on midnight of the day (Europe/Berlin), like the register's dates, so a deletion that
 * rewrites a table (evidence files) happens at most once a day.
 */
export interface Cutoffs {
  /** Alarms that ended before this are expired, unless a kept report names them. */
  alarmsEndedBefore: Date;
  /** Reports past drafting (other than published warnings) whose last step was before this. */
  reportsChangedBefore: Date;
  /** Drafts last changed before this. */
  draftsChangedBefore: Date;
  /** Audit entries older than this. */
  auditBefore: Date;
  /** Last known positions stored before this. */
  lastPositionBefore: Date;
}

type Periods = Pick<
  ZemagSettings,
  'alarmRetentionDays' | 'reportRetentionMonths' | 'draftRetentionDays' | 'auditRetentionMonths'
>;

const dayMs = 24 * 3600_000;
const midnight = (day: string) => new Date(`${day}T00:00:00Z`);

export function cutoffsOf(p: Periods, now: Date): Cutoffs {
  const today = dayOf(now);
  return {
    alarmsEndedBefore: new Date(now.getTime() - p.alarmRetentionDays * dayMs),
    reportsChangedBefore: midnight(addMonths(today, -p.reportRetentionMonths)),
    draftsChangedBefore: midnight(addDays(today, -p.draftRetentionDays)),
    auditBefore: midnight(addMonths(today, -p.auditRetentionMonths)),
    lastPositionBefore: new Date(now.getTime() - fixedRetention.lastPositionHours * 3600_000),
  };
}

/** The organisation's cutoffs now (its settings, or the defaults). */
export async function cutoffsFor(ex: Executor, orgId: string, now: Date): Promise<Cutoffs> {
  return cutoffsOf(await loadSettings(ex, orgId), now);
}

/** Cutoffs for what belongs to no organisation (installation-wide audit entries): the defaults. */
export const defaultCutoffs = (now: Date): Cutoffs =>
  cutoffsOf(
    {
      alarmRetentionDays: retentionBounds.alarmRetentionDays.default,
      reportRetentionMonths: retentionBounds.reportRetentionMonths.default,
      draftRetentionDays: retentionBounds.draftRetentionDays.default,
      auditRetentionMonths: retentionBounds.auditRetentionMonths.default,
    },
    now,
  );

/**
 * No setting keeps an alarm for less than this after it ended: an alarm that ended later is
 * kept whatever the organisation set, so the alarm path needs no settings read to know it.
 */
export const shortestAlarmRetentionMs = retentionBounds.alarmRetentionDays.min * dayMs;

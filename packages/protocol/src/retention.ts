import { z } from 'zod';

/**
 * Retention of personal data: how long each kind is kept, within which bounds an organisation
 * may set it, and what starts the clock. The server enforces every period twice: a job deletes
 * (rows, not flags) and every read leaves out what is past its period before the job has run.
 */

interface Bound {
  min: number;
  max: number;
  default: number;
  /** The German unit as it reads after a number ("90 Tage"; "zwischen 30 und 90 Tagen" adds the n). */
  unit: 'Tage' | 'Monate';
  /** The data, as the refusal names it. */
  what: string;
}

/**
 * The periods an organisation sets (on the ZeMAG settings page), with their legal bounds. The
 * reasons for each bound are in the server's `retention/policy.ts` and the README.
 */
export const retentionBounds = {
  /** Alarms with their receivers, answers, messages, positions and realtime events, after the alarm ended. */
  alarmRetentionDays: { min: 30, max: 730, default: 90, unit: 'Tage', what: 'Alarme' },
  /** Reports above the threshold with evidence and workflow, after their last workflow step. */
  reportRetentionMonths: { min: 6, max: 60, default: 24, unit: 'Monate', what: 'Meldungen' },
  /** Drafts never submitted (or returned and left), after their last change. */
  draftRetentionDays: { min: 30, max: 365, default: 90, unit: 'Tage', what: 'Entwürfe' },
  /** The audit log (who did what, without content), after the entry. */
  auditRetentionMonths: { min: 6, max: 36, default: 12, unit: 'Monate', what: 'Protokoll' },
  /** The register's periods (§ 3 BSchG NRW gives none; these are the organisation's). */
  registerReviewMonths: { min: 1, max: 60, default: 12, unit: 'Monate', what: 'Registerprüfung' },
  registerRetentionMonths: { min: 1, max: 120, default: 24, unit: 'Monate', what: 'Registereinträge' },
  deletionWarningDays: { min: 1, max: 180, default: 30, unit: 'Tage', what: 'Warnung vor der Löschung' },
} as const satisfies Record<string, Bound>;
export type RetentionSetting = keyof typeof retentionBounds;

/**
 * Periods that are fixed, not settings: shown read-only. The access log controls the central
 * unit's own lookups, so the central unit must not shorten it (§ 21a BZRG, § 40 BMG: one year).
 */
export const fixedRetention = {
  /** Register access log: months after the lookup, unless data protection holds it for a control. */
  accessLogMonths: 12,
  /** A person's last known position: hours after it was stored (used for 12 h only). */
  lastPositionHours: 24,
  /** Realtime events (the delivery stream): days after the event, and never longer than their alarm. */
  eventDays: 30,
} as const;

/** "1 Tag", "90 Tage". */
const amount = (n: number, unit: Bound['unit']) => `${n} ${n === 1 ? unit.slice(0, -1) : unit}`;

/** One period as a zod field: a whole number within its bounds, refused with a German sentence naming data and bounds. */
export function retentionPeriod(key: RetentionSetting) {
  const b: Bound = retentionBounds[key];
  const range = `zwischen ${b.min} und ${b.max} ${b.unit}n`;
  const whole = `${b.what}: bitte eine ganze Zahl angeben (${range})`;
  return z
    .number({ error: whole })
    .int({ error: whole })
    .min(b.min, { error: `${b.what}: mindestens ${amount(b.min, b.unit)} – erlaubt sind ${range}` })
    .max(b.max, { error: `${b.what}: höchstens ${amount(b.max, b.unit)} – erlaubt sind ${range}` })
    .default(b.default);
}

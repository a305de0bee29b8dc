import { CompleteReport, suggestLevel, type Level, type LevelMapping, type ReportInput } from '@wachsam/protocol';
import { AppError } from '../http/errors.js';

type Issue = { path: string; message: string };

/**
 * The level a report gets: the one its categories suggest under the organisation's mapping, or
 * the one the reporter chose. A draft keeps a different level without its reason; the reason is
 * asked for at submission (the Aachener Modell is a guide, not a verdict).
 */
export function levelOf(input: ReportInput, mapping: Partial<LevelMapping>): { level: Level; suggested: Level } {
  const suggested = suggestLevel(input.categories, mapping);
  return { level: input.level ?? suggested, suggested };
}

/**
 * A draft checked for submission: every field against `CompleteReport` (a date that is a date, a
 * legal step with its date and reference, a category), and what a report needs before it leaves
 * the reporter: what happened, where, who (if known), a reason for a level that differs from the
 * suggestion. Every problem is named with its field, in one answer, so the form can mark them
 * all; nothing is stored while one remains.
 */
export function checkSubmittable(input: ReportInput, mapping: Partial<LevelMapping>, now: Date): CompleteReport {
  const parsed = CompleteReport.safeParse(input);
  const issues: Issue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (input.description === '') issues.push({ path: 'description', message: 'Bitte beschreiben, was passiert ist' });
  if (input.causer.known && input.causer.lastName === '')
    issues.push({ path: 'causer.lastName', message: 'Bei bekannter Person den Nachnamen angeben' });
  if (!input.roomId && input.address === '') issues.push({ path: 'address', message: 'Raum oder Adresse angeben' });
  if (parsed.success && new Date(parsed.data.occurredAt).getTime() > now.getTime() + 5 * 60_000)
    issues.push({ path: 'occurredAt', message: 'Der Zeitpunkt liegt in der Zukunft' });
  const { level, suggested } = levelOf(input, mapping);
  if (level !== suggested && input.levelReason === '')
    issues.push({
      path: 'levelReason',
      message: `Die Stufe weicht von der vorgeschlagenen Stufe ${suggested} ab; bitte begründen`,
    });
  if (issues.length || !parsed.success)
    throw new AppError('validation_failed', 'Die Meldung ist noch unvollständig', issues);
  return parsed.data;
}

const dayFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'UTC',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
/** "12.03.2027" from "2027-03-12". */
const germanDate = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));

/** What the reporter is told when a report below the threshold goes on for the complaint. */
export const complaintNotice = (deadline: string) =>
  `Ihre Meldung geht an Ihre vorgesetzte Person und an das Personalmanagement, das die Strafanzeige bzw. den Strafantrag stellt. Strafantragsfrist endet am ${germanDate(deadline)} (§ 77b StGB). Danach bleibt von der Meldung nur die anonyme Zählung; veröffentlicht oder ins Register übernommen wird sie nicht.`;

import type { Alarm } from '@wachsam/protocol';

/** How long after the all-clear a helper is offered "Vorfall melden" in the console. */
const offerDays = 7;

/** Resolved real alarms this person came to help with (and did not raise), recent enough to report. */
export function respondedAlarms(alarms: readonly Alarm[], personId: string, now: Date): Alarm[] {
  const since = now.getTime() - offerDays * 86_400_000;
  return alarms.filter(
    (a) =>
      a.status === 'resolved' &&
      !a.test &&
      !a.functionTest &&
      a.resolvedAt !== null &&
      new Date(a.resolvedAt).getTime() >= since &&
      a.sender.personId !== personId &&
      a.responders.some((r) => r.personId === personId),
  );
}

import type { Alarm, AlarmList } from '@wachsam/protocol';

/** Page size of the start-up load (the server's default page; it allows up to 500). */
export const openPageSize = 100;
/** A server that keeps answering with cursors cannot keep the console from starting. */
const maxPages = 250;

export interface OpenAlarmsLoaded {
  alarms: Alarm[];
  forYou: string[];
  lastEventId: string;
}

/**
 * Every page of the open alarms, not just the first: a console that knows only the newest
 * hundred would never alert for, or show, an older alarm still waiting for help.
 *
 * The stream resumes after the FIRST page's `lastEventId`: whatever happens to any alarm while
 * the later pages load (a new alarm, an answer, an all-clear) is replayed afterwards and wins,
 * because each event carries the whole alarm.
 */
export async function loadOpenAlarms(
  fetchPage: (cursor: string | undefined) => Promise<AlarmList>,
): Promise<OpenAlarmsLoaded> {
  const first = await fetchPage(undefined);
  const alarms = [...first.alarms];
  const forYou = [...first.forYou];
  const seen = new Set<string>();
  let cursor = first.nextCursor;
  while (cursor && !seen.has(cursor) && seen.size < maxPages) {
    seen.add(cursor);
    const page = await fetchPage(cursor);
    alarms.push(...page.alarms);
    forYou.push(...page.forYou);
    cursor = page.nextCursor;
  }
  return { alarms, forYou, lastEventId: first.lastEventId };
}

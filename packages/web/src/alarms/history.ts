import type { Alarm, Role } from '@wachsam/protocol';

/**
 * Who gets the history of all alarms: the roles that see every alarm of the organisation (the
 * server's overview roles: security desk, control centre, administration).
 */
export const historyRoles: readonly Role[] = ['security_desk', 'control_centre', 'admin'];

export const mayReadHistory = (roles: readonly Role[]): boolean => roles.some((r) => historyRoles.includes(r));

/** Newest first, as the server pages them (raisedAt, then id). */
function newestFirst(a: Alarm, b: Alarm): number {
  const byTime = Date.parse(b.raisedAt) - Date.parse(a.raisedAt);
  return byTime !== 0 ? byTime : b.id.localeCompare(a.id);
}

/** Adds a page (or single alarms) to the history: each alarm once, the incoming copy wins. */
export function mergeHistory(rows: readonly Alarm[], incoming: readonly Alarm[]): Alarm[] {
  const byId = new Map(rows.map((a) => [a.id, a]));
  for (const a of incoming) byId.set(a.id, a);
  return [...byId.values()].sort(newestFirst);
}

/**
 * What the history shows: the loaded rows with every open alarm as the live stream has it now
 * (newer answers, escalation, cancel), and alarms raised since the page was loaded on top. An
 * open alarm older than the loaded pages waits for its page (`complete`: all pages are loaded).
 */
export function withLive(rows: readonly Alarm[], live: ReadonlyMap<string, Alarm>, complete: boolean): Alarm[] {
  const oldest = rows.at(-1);
  const inWindow = (a: Alarm): boolean =>
    complete || (oldest !== undefined && newestFirst(a, oldest) <= 0) || rows.some((r) => r.id === a.id);
  return mergeHistory(rows, [...live.values()].filter(inWindow));
}

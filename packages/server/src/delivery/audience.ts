import { inArray } from 'drizzle-orm';
import type { Role } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { alarmSteps, alarms } from '../db/schema.js';
import type { EventRow } from './events.js';

/** Roles that watch every alarm of their organisation in the overview (not alerted by it). */
export const overviewRoles: readonly Role[] = ['security_desk', 'control_centre', 'admin'];
const deviceEventRoles: readonly Role[] = ['admin', 'security_desk'];
/** Roles that see events beyond their own (the overview, device events). */
export const seeingRoles: readonly Role[] = [...new Set([...overviewRoles, ...deviceEventRoles])];

export interface Listener {
  personId: string | null;
  deviceId: string | null;
  roles: readonly Role[];
}

/** Alerted receivers of each alarm (every step's people), one query for a batch of events. */
export async function receiversOf(ex: Executor, alarmIds: string[]): Promise<Map<string, Set<string>>> {
  const map = new Map<string, Set<string>>(alarmIds.map((id) => [id, new Set<string>()]));
  if (alarmIds.length === 0) return map;
  const rows = await ex
    .select({ alarmId: alarmSteps.alarmId, personIds: alarmSteps.personIds })
    .from(alarmSteps)
    .where(inArray(alarmSteps.alarmId, alarmIds));
  for (const r of rows) {
    const set = map.get(r.alarmId);
    if (set) for (const id of r.personIds) set.add(id);
  }
  return map;
}

/** The sender person of each alarm: message events name only the alarm, not its sender. */
export async function sendersOf(ex: Executor, alarmIds: string[]): Promise<Map<string, string | null>> {
  if (alarmIds.length === 0) return new Map();
  const rows = await ex
    .select({ id: alarms.id, sender: alarms.sender })
    .from(alarms)
    .where(inArray(alarms.id, alarmIds));
  return new Map(rows.map((r) => [r.id, r.sender.personId]));
}

interface AlarmPayload {
  alarm: { deviceId: string | null; functionTest: boolean; sender: { personId: string | null } };
}

/**
 * Who gets an event, and whether it is "for you" (show the full-screen alert):
 * - alarm events: alerted receivers (for you), the sender person and the raising device, and
 *   the overview roles; "delivered" only to the latter; a function test goes back to the
 *   raising device only;
 * - message events: the same people as the alarm's events (alerted receivers, the sender person
 *   via `sender`, the raising device from the row, the overview roles), never "for you";
 * - device events: administration and security desk; function-test requests: that device.
 * Returns null when the listener must not see the event.
 */
export function audience(
  row: EventRow,
  receivers: ReadonlySet<string> | undefined,
  l: Listener,
  sender: string | null = null,
): { forYou: boolean } | null {
  if (row.type === 'alarm.message') {
    const sees =
      (l.deviceId !== null && l.deviceId === row.deviceId) ||
      (l.personId !== null && (l.personId === sender || !!receivers?.has(l.personId))) ||
      l.roles.some((r) => overviewRoles.includes(r));
    return sees ? { forYou: false } : null;
  }
  if (row.type.startsWith('alarm.')) {
    const { alarm } = row.payload as AlarmPayload;
    const ownDevice = l.deviceId !== null && l.deviceId === alarm.deviceId;
    if (alarm.functionTest) return ownDevice ? { forYou: false } : null;
    const watcher =
      ownDevice ||
      (l.personId !== null && l.personId === alarm.sender.personId) ||
      l.roles.some((r) => overviewRoles.includes(r));
    // "Delivered" matters to the sender and the overview; receivers have the alarm already, and
    // sending it to all of them again would double the fan-out of every alarm.
    if (row.type === 'alarm.delivered') return watcher ? { forYou: false } : null;
    if (l.personId && receivers?.has(l.personId)) return { forYou: true };
    if (ownDevice) return { forYou: false };
    if (l.personId && l.personId === alarm.sender.personId) return { forYou: false };
    if (l.roles.some((r) => overviewRoles.includes(r))) return { forYou: false };
    return null;
  }
  if (row.type === 'function_test.requested') return l.deviceId === row.deviceId ? { forYou: false } : null;
  if (row.type.startsWith('device.'))
    return l.roles.some((r) => deviceEventRoles.includes(r)) ? { forYou: false } : null;
  return null;
}

/** Who may be in an event's audience, as keys to find connections by (see `audienceKeys`). */
export interface AudienceKeys {
  /** The alarm's alerted receivers. */
  receivers: ReadonlySet<string> | undefined;
  /** Other people the event may be for (the sender). */
  persons: string[];
  devices: string[];
}

/**
 * The keys of everybody `audience` may let see an event: its people, its devices, and (always)
 * the connections with a role in `seeingRoles`. A superset: `audience` still decides for each
 * connection found. Fan-out looks connections up by these instead of asking every connection,
 * so an alarm to 50 people costs 50 lookups (and the watchers), not one per connected agent.
 */
export function audienceKeys(
  row: EventRow,
  receivers: ReadonlySet<string> | undefined,
  sender: string | null = null,
): AudienceKeys {
  const alarm = row.type.startsWith('alarm.') ? (row.payload as Partial<AlarmPayload>).alarm : undefined;
  const persons: string[] = [];
  const devices: string[] = [];
  if (sender) persons.push(sender);
  if (alarm?.sender?.personId) persons.push(alarm.sender.personId);
  if (row.deviceId) devices.push(row.deviceId);
  if (alarm?.deviceId) devices.push(alarm.deviceId);
  return { receivers, persons, devices };
}

import { and, asc, eq, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { alarmReceivers, alarms, buildings, departments, floors, people, rooms } from '../db/schema.js';

/** The people, rooms and alarms a report refers to: read only, for the reports domain. */

export type AlarmRow = typeof alarms.$inferSelect;

// --- people and places ---

export async function personOf(ex: Executor, orgId: string, personId: string) {
  const [p] = await ex
    .select()
    .from(people)
    .where(and(eq(people.orgId, orgId), eq(people.id, personId)));
  return p ?? null;
}

export async function namesOf(ex: Executor, orgId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .select({ id: people.id, firstName: people.firstName, lastName: people.lastName })
    .from(people)
    .where(and(eq(people.orgId, orgId), inArray(people.id, ids)));
  return new Map(rows.map((r) => [r.id, `${r.firstName} ${r.lastName}`]));
}

/** Supervisors of a department, by name, so the same one is picked every time. */
export async function supervisorsOf(ex: Executor, orgId: string, departmentId: string) {
  return ex
    .select({ id: people.id })
    .from(people)
    .where(
      and(eq(people.orgId, orgId), eq(people.departmentId, departmentId), sql`'supervisor' = any(${people.roles})`),
    )
    .orderBy(asc(people.lastName), asc(people.firstName), asc(people.id));
}

/**
 * Has the department a supervisor who is not the reporter? If not, the central unit reviews in
 * the supervisor's place (a report without a department has none).
 */
export async function hasOtherSupervisor(
  ex: Executor,
  orgId: string,
  departmentId: string | null,
  reporterPersonId: string | null,
): Promise<boolean> {
  if (!departmentId) return false;
  return (await supervisorsOf(ex, orgId, departmentId)).some((s) => s.id !== reporterPersonId);
}

export async function roomExists(ex: Executor, orgId: string, roomId: string): Promise<boolean> {
  const [r] = await ex
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.orgId, orgId), eq(rooms.id, roomId)));
  return Boolean(r);
}

/**
 * Where a room is, for the warning: its building (room → floor → building) and the department
 * the room belongs to (not the reporter's).
 */
export async function placeOfRoom(
  ex: Executor,
  orgId: string,
  roomId: string,
): Promise<{ building: string; department: string | null } | null> {
  const [r] = await ex
    .select({ building: buildings.name, department: departments.name })
    .from(rooms)
    .innerJoin(floors, eq(floors.id, rooms.floorId))
    .innerJoin(buildings, eq(buildings.id, floors.buildingId))
    .leftJoin(departments, eq(departments.id, rooms.departmentId))
    .where(and(eq(rooms.orgId, orgId), eq(rooms.id, roomId)));
  return r ?? null;
}

export async function departmentName(ex: Executor, orgId: string, departmentId: string): Promise<string | null> {
  const [d] = await ex
    .select({ name: departments.name })
    .from(departments)
    .where(and(eq(departments.orgId, orgId), eq(departments.id, departmentId)));
  return d?.name ?? null;
}

/** Every room of the organisation with its building and floor, in building, floor, room order. */
export async function placesOf(ex: Executor, orgId: string) {
  return ex
    .select({ roomId: rooms.id, room: rooms.name, floor: floors.name, building: buildings.name })
    .from(rooms)
    .innerJoin(floors, eq(floors.id, rooms.floorId))
    .innerJoin(buildings, eq(buildings.id, floors.buildingId))
    .where(eq(rooms.orgId, orgId))
    .orderBy(asc(buildings.name), asc(floors.level), asc(rooms.name), asc(rooms.id));
}

// --- alarms (read only: a report follows up a resolved alarm) ---

/** The alarm, if it is within its retention (`kept`: the alarm domain's `AlarmClaims.kept`). */
export async function alarmOf(ex: Executor, orgId: string, alarmId: string, kept: SQL): Promise<AlarmRow | null> {
  const [a] = await ex
    .select()
    .from(alarms)
    .where(and(eq(alarms.orgId, orgId), eq(alarms.id, alarmId), kept));
  return a ?? null;
}

export async function respondedTo(ex: Executor, alarmId: string, personId: string): Promise<boolean> {
  const [r] = await ex
    .select({ personId: alarmReceivers.personId })
    .from(alarmReceivers)
    .where(
      and(
        eq(alarmReceivers.alarmId, alarmId),
        eq(alarmReceivers.personId, personId),
        or(isNotNull(alarmReceivers.comingAt), isNotNull(alarmReceivers.policeCalledAt)),
      ),
    );
  return Boolean(r);
}

import { and, eq, sql } from 'drizzle-orm';
import type { StepTarget } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { alarmGroupMembers, alarmGroups, floors, people, rooms, type LocationSnapshot } from '../db/schema.js';

/**
 * The people a step alerts. Relative targets are resolved against the alarm's location; the
 * sender is never their own receiver; everything is confined to the alarm's organisation.
 */
export async function resolveTargets(
  ex: Executor,
  orgId: string,
  location: LocationSnapshot,
  targets: StepTarget[],
  exclude: ReadonlySet<string>,
): Promise<string[]> {
  const found = new Set<string>();
  const add = (rows: Array<{ id: string }>) => rows.forEach((r) => found.add(r.id));
  const inOrg = eq(people.orgId, orgId);
  for (const t of targets) {
    switch (t.kind) {
      case 'person':
        add(
          await ex
            .select({ id: people.id })
            .from(people)
            .where(and(inOrg, eq(people.id, t.personId))),
        );
        break;
      case 'group':
        add(
          await ex
            .select({ id: alarmGroupMembers.personId })
            .from(alarmGroupMembers)
            .innerJoin(alarmGroups, eq(alarmGroups.id, alarmGroupMembers.groupId))
            .where(and(eq(alarmGroups.orgId, orgId), eq(alarmGroups.id, t.groupId))),
        );
        break;
      case 'role':
        add(
          await ex
            .select({ id: people.id })
            .from(people)
            .where(and(inOrg, sql`${t.role} = any(${people.roles})`)),
        );
        break;
      case 'same_floor':
        if (location.floorId)
          add(
            await ex
              .select({ id: people.id })
              .from(people)
              .innerJoin(rooms, eq(rooms.id, people.roomId))
              .where(and(inOrg, eq(rooms.floorId, location.floorId))),
          );
        break;
      case 'same_department':
        if (location.departmentId)
          add(
            await ex
              .select({ id: people.id })
              .from(people)
              .where(and(inOrg, eq(people.departmentId, location.departmentId))),
          );
        break;
      case 'same_building':
        if (location.buildingId)
          add(
            await ex
              .select({ id: people.id })
              .from(people)
              .innerJoin(rooms, eq(rooms.id, people.roomId))
              .innerJoin(floors, eq(floors.id, rooms.floorId))
              .where(and(inOrg, eq(floors.buildingId, location.buildingId))),
          );
        break;
    }
  }
  for (const id of exclude) found.delete(id);
  return [...found];
}

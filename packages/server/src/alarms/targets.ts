import { sql, type SQL } from 'drizzle-orm';
import type { StepTarget } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import type { LocationSnapshot } from '../db/schema.js';

/** Where relative targets (same floor, department, building) are resolved: SQL expressions. */
export interface TargetPlace {
  floorId: SQL;
  departmentId: SQL;
  buildingId: SQL;
}

/**
 * The people a step's targets (a jsonb array of `StepTarget`, as a SQL expression) reach, as a
 * subquery of one column `id`. The one definition of a step's receivers: the raise resolves
 * every step of its plan with it in one statement, escalation one step. Relative targets are
 * resolved against the alarm's place; everything is confined to the organisation.
 */
export function stepTargetsSql(orgId: string, targets: SQL, place: TargetPlace): SQL {
  const kinds = (kind: StepTarget['kind'], field: string) =>
    sql`select (x->>${field})::uuid from jsonb_array_elements(${targets}) x where x->>'kind' = ${kind}`;
  const has = (kind: StepTarget['kind']) =>
    sql`exists (select from jsonb_array_elements(${targets}) x where x->>'kind' = ${kind})`;
  // Deactivated people (left, disabled in the directory) are alerted by nothing.
  const active = sql`p.deactivated_at is null`;
  return sql`
    select p.id from people p
      where p.org_id = ${orgId} and ${active} and p.id in (${kinds('person', 'personId')})
    union
    select m.person_id from alarm_group_members m join alarm_groups g on g.id = m.group_id
      join people p on p.id = m.person_id
      where g.org_id = ${orgId} and ${active} and g.id in (${kinds('group', 'groupId')})
    union
    select p.id from people p
      where p.org_id = ${orgId} and ${active}
        and p.roles && array(select x->>'role' from jsonb_array_elements(${targets}) x where x->>'kind' = 'role')
    union
    select p.id from people p join rooms r on r.id = p.room_id
      where p.org_id = ${orgId} and ${active} and r.floor_id = ${place.floorId} and ${has('same_floor')}
    union
    select p.id from people p
      where p.org_id = ${orgId} and ${active} and p.department_id = ${place.departmentId} and ${has('same_department')}
    union
    select p.id from people p join rooms r on r.id = p.room_id join floors f on f.id = r.floor_id
      where p.org_id = ${orgId} and ${active} and f.building_id = ${place.buildingId} and ${has('same_building')}`;
}

/** A uuid (or null) as a typed SQL parameter. */
export const uuidParam = (id: string | null): SQL => sql`${id}::uuid`;

/**
 * The people one step alerts (escalation), in one statement. The sender is never their own
 * receiver; `exclude` (who was alerted already) is left out.
 */
export async function resolveTargets(
  ex: Executor,
  orgId: string,
  location: LocationSnapshot,
  targets: StepTarget[],
  exclude: ReadonlySet<string>,
): Promise<string[]> {
  if (targets.length === 0) return [];
  const rows = await rawRows<{ id: string }>(
    ex,
    stepTargetsSql(orgId, sql`${JSON.stringify(targets)}::jsonb`, {
      floorId: uuidParam(location.floorId),
      departmentId: uuidParam(location.departmentId),
      buildingId: uuidParam(location.buildingId),
    }),
  );
  return rows.map((r) => r.id).filter((id) => !exclude.has(id));
}

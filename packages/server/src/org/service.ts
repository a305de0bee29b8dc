import { and, eq, inArray, sql } from 'drizzle-orm';
import type {
  AlarmGroup,
  AlarmPlan,
  AlarmPlanInput,
  Building,
  Department,
  Floor,
  Room,
  StepTarget,
} from '@wachsam/protocol';
import type { z } from 'zod';
import type { adminResources } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Executor, Tx } from '../db/client.js';
import {
  alarmGroupMembers,
  alarmGroups,
  alarmPlans,
  buildings,
  departments,
  floors,
  organisations,
  people,
  rooms,
} from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { forgetAlerted } from '../alarms/repository.js';
import { AppError, notFound } from '../http/errors.js';

type Input<K extends keyof typeof adminResources> = z.infer<(typeof adminResources)[K]['create']['body']>;

const refError = (path: string, what: string) =>
  new AppError('validation_failed', `${what} nicht gefunden`, [
    { path: `body.${path}`, message: `unbekannt: ${what}` },
  ]);

export type OrgTable =
  | typeof departments
  | typeof buildings
  | typeof floors
  | typeof rooms
  | typeof people
  | typeof alarmGroups
  | typeof alarmPlans;

/** Every organisation of the installation, for jobs that go through them one by one. */
export const organisationIds = async (ex: Executor): Promise<string[]> =>
  (await ex.select({ id: organisations.id }).from(organisations)).map((o) => o.id);

/**
 * The department of this name (case does not matter), created when the organisation has none:
 * imports, the directory sync and SCIM name departments, they do not know their ids.
 */
export async function departmentNamed(tx: Tx, orgId: string, name: string): Promise<string> {
  const [d] = await tx
    .select({ id: departments.id })
    .from(departments)
    .where(and(eq(departments.orgId, orgId), sql`lower(${departments.name}) = lower(${name})`))
    .limit(1);
  return d?.id ?? (await tx.insert(departments).values({ orgId, name }).returning({ id: departments.id }))[0]!.id;
}

/** Is the row with this id in this organisation? Foreign keys never point across organisations. */
export async function owned(ex: Executor, t: OrgTable, orgId: string, id: string | null, path: string, what: string) {
  if (!id) return;
  const [row] = await ex
    .select({ id: t.id })
    .from(t as typeof rooms)
    .where(and(eq(t.orgId, orgId), eq(t.id, id)));
  if (!row) throw refError(path, what);
}

/**
 * Administration of the organisation: structure, alarm groups and plans (people: `PeopleService`). Every
 * query is confined to the caller's organisation, and every change is audited with it.
 */
export class OrgService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private change<T>(actor: Actor, action: string, subject: (r: T) => string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const result = await fn(tx);
      await appendAudit(tx, { orgId: actor.orgId, at: this.clock.now(), actor, action, subject: subject(result) });
      return result;
    });
  }

  private found<T>(row: T | undefined, what: string): T {
    if (!row) throw notFound(what);
    return row;
  }

  // departments
  listDepartments = (orgId: string): Promise<Department[]> =>
    this.db
      .select({ id: departments.id, name: departments.name })
      .from(departments)
      .where(eq(departments.orgId, orgId))
      .orderBy(departments.name);
  saveDepartment = (actor: Actor, id: string | null, input: Input<'departments'>) =>
    this.change(
      actor,
      id ? 'department.updated' : 'department.created',
      (d: Department) => `Abteilung ${d.name}`,
      async (tx) => {
        const [row] = id
          ? await tx
              .update(departments)
              .set(input)
              .where(and(eq(departments.orgId, actor.orgId), eq(departments.id, id)))
              .returning()
          : await tx
              .insert(departments)
              .values({ ...input, orgId: actor.orgId })
              .returning();
        const d = this.found(row, 'Abteilung');
        return { id: d.id, name: d.name };
      },
    );

  // buildings
  listBuildings = (orgId: string): Promise<Building[]> =>
    this.db
      .select({
        id: buildings.id,
        name: buildings.name,
        address: buildings.address,
        latitude: buildings.latitude,
        longitude: buildings.longitude,
      })
      .from(buildings)
      .where(eq(buildings.orgId, orgId))
      .orderBy(buildings.name);
  saveBuilding = (actor: Actor, id: string | null, input: Input<'buildings'>) =>
    this.change(
      actor,
      id ? 'building.updated' : 'building.created',
      (b: Building) => `Gebäude ${b.name}`,
      async (tx) => {
        const [row] = id
          ? await tx
              .update(buildings)
              .set(input)
              .where(and(eq(buildings.orgId, actor.orgId), eq(buildings.id, id)))
              .returning()
          : await tx
              .insert(buildings)
              .values({ ...input, orgId: actor.orgId })
              .returning();
        const b = this.found(row, 'Gebäude');
        return { id: b.id, name: b.name, address: b.address, latitude: b.latitude, longitude: b.longitude };
      },
    );

  // floors
  listFloors = (orgId: string): Promise<Floor[]> =>
    this.db
      .select({ id: floors.id, buildingId: floors.buildingId, name: floors.name, level: floors.level })
      .from(floors)
      .where(eq(floors.orgId, orgId))
      .orderBy(floors.level);
  saveFloor = (actor: Actor, id: string | null, input: Input<'floors'>) =>
    this.change(
      actor,
      id ? 'floor.updated' : 'floor.created',
      (f: Floor) => `Etage ${f.name}`,
      async (tx) => {
        await owned(tx, buildings, actor.orgId, input.buildingId, 'buildingId', 'Gebäude');
        const [row] = id
          ? await tx
              .update(floors)
              .set(input)
              .where(and(eq(floors.orgId, actor.orgId), eq(floors.id, id)))
              .returning()
          : await tx
              .insert(floors)
              .values({ ...input, orgId: actor.orgId })
              .returning();
        const f = this.found(row, 'Etage');
        return { id: f.id, buildingId: f.buildingId, name: f.name, level: f.level };
      },
    );

  // rooms
  listRooms = (orgId: string): Promise<Room[]> =>
    this.db
      .select({ id: rooms.id, floorId: rooms.floorId, name: rooms.name, departmentId: rooms.departmentId })
      .from(rooms)
      .where(eq(rooms.orgId, orgId))
      .orderBy(rooms.name);
  saveRoom = (actor: Actor, id: string | null, input: Input<'rooms'>) =>
    this.change(
      actor,
      id ? 'room.updated' : 'room.created',
      (r: Room) => `Raum ${r.name}`,
      async (tx) => {
        await owned(tx, floors, actor.orgId, input.floorId, 'floorId', 'Etage');
        await owned(tx, departments, actor.orgId, input.departmentId, 'departmentId', 'Abteilung');
        const [row] = id
          ? await tx
              .update(rooms)
              .set(input)
              .where(and(eq(rooms.orgId, actor.orgId), eq(rooms.id, id)))
              .returning()
          : await tx
              .insert(rooms)
              .values({ ...input, orgId: actor.orgId })
              .returning();
        const r = this.found(row, 'Raum');
        return { id: r.id, floorId: r.floorId, name: r.name, departmentId: r.departmentId };
      },
    );

  // alarm groups
  listGroups = async (orgId: string): Promise<AlarmGroup[]> => {
    const groups = await this.db
      .select()
      .from(alarmGroups)
      .where(eq(alarmGroups.orgId, orgId))
      .orderBy(alarmGroups.name);
    const ids = groups.map((g) => g.id);
    const members = ids.length
      ? await this.db.select().from(alarmGroupMembers).where(inArray(alarmGroupMembers.groupId, ids))
      : [];
    return groups.map((g) => ({
      id: g.id,
      name: g.name,
      memberIds: members.filter((m) => m.groupId === g.id).map((m) => m.personId),
    }));
  };
  saveGroup = (actor: Actor, id: string | null, input: Input<'groups'>) =>
    this.change(
      actor,
      id ? 'group.updated' : 'group.created',
      (g: AlarmGroup) => `Alarmgruppe ${g.name}`,
      async (tx) => {
        const memberIds = [...new Set(input.memberIds)];
        for (const m of memberIds) await owned(tx, people, actor.orgId, m, 'memberIds', 'Person');
        const [row] = id
          ? await tx
              .update(alarmGroups)
              .set({ name: input.name })
              .where(and(eq(alarmGroups.orgId, actor.orgId), eq(alarmGroups.id, id)))
              .returning()
          : await tx.insert(alarmGroups).values({ name: input.name, orgId: actor.orgId }).returning();
        const g = this.found(row, 'Alarmgruppe');
        await tx.delete(alarmGroupMembers).where(eq(alarmGroupMembers.groupId, g.id));
        if (memberIds.length)
          await tx.insert(alarmGroupMembers).values(memberIds.map((personId) => ({ groupId: g.id, personId })));
        return { id: g.id, name: g.name, memberIds };
      },
    );

  // alarm plans
  listPlans = async (orgId: string): Promise<AlarmPlan[]> =>
    (await this.db.select().from(alarmPlans).where(eq(alarmPlans.orgId, orgId)).orderBy(alarmPlans.name)).map((p) => ({
      id: p.id,
      name: p.name,
      scope: p.scope,
      steps: p.steps,
    }));
  savePlan = (actor: Actor, id: string | null, input: AlarmPlanInput) =>
    this.change(
      actor,
      id ? 'plan.updated' : 'plan.created',
      (p: AlarmPlan) => `Alarmplan ${p.name}`,
      async (tx) => {
        await this.checkPlanRefs(tx, actor.orgId, input);
        const [row] = id
          ? await tx
              .update(alarmPlans)
              .set(input)
              .where(and(eq(alarmPlans.orgId, actor.orgId), eq(alarmPlans.id, id)))
              .returning()
          : await tx
              .insert(alarmPlans)
              .values({ ...input, orgId: actor.orgId })
              .returning();
        const p = this.found(row, 'Alarmplan');
        return { id: p.id, name: p.name, scope: p.scope, steps: p.steps };
      },
    );

  private async checkPlanRefs(ex: Executor, orgId: string, input: AlarmPlanInput): Promise<void> {
    if (input.scope.kind === 'room') await owned(ex, rooms, orgId, input.scope.roomId, 'scope.roomId', 'Raum');
    if (input.scope.kind === 'department')
      await owned(ex, departments, orgId, input.scope.departmentId, 'scope.departmentId', 'Abteilung');
    const targets: StepTarget[] = input.steps.flatMap((s) => s.targets);
    for (const t of targets) {
      if (t.kind === 'person') await owned(ex, people, orgId, t.personId, 'steps', 'Person');
      if (t.kind === 'group') await owned(ex, alarmGroups, orgId, t.groupId, 'steps', 'Alarmgruppe');
    }
  }

  /** Delete one administered row of the organisation; a row still in use is refused, not cascaded. */
  async remove(actor: Actor, table: OrgTable, what: string, id: string): Promise<void> {
    await this.change(
      actor,
      'deleted',
      () => `${what} ${id}`,
      async (tx) => {
        try {
          const rows = await tx
            .delete(table)
            .where(and(eq(table.orgId, actor.orgId), eq(table.id, id)))
            .returning({ id: table.id });
          this.found(rows[0], what);
          if (table === people) {
            await endAccess(tx, { scope: 'person', personId: id }, 'person_removed');
            // Who an alarm alerted goes with the person, as their per-person rows do (cascade).
            await forgetAlerted(tx, actor.orgId, id);
          }
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new AppError('conflict', `${what} wird noch verwendet und kann nicht gelöscht werden`);
        }
      },
    );
  }
}

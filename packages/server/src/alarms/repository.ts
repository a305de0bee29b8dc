import { and, desc, eq, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PlanStep, Position, Responder, Response } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import { eventLockSql } from '../delivery/events.js';
import { onlineSql } from '../delivery/presence.js';
import type { PlacedBuilding } from './positions.js';
import { stepTargetsSql } from './targets.js';
import type { auditLog } from '../db/schema.js';
import {
  alarmReceivers,
  alarmSteps,
  alarms,
  people,
  type LocationSnapshot,
  type SenderSnapshot,
} from '../db/schema.js';
import type { AlarmRow } from './presenter.js';

export type NewAlarm = typeof alarms.$inferInsert;

const unknownLocation: LocationSnapshot = {
  roomId: null,
  floorId: null,
  buildingId: null,
  departmentId: null,
  building: 'unbekannt',
  address: '',
  floor: '',
  room: '',
  workstation: '',
};

/**
 * A phone has no room: the alarm's place is the sender's position, so every place field stays
 * empty rather than naming a building the person is not in.
 */
export const roamingLocation: LocationSnapshot = { ...unknownLocation, building: '' };

export async function personSnapshot(
  ex: Executor,
  orgId: string,
  personId: string | null,
): Promise<SenderSnapshot & { roomId: string | null; departmentId: string | null }> {
  const [p] = personId
    ? await ex
        .select()
        .from(people)
        .where(and(eq(people.orgId, orgId), eq(people.id, personId)))
    : [];
  if (!p) return { personId: null, firstName: '', lastName: 'unbekannt', phone: '', roomId: null, departmentId: null };
  return {
    personId: p.id,
    firstName: p.firstName,
    lastName: p.lastName,
    phone: p.phone,
    roomId: p.roomId,
    departmentId: p.departmentId,
  };
}

export async function alarmByKey(ex: Executor, orgId: string, scope: string, key: string): Promise<AlarmRow | null> {
  const [row] = await ex
    .select()
    .from(alarms)
    .where(and(eq(alarms.orgId, orgId), eq(alarms.idempotencyScope, scope), eq(alarms.idempotencyKey, key)));
  return row ?? null;
}

export async function alarmById(ex: Executor, orgId: string, id: string, lock = false): Promise<AlarmRow | null> {
  const q = ex
    .select()
    .from(alarms)
    .where(and(eq(alarms.orgId, orgId), eq(alarms.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function updateAlarm(ex: Executor, id: string, set: Partial<NewAlarm>): Promise<AlarmRow> {
  const [row] = await ex.update(alarms).set(set).where(eq(alarms.id, id)).returning();
  return row!;
}

/**
 * Alert these people at this step: one row for the step, the people as an array (one statement
 * and one row whatever their number).
 */
export async function insertReceivers(
  ex: Executor,
  alarmId: string,
  personIds: string[],
  step: number,
  at: Date,
): Promise<void> {
  if (personIds.length === 0) return;
  await ex.insert(alarmSteps).values({ alarmId, step, alertedAt: at, personIds }).onConflictDoNothing();
}

/** A timestamp as milliseconds since the epoch (a number on both drivers; null stays null). */
const epochMs = (t: SQL) => sql`(extract(epoch from ${t}) * 1000)::float8`;

/** The people alerted by the alarm's steps, with their step and when (a SQL subquery). */
const alertedSql = (alarmId: SQL | string) =>
  sql`select p.person_id, s.step, s.alerted_at from alarm_steps s, unnest(s.person_ids) as p(person_id)
      where s.alarm_id = ${alarmId}`;

/** A person removed from the organisation is removed from who its alarms alerted. */
export async function forgetAlerted(ex: Executor, orgId: string, personId: string): Promise<void> {
  await ex.execute(sql`
    update alarm_steps s set person_ids = array_remove(s.person_ids, ${personId}::uuid)
    from alarms a
    where a.id = s.alarm_id and a.org_id = ${orgId} and ${personId}::uuid = any(s.person_ids)`);
}

export async function alreadyAlerted(ex: Executor, alarmId: string): Promise<Set<string>> {
  const rows = await rawRows<{ person_id: string }>(ex, sql`select person_id from (${alertedSql(alarmId)}) a`);
  return new Set(rows.map((r) => r.person_id));
}

/**
 * Everyone on the alarm: the alerted receivers of every step and the volunteers who answered,
 * each with their receipt and answers, ordered by step and name.
 */
export async function receiverState(ex: Executor, alarmId: string) {
  const rows = await rawRows<{
    person_id: string;
    step: number;
    alerted_at: number;
    delivered_at: number | null;
    coming_at: number | null;
    police_called_at: number | null;
    first_name: string;
    last_name: string;
  }>(
    ex,
    sql`
    select coalesce(a.person_id, r.person_id) as person_id, coalesce(a.step, r.step) as step,
      ${epochMs(sql`coalesce(a.alerted_at, r.alerted_at)`)} as alerted_at, ${epochMs(sql`r.delivered_at`)} as delivered_at,
      ${epochMs(sql`r.coming_at`)} as coming_at, ${epochMs(sql`r.police_called_at`)} as police_called_at,
      p.first_name, p.last_name
    from (${alertedSql(alarmId)}) a
      full join (select * from alarm_receivers where alarm_id = ${alarmId}) r on r.person_id = a.person_id
      join people p on p.id = coalesce(a.person_id, r.person_id)
    order by 2, p.last_name`,
  );
  const at = (t: number | null) => (t === null ? null : new Date(t));
  return rows.map((x) => ({
    r: {
      alarmId,
      personId: x.person_id,
      step: x.step,
      alertedAt: new Date(x.alerted_at),
      deliveredAt: at(x.delivered_at),
      comingAt: at(x.coming_at),
      policeCalledAt: at(x.police_called_at),
    },
    firstName: x.first_name,
    lastName: x.last_name,
  }));
}

type ReceiverRow = typeof alarmReceivers.$inferSelect;

/** A receiver's answers, each with its time. */
export function answersOf(r: ReceiverRow): Array<{ response: Response; at: Date }> {
  const out: Array<{ response: Response; at: Date }> = [];
  if (r.comingAt) out.push({ response: 'coming', at: r.comingAt });
  if (r.policeCalledAt) out.push({ response: 'police_called', at: r.policeCalledAt });
  return out;
}

/** Alerted count and responders of each alarm, for presenting them. */
export async function summaries(
  ex: Executor,
  alarmIds: string[],
): Promise<Map<string, { alerted: number; responders: Responder[] }>> {
  const map = new Map(alarmIds.map((id) => [id, { alerted: 0, responders: [] as Responder[] }]));
  if (alarmIds.length === 0) return map;
  const counts = await ex
    .select({ alarmId: alarmSteps.alarmId, n: sql<number>`sum(cardinality(${alarmSteps.personIds}))::int` })
    .from(alarmSteps)
    .where(inArray(alarmSteps.alarmId, alarmIds))
    .groupBy(alarmSteps.alarmId);
  for (const c of counts) map.get(c.alarmId)!.alerted = c.n;
  const responders = await ex
    .select({ r: alarmReceivers, firstName: people.firstName, lastName: people.lastName })
    .from(alarmReceivers)
    .innerJoin(people, eq(people.id, alarmReceivers.personId))
    .where(
      and(
        inArray(alarmReceivers.alarmId, alarmIds),
        or(isNotNull(alarmReceivers.comingAt), isNotNull(alarmReceivers.policeCalledAt)),
      ),
    );
  const answers = responders.flatMap(({ r, firstName, lastName }) =>
    answersOf(r).map((a) => ({ alarmId: r.alarmId, personId: r.personId, firstName, lastName, ...a })),
  );
  answers.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const { alarmId, at, ...responder } of answers)
    map.get(alarmId)!.responders.push({ ...responder, at: at.toISOString() });
  return map;
}

/** How many of the alarm's alerted receivers are online right now (on any instance). */
export async function onlineCount(ex: Executor, alarmId: string, since: Date): Promise<number> {
  const [row] = await rawRows<{ n: number }>(
    ex,
    sql`select count(*)::int as n from (${alertedSql(alarmId)}) a where ${onlineSql(sql`a.person_id`, since)}`,
  );
  return row?.n ?? 0;
}

/** How many of the people alerted at this step are online (on any instance). */
export async function onlineAtStep(ex: Executor, alarmId: string, step: number, since: Date): Promise<number> {
  const [row] = await rawRows<{ n: number }>(
    ex,
    sql`select count(*)::int as n from (${alertedSql(alarmId)}) a
        where a.step = ${step} and ${onlineSql(sql`a.person_id`, since)}`,
  );
  return row?.n ?? 0;
}

/**
 * Record a person's answer (a volunteer who was not alerted is added with step 0). "Ich komme"
 * and "Polizei verständigt" are kept apart, each with its first time. False when the person had
 * given this answer already: a repeat is not a new answer and changes nothing.
 */
export async function respond(
  ex: Executor,
  alarmId: string,
  personId: string,
  response: Response,
  at: Date,
): Promise<boolean> {
  const column = response === 'coming' ? alarmReceivers.comingAt : alarmReceivers.policeCalledAt;
  const set = response === 'coming' ? { comingAt: at } : { policeCalledAt: at };
  // An alerted receiver's row carries their step and alert time; anyone else answers as step 0.
  const [alerted] = await rawRows<{ step: number; alerted_at: number }>(
    ex,
    sql`select step, ${epochMs(sql`alerted_at`)} as alerted_at from alarm_steps where alarm_id = ${alarmId} and ${personId}::uuid = any(person_ids)`,
  );
  const rows = await ex
    .insert(alarmReceivers)
    .values({
      alarmId,
      personId,
      step: alerted?.step ?? 0,
      alertedAt: alerted ? new Date(alerted.alerted_at) : at,
      ...set,
    })
    .onConflictDoUpdate({
      target: [alarmReceivers.alarmId, alarmReceivers.personId],
      set,
      setWhere: isNull(column),
    })
    .returning({ personId: alarmReceivers.personId });
  return rows.length > 0;
}

/** Alerted by a step of the alarm, or answered it. */
export async function isReceiver(ex: Executor, alarmId: string, personId: string): Promise<boolean> {
  const [r] = await rawRows<{ yes: boolean }>(
    ex,
    sql`select (exists (select from alarm_steps where alarm_id = ${alarmId} and ${personId}::uuid = any(person_ids))
      or exists (select from alarm_receivers where alarm_id = ${alarmId} and person_id = ${personId})) as yes`,
  );
  return !!r?.yes;
}

/** Which of these alarms the person was alerted for (by a plan step, not as a volunteer). */
export async function alertedAmong(ex: Executor, personId: string, alarmIds: string[]): Promise<string[]> {
  if (alarmIds.length === 0) return [];
  const rows = await ex
    .selectDistinct({ id: alarmSteps.alarmId })
    .from(alarmSteps)
    .where(and(inArray(alarmSteps.alarmId, alarmIds), sql`${personId}::uuid = any(${alarmSteps.personIds})`));
  return rows.map((r) => r.id);
}

/** Alarms due to escalate, locked so that only one instance escalates each. */
export async function lockDueEscalations(ex: Executor, now: Date, limit: number): Promise<AlarmRow[]> {
  return ex
    .select()
    .from(alarms)
    .where(and(isNotNull(alarms.nextEscalationAt), lte(alarms.nextEscalationAt, now), isNull(alarms.resolvedAt)))
    .orderBy(alarms.nextEscalationAt)
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Who each step of these alarms alerted: alarm id → person id → step and alert time. */
export async function stepsOf(
  ex: Executor,
  alarmIds: string[],
): Promise<Map<string, Map<string, { step: number; alertedAt: Date }>>> {
  const out = new Map(alarmIds.map((id) => [id, new Map<string, { step: number; alertedAt: Date }>()]));
  if (alarmIds.length === 0) return out;
  const rows = await ex
    .select({
      alarmId: alarmSteps.alarmId,
      step: alarmSteps.step,
      alertedAt: alarmSteps.alertedAt,
      personIds: alarmSteps.personIds,
    })
    .from(alarmSteps)
    .where(inArray(alarmSteps.alarmId, alarmIds));
  for (const r of rows) {
    const byPerson = out.get(r.alarmId)!;
    for (const p of r.personIds) byPerson.set(p, { step: r.step, alertedAt: r.alertedAt });
  }
  return out;
}

/**
 * Record receipts of alerted receivers (the caller matched them against `stepsOf`); returns the
 * alarms that thereby moved from raised to delivered. A first receipt writes the person's row,
 * a later one changes nothing; a person removed meanwhile is skipped, not an error for the batch.
 */
export async function recordReceipts(
  ex: Executor,
  receipts: Array<{ alarmId: string; personId: string; step: number; alertedAt: Date; at: Date }>,
): Promise<{ moved: AlarmRow[]; marked: Array<{ alarmId: string; personId: string }> }> {
  if (receipts.length === 0) return { moved: [], marked: [] };
  const rows = JSON.stringify(
    receipts.map((r) => ({
      a: r.alarmId,
      p: r.personId,
      s: r.step,
      alerted: r.alertedAt.toISOString(),
      at: r.at.toISOString(),
    })),
  );
  const marked = (
    await rawRows<{ alarm_id: string; person_id: string }>(
      ex,
      sql`
    insert into alarm_receivers as r (alarm_id, person_id, step, alerted_at, delivered_at)
    select x.a, x.p, x.s, x.alerted, x.at
    from jsonb_to_recordset(${rows}::jsonb) as x(a uuid, p uuid, s int, alerted timestamptz, at timestamptz)
    where exists (select from people where people.id = x.p)
    on conflict (alarm_id, person_id) do update set delivered_at = excluded.delivered_at
      where r.delivered_at is null and r.step > 0
    returning r.alarm_id, r.person_id`,
    )
  ).map((m) => ({ alarmId: m.alarm_id, personId: m.person_id }));
  const ids = [...new Set(marked.map((m) => m.alarmId))];
  if (ids.length === 0) return { moved: [], marked };
  const moved = await ex
    .update(alarms)
    .set({ status: 'delivered' })
    .where(and(inArray(alarms.id, ids), eq(alarms.status, 'raised')))
    .returning();
  return { moved, marked };
}

const functionTestClosed = (now: Date) =>
  ({
    status: 'resolved',
    resolvedAt: now,
    resolvedBy: 'Funktionstest',
    outcome: 'test',
    nextEscalationAt: null,
  }) as const;

/** Close open function-test alarms of these devices (only a device's own test counts). */
export async function closeFunctionTests(
  ex: Executor,
  of: Array<{ alarmId: string; deviceId: string }>,
  now: Date,
): Promise<AlarmRow[]> {
  if (of.length === 0) return [];
  return ex
    .update(alarms)
    .set(functionTestClosed(now))
    .where(
      and(
        eq(alarms.functionTest, true),
        isNull(alarms.resolvedAt),
        or(...of.map((o) => and(eq(alarms.id, o.alarmId), eq(alarms.deviceId, o.deviceId)))),
      ),
    )
    .returning();
}

/** Close function-test alarms raised before `before` that never came back. */
export async function closeFunctionTestsBefore(ex: Executor, before: Date, now: Date): Promise<AlarmRow[]> {
  return ex
    .update(alarms)
    .set(functionTestClosed(now))
    .where(and(eq(alarms.functionTest, true), isNull(alarms.resolvedAt), lt(alarms.raisedAt, before)))
    .returning();
}

export interface Visibility {
  orgId: string;
  /** Sees every alarm of the organisation (overview roles). */
  all: boolean;
  personId: string | null;
  deviceId: string | null;
}

/** Where a page of the alarm list continues: strictly older than this alarm (newest first). */
export interface AlarmCursor {
  raisedAt: Date;
  id: string;
}

/** The alarms this viewer may see and that are within their retention (`kept`), newest first. */
export async function listVisible(
  ex: Executor,
  v: Visibility,
  kept: SQL,
  open: boolean | undefined,
  limit: number,
  after: AlarmCursor | null = null,
): Promise<AlarmRow[]> {
  const mine = [
    v.personId
      ? sql`(${alarms.id} in (select alarm_id from alarm_steps where person_ids @> array[${v.personId}::uuid])
          or ${alarms.id} in (select alarm_id from alarm_receivers where person_id = ${v.personId}))`
      : undefined,
    v.personId ? sql`${alarms.sender}->>'personId' = ${v.personId}` : undefined,
    v.deviceId ? eq(alarms.deviceId, v.deviceId) : undefined,
  ].filter((x) => x !== undefined);
  const visible = v.all ? eq(alarms.functionTest, false) : or(...mine);
  const openFilter = open === undefined ? undefined : open ? isNull(alarms.resolvedAt) : isNotNull(alarms.resolvedAt);
  const older = after
    ? sql`(${alarms.raisedAt}, ${alarms.id}) < (${after.raisedAt.toISOString()}::timestamptz, ${after.id}::uuid)`
    : undefined;
  return ex
    .select()
    .from(alarms)
    .where(and(eq(alarms.orgId, v.orgId), visible, kept, openFilter, older))
    .orderBy(desc(alarms.raisedAt), desc(alarms.id))
    .limit(limit);
}

export async function canSee(ex: Executor, v: Visibility, alarm: AlarmRow): Promise<boolean> {
  if (alarm.orgId !== v.orgId) return false;
  if (v.all) return true;
  if (v.deviceId && alarm.deviceId === v.deviceId) return true;
  if (!v.personId) return false;
  return alarm.sender.personId === v.personId || isReceiver(ex, alarm.id, v.personId);
}

/** Everything a raise needs to know, read in one statement (see `raiseContext`). */
export interface RaiseContext {
  device: { id: string; kind: string; roomId: string | null; personId: string | null; name: string } | null;
  sender: SenderSnapshot & { roomId: string | null; departmentId: string | null; lastPosition: Position | null };
  /** A phone, a personal button, or a mobile trigger: the alarm is where the person is. */
  mobile: boolean;
  /** The room's place (null: no room, or mobile). */
  room: Omit<LocationSnapshot, 'workstation'> | null;
  /** The most specific plan's steps: the room's, else the department's, else the organisation's. */
  steps: PlanStep[] | null;
  /**
   * Each step's receivers (index = step − 1): the people its targets reach who are not alerted
   * by an earlier step and are not the sender, how many of them are online, and who is not
   * (for the SMS/push fallback, so it need not ask again after the commit).
   */
  receivers: Array<{ ids: string[]; online: number; offline: string[] }>;
  /** Buildings with coordinates, when a position will need a nearby address. */
  buildings: PlacedBuilding[];
}

/**
 * Read what a raise needs in one round trip: the raising device, the sender, the room's place,
 * the plan, and the receivers of every step of that plan with who of them is online (so the
 * decision to widen at once is made before anything is written). Receivers are resolved only
 * when `resolve` is set (a function test alerts nobody).
 */
export async function raiseContext(
  ex: Executor,
  q: {
    orgId: string;
    deviceId: string | null;
    personId: string | null;
    mobileSource: boolean;
    hasPosition: boolean;
    resolve: boolean;
    onlineSince: Date;
    defaultSteps: PlanStep[];
  },
): Promise<RaiseContext> {
  const org = q.orgId;
  const place = {
    floorId: sql`(select floor_id from loc)`,
    departmentId: sql`(select department_id from dept)`,
    buildingId: sql`(select building_id from loc)`,
  };
  const [row] = await rawRows<{
    device: { id: string; kind: string; room_id: string | null; person_id: string | null; name: string } | null;
    sender: {
      id: string;
      first_name: string;
      last_name: string;
      phone: string;
      room_id: string | null;
      department_id: string | null;
      last_position: Position | null;
    } | null;
    mobile: boolean;
    loc: {
      room_id: string;
      floor_id: string;
      building_id: string;
      department_id: string | null;
      building: string;
      address: string;
      floor: string;
      room: string;
    } | null;
    steps: PlanStep[] | null;
    receivers: Array<{ n: number; ids: string; online: number; offline: string }>;
    buildings: PlacedBuilding[];
  }>(
    ex,
    sql`
    with dev as (
      select id, kind, room_id, person_id, name from devices where org_id = ${org} and id = ${q.deviceId}::uuid
    ), snd as (
      select id, first_name, last_name, phone, room_id, department_id, last_position from people
      where org_id = ${org}
        and id = (case when exists (select from dev) then (select person_id from dev) else ${q.personId}::uuid end)
    ), mob as (
      select ${q.mobileSource}::boolean
        or coalesce((select kind = 'phone' or (kind = 'button' and room_id is null) from dev), false) as m
    ), loc as (
      select r.id as room_id, f.id as floor_id, b.id as building_id, r.department_id,
             b.name as building, b.address, f.name as floor, r.name as room
      from rooms r join floors f on f.id = r.floor_id join buildings b on b.id = f.building_id
      where r.org_id = ${org} and not (select m from mob)
        and r.id = (case when exists (select from dev) then (select room_id from dev) else (select room_id from snd) end)
    ), dept as (
      select coalesce((select department_id from loc), (select department_id from snd)) as department_id
    ), plan as (
      select steps from alarm_plans
      where org_id = ${org}
        and (scope->>'kind' = 'organisation'
          or (scope->>'kind' = 'room' and scope->>'roomId' = (select room_id::text from loc))
          or (scope->>'kind' = 'department' and scope->>'departmentId' = (select department_id::text from dept)))
      order by case scope->>'kind' when 'room' then 0 when 'department' then 1 else 2 end
      limit 1
    ), st as (
      select x.n::int as n, x.s
      from jsonb_array_elements(coalesce((select steps from plan), ${JSON.stringify(q.defaultSteps)}::jsonb))
        with ordinality as x(s, n)
      where ${q.resolve}::boolean
    ), cand as (
      select distinct on (t.id) t.id, st.n
      from st cross join lateral (${stepTargetsSql(org, sql`st.s->'targets'`, place)}) as t(id)
      where t.id is distinct from (select id from snd)
      order by t.id, st.n
    )
    select
      (select to_jsonb(dev) from dev) as device,
      (select to_jsonb(snd) from snd) as sender,
      (select m from mob) as mobile,
      (select to_jsonb(loc) from loc) as loc,
      (select steps from plan) as steps,
      coalesce((
        select jsonb_agg(jsonb_build_object('n', n, 'ids', ids, 'online', online, 'offline', offline) order by n)
        from (
          select n, string_agg(id::text, ',') as ids,
            (count(*) filter (where up))::int as online,
            coalesce(string_agg(id::text, ',') filter (where not up), '') as offline
          from (select cand.n, cand.id, ${onlineSql(sql`cand.id`, q.onlineSince)} as up from cand) c
          group by n
        ) g
      ), '[]'::jsonb) as receivers,
      coalesce((
        select jsonb_agg(jsonb_build_object('name', b.name, 'address', b.address, 'lat', b.latitude, 'lon', b.longitude))
        from buildings b
        where b.org_id = ${org} and b.latitude is not null and b.longitude is not null
          and (${q.hasPosition}::boolean or (
            (select kind from dev) = 'button' and (select last_position from snd) is not null))
      ), '[]'::jsonb) as buildings`,
  );
  const r = row!;
  const steps = r.steps;
  const stepCount = (steps ?? q.defaultSteps).length;
  const receivers = Array.from({ length: q.resolve ? stepCount : 0 }, () => ({
    ids: [] as string[],
    online: 0,
    offline: [] as string[],
  }));
  for (const g of r.receivers)
    receivers[g.n - 1] = { ids: g.ids.split(','), online: g.online, offline: g.offline ? g.offline.split(',') : [] };
  const d = r.device;
  const s = r.sender;
  return {
    device: d ? { id: d.id, kind: d.kind, roomId: d.room_id, personId: d.person_id, name: d.name } : null,
    sender: s
      ? {
          personId: s.id,
          firstName: s.first_name,
          lastName: s.last_name,
          phone: s.phone,
          roomId: s.room_id,
          departmentId: s.department_id,
          lastPosition: s.last_position,
        }
      : {
          personId: null,
          firstName: '',
          lastName: 'unbekannt',
          phone: '',
          roomId: null,
          departmentId: null,
          lastPosition: null,
        },
    mobile: r.mobile,
    room: r.loc
      ? {
          roomId: r.loc.room_id,
          floorId: r.loc.floor_id,
          buildingId: r.loc.building_id,
          departmentId: r.loc.department_id,
          building: r.loc.building,
          address: r.loc.address,
          floor: r.loc.floor,
          room: r.loc.room,
        }
      : null,
    steps,
    receivers,
    buildings: r.buildings,
  };
}

/** The location frozen into an alarm raised from a room (or from no room, or on the move). */
export function locationOf(ctx: RaiseContext, workstation: string): LocationSnapshot {
  if (ctx.mobile) return roamingLocation;
  if (!ctx.room) return { ...unknownLocation, workstation };
  return { ...ctx.room, workstation };
}

/**
 * Commit a new alarm in ONE statement (one round trip, its own transaction, synchronous commit):
 * the alarm, its receivers of every alerted step, the audit entry and the `alarm.raised` event
 * (under the organisation's event lock, announced by NOTIFY at commit). Nothing is written when
 * the sender already used this key: then the answer is null (a repeat).
 */
export async function commitRaise(
  ex: Executor,
  a: NewAlarm & { id: string },
  receivers: Array<{ step: number; ids: string[] }>,
  audit: typeof auditLog.$inferInsert,
  event: { type: string; payload: unknown; channel: string },
): Promise<{ eventId: bigint } | null> {
  const at = a.raisedAt.toISOString();
  const insertAlarm = ex.insert(alarms).values(a).onConflictDoNothing().returning({ id: alarms.id });
  const steps = JSON.stringify(receivers.map((r) => ({ s: r.step, ids: r.ids.join(',') })));
  const [row] = await rawRows<{ id: string }>(
    ex,
    sql`
    with a as (${insertAlarm.getSQL()}),
    r as (
      insert into alarm_steps (alarm_id, step, alerted_at, person_ids)
      select a.id, x.s, ${at}::timestamptz, string_to_array(x.ids, ',')::uuid[]
      from a, jsonb_to_recordset(${steps}::jsonb) as x(s int, ids text)
      where x.ids <> ''
      returning 1
    ),
    au as (
      insert into audit_log (org_id, at, actor, actor_person_id, actor_device_id, action, subject, detail, reporter_side)
      select ${audit.orgId}::uuid, ${at}::timestamptz, ${audit.actor}, ${audit.actorPersonId ?? null}::uuid,
        ${audit.actorDeviceId ?? null}::uuid, ${audit.action}, ${audit.subject}, ${JSON.stringify(audit.detail)}::jsonb,
        ${audit.reporterSide ?? false}::boolean
      from a
    ),
    -- The event lock is taken after the receivers are written (the count makes it wait for
    -- them), so concurrent raises queue only for the event insert and the commit.
    l as (select ${eventLockSql(a.orgId)} from a where (select count(*) from r) >= 0),
    ev as (
      insert into events (org_id, type, alarm_id, device_id, payload, at)
      select ${a.orgId}::uuid, ${event.type}, a.id, ${a.deviceId ?? null}::uuid, ${JSON.stringify(event.payload)}::jsonb,
        ${at}::timestamptz
      from a, l
      returning id
    )
    select ev.id::text as id, pg_notify(${event.channel}, ${a.orgId} || ':' || ev.id) from ev`,
  );
  return row ? { eventId: BigInt(row.id) } : null;
}

import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import {
  Name,
  Phone,
  needsFourEyes,
  roleLabels,
  text,
  type DirectoryReport,
  type DirectoryReportEntry,
  type LdapSettings,
  type PlanStep,
  type Role,
} from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Tx } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import { alarmGroupMembers, alarmGroups, alarmPlans, departments, people, rooms, floors } from '../db/schema.js';
import { stepTargetsSql, uuidParam } from '../alarms/targets.js';
import { endAccess } from '../delivery/access.js';
import { deactivatePeople, reactivatePeople } from '../org/deactivate.js';
import { departmentNamed } from '../org/service.js';
import { splitRoles, type RoleRequests } from '../org/role-requests.js';
import type { DirectoryEntry } from './ldap.js';

/** DNs compared as the directory means them: case and spaces after commas do not matter. */
export const normDn = (dn: string): string =>
  dn
    .trim()
    .toLowerCase()
    .replace(/\s*,\s*/g, ',');

const Login = text(200).toLowerCase().min(3, 'Anmeldename kürzer als 3 Zeichen');
const Email = text(320);

/** More than this share of the directory's people deactivated in one run is held for a look first. */
const massDeactivationShare = 0.5;

type PersonRow = typeof people.$inferSelect;

export interface SyncOutcome {
  report: DirectoryReport;
  /** Warnings that hold the run unless accepted (steps below their minimum, mass deactivation). */
  held: boolean;
}

const entryName = (p: { firstName: string; lastName: string }) => `${p.lastName}, ${p.firstName}`;

/**
 * Bring the organisation's people in line with the directory, inside `tx`: the caller commits
 * (applied run) or rolls back (dry run, or held because of warnings). Only people the directory
 * manages are changed; nobody is deleted; mapped roles needing four eyes are filed as requests.
 */
export async function syncPeople(
  tx: Tx,
  orgId: string,
  settings: LdapSettings,
  entries: DirectoryEntry[],
  ctx: { clock: Clock; requests: RoleRequests; by: string },
): Promise<SyncOutcome> {
  const now = ctx.clock.now();
  const system = { system: ctx.by };
  const report: DirectoryReport = {
    read: entries.length,
    added: [],
    changed: [],
    deactivated: [],
    reactivated: [],
    refused: [],
    roleRequests: [],
    warnings: [],
  };
  const before = await receiverCounts(tx, orgId);

  const roleMap = new Map(Object.entries(settings.roleMapping).map(([dn, r]) => [normDn(dn), r]));
  const groupMap = new Map(Object.entries(settings.groupMapping).map(([dn, g]) => [normDn(dn), g]));
  const managedRoles = new Set([...roleMap.values()].flat());

  const everyone = await tx.select().from(people).where(eq(people.orgId, orgId));
  const byExternal = new Map(everyone.filter((p) => p.externalId).map((p) => [p.externalId!, p]));
  const byLogin = new Map(everyone.filter((p) => p.login).map((p) => [p.login!, p]));
  const deps = await tx.select().from(departments).where(eq(departments.orgId, orgId));
  const depByName = new Map(deps.map((d) => [d.name.toLowerCase(), d.id]));
  const depName = new Map(deps.map((d) => [d.id, d.name]));
  const departmentId = async (name: string): Promise<string | null> => {
    if (!name) return null;
    let id = depByName.get(name.toLowerCase());
    if (!id) {
      id = await departmentNamed(tx, orgId, name);
      depByName.set(name.toLowerCase(), id);
      depName.set(id, name);
    }
    return id;
  };
  // Alarm groups the directory fills: created when missing, their members follow the directory.
  const groupIds = new Map<string, string>();
  for (const name of new Set(groupMap.values())) {
    const [g] = await tx
      .select({ id: alarmGroups.id })
      .from(alarmGroups)
      .where(and(eq(alarmGroups.orgId, orgId), eq(alarmGroups.name, name)));
    groupIds.set(name, g?.id ?? (await tx.insert(alarmGroups).values({ orgId, name }).returning())[0]!.id);
  }
  const mappedGroupIds = [...groupIds.values()];
  const memberships = mappedGroupIds.length
    ? await tx.select().from(alarmGroupMembers).where(inArray(alarmGroupMembers.groupId, mappedGroupIds))
    : [];
  const memberOf = new Map<string, Set<string>>();
  for (const m of memberships) memberOf.set(m.personId, (memberOf.get(m.personId) ?? new Set()).add(m.groupId));

  const seen = new Set<string>();
  const seenLogins = new Set<string>();
  const toDeactivate: Array<{ id: string; entry: DirectoryReportEntry }> = [];
  const toReactivate: Array<{ id: string; entry: DirectoryReportEntry }> = [];

  for (const e of entries) {
    const problems: string[] = [];
    const login = Login.safeParse(e.login);
    const first = Name.safeParse(e.firstName);
    const last = Name.safeParse(e.lastName);
    const label = { login: e.login || e.dn, name: `${e.lastName || '?'}, ${e.firstName || '?'}` };
    if (!login.success) problems.push(`Anmeldename: ${login.error.issues[0]!.message}`);
    if (!first.success) problems.push(`Vorname (${settings.attributes.firstName}) fehlt`);
    if (!last.success) problems.push(`Nachname (${settings.attributes.lastName}) fehlt`);
    if (!e.externalId) problems.push(`Kennung (${settings.attributes.externalId}) fehlt`);
    if (login.success && seenLogins.has(login.data)) problems.push('Anmeldename doppelt im Verzeichnis');
    if (problems.length || !login.success || !first.success || !last.success) {
      report.refused.push({ ...label, details: problems });
      // Still listed in the directory: a bad attribute is no reason to stop alerting the person.
      const known = e.externalId ? byExternal.get(e.externalId) : undefined;
      if (known) seen.add(known.id);
      continue;
    }
    seenLogins.add(login.data);
    const phone = Phone.safeParse(e.phone);
    const email = Email.safeParse(e.email);
    const details: string[] = [];
    if (!phone.success) details.push(`Telefon „${e.phone}“ nicht übernommen: ${phone.error.issues[0]!.message}`);
    // By the directory's lasting id; by login only a person nobody linked yet (entered by hand).
    // A login that belongs to someone with another directory id is a reused login, not them.
    const byName = byLogin.get(login.data);
    if (!byExternal.has(e.externalId) && byName?.externalId) {
      report.refused.push({
        ...label,
        details: ['Anmeldename gehört in Wachsam einer anderen Person des Verzeichnisses (wiederverwendeter Name?)'],
      });
      continue;
    }
    // Someone entered by hand with a role needing four eyes is not taken over on the login alone.
    if (!byExternal.has(e.externalId) && byName && byName.roles.some(needsFourEyes)) {
      report.refused.push({
        ...label,
        details: [
          `von Hand angelegt mit der Rolle ${byName.roles
            .filter(needsFourEyes)
            .map((r) => roleLabels[r])
            .join(', ')}: wird nicht allein über den Anmeldenamen übernommen`,
        ],
      });
      continue;
    }
    const match = byExternal.get(e.externalId) ?? byName;
    // A renamed login must not collide with another person's.
    const holder = byLogin.get(login.data);
    if (match && holder && holder.id !== match.id) {
      report.refused.push({ ...label, details: ['neuer Anmeldename ist schon vergeben'] });
      seen.add(match.id);
      continue;
    }
    if (match?.managedBy === 'scim') {
      report.refused.push({ ...label, details: ['wird über SCIM (Entra ID) gepflegt, nicht über LDAP'] });
      seen.add(match.id);
      continue;
    }
    if (!match || match.login !== login.data) {
      const [elsewhere] = await tx
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.login, login.data), ne(people.orgId, orgId)));
      if (elsewhere) {
        report.refused.push({ ...label, details: ['Anmeldename ist in einer anderen Organisation vergeben'] });
        continue;
      }
    }
    const groups = e.groups.map(normDn);
    const mappedRoles = [...new Set(groups.flatMap((g) => roleMap.get(g) ?? []))];
    const wantedGroups = new Set(groups.flatMap((g) => (groupMap.has(g) ? [groupIds.get(groupMap.get(g)!)!] : [])));
    const dep = e.department ? Name.safeParse(e.department) : null;
    if (dep && !dep.success)
      details.push(`Abteilung „${e.department.slice(0, 50)}“ nicht übernommen: ${dep.error.issues[0]!.message}`);
    const depId = dep?.success ? await departmentId(dep.data) : null;
    const values = {
      login: login.data,
      firstName: first.data,
      lastName: last.data,
      email: email.success && email.data ? email.data : null,
      ...(phone.success ? { phone: phone.data } : {}),
      departmentId: depId,
      externalId: e.externalId,
      managedBy: 'ldap' as const,
    };

    if (!match) {
      if (e.disabled) continue; // disabled and never here: nothing to do
      const split = splitRoles([], ['employee', ...mappedRoles]);
      const [created] = await tx
        .insert(people)
        .values({ ...values, orgId, roles: split.now })
        .returning();
      await ctx.requests.file(tx, { ...system, orgId }, created!, split.requested);
      await setGroups(tx, created!.id, wantedGroups, new Set(), mappedGroupIds);
      report.added.push({ login: login.data, name: entryName(created!), details });
      if (split.requested.length)
        report.roleRequests.push({
          login: login.data,
          name: entryName(created!),
          details: split.requested.map((r) => roleLabels[r]),
        });
      await appendAudit(tx, {
        orgId,
        at: now,
        actor: system,
        action: 'person.created',
        subject: `Person ${created!.firstName} ${created!.lastName}`,
        detail: { personId: created!.id, source: 'ldap' },
      });
      continue;
    }

    seen.add(match.id);
    // Roles the mapping manages follow the groups; roles given by hand stay.
    const kept = match.roles.filter((r) => !managedRoles.has(r));
    const split = splitRoles(match.roles, [...new Set([...kept, ...mappedRoles])]);
    const changes = describeChanges(match, { ...values, roles: split.now }, depName);
    const had = memberOf.get(match.id) ?? new Set<string>();
    const groupChanges = await setGroups(tx, match.id, wantedGroups, had, mappedGroupIds);
    changes.push(...groupChanges);
    if (changes.length) {
      await tx
        .update(people)
        .set({ ...values, roles: split.now })
        .where(eq(people.id, match.id));
      if (!sameRoles(match.roles, split.now))
        await endAccess(tx, { scope: 'sessions-of', personId: match.id }, 'roles_changed');
      report.changed.push({ login: login.data, name: entryName(values), details: [...changes, ...details] });
      await appendAudit(tx, {
        orgId,
        at: now,
        actor: system,
        action: 'person.updated',
        subject: `Person ${values.firstName} ${values.lastName}`,
        detail: { personId: match.id, source: 'ldap', changes },
      });
    }
    if (split.requested.length) {
      await ctx.requests.file(tx, { ...system, orgId }, match, split.requested);
      report.roleRequests.push({
        login: login.data,
        name: entryName(values),
        details: split.requested.map((r) => roleLabels[r]),
      });
    }
    const entry = { login: login.data, name: entryName(values), details: [] as string[] };
    if (e.disabled && match.deactivatedAt === null)
      toDeactivate.push({ id: match.id, entry: { ...entry, details: ['im Verzeichnis deaktiviert'] } });
    if (!e.disabled && match.deactivatedAt !== null) toReactivate.push({ id: match.id, entry });
  }

  // People this directory manages that it no longer lists: left the groups, or deleted.
  for (const p of everyone)
    if (p.managedBy === 'ldap' && p.deactivatedAt === null && !seen.has(p.id))
      toDeactivate.push({
        id: p.id,
        entry: {
          login: p.login ?? '',
          name: entryName(p),
          details: ['nicht mehr in den gewählten Gruppen des Verzeichnisses'],
        },
      });

  const managed = everyone.filter((p) => p.managedBy === 'ldap' && p.deactivatedAt === null).length;
  if (toDeactivate.length > 5 && toDeactivate.length > managed * massDeactivationShare)
    report.warnings.push(
      `${toDeactivate.length} von ${managed} Personen würden deaktiviert: Filter und Gruppen prüfen (Sicherheitsstopp)`,
    );
  const reason = `Verzeichnisabgleich: ${ctx.by}`;
  await deactivatePeople(
    tx,
    orgId,
    toDeactivate.map((d) => d.id),
    now,
    system,
    reason,
  );
  report.deactivated.push(...toDeactivate.map((d) => d.entry));
  await reactivatePeople(
    tx,
    orgId,
    toReactivate.map((d) => d.id),
    now,
    system,
  );
  report.reactivated.push(...toReactivate.map((d) => d.entry));

  report.warnings.push(...belowMinimum(before, await receiverCounts(tx, orgId)));
  return { report, held: report.warnings.length > 0 };
}

const sameRoles = (a: readonly Role[], b: readonly Role[]) => a.length === b.length && a.every((r) => b.includes(r));

function describeChanges(
  p: PersonRow,
  v: {
    login: string;
    firstName: string;
    lastName: string;
    email: string | null;
    phone?: string;
    departmentId: string | null;
    externalId: string;
    roles: Role[];
  },
  depName: Map<string, string>,
): string[] {
  const out: string[] = [];
  const diff = (what: string, a: string | null, b: string | null) => {
    if ((a ?? '') !== (b ?? '')) out.push(`${what}: ${a || '–'} → ${b || '–'}`);
  };
  diff('Anmeldename', p.login, v.login);
  diff('Vorname', p.firstName, v.firstName);
  diff('Nachname', p.lastName, v.lastName);
  diff('E-Mail', p.email, v.email);
  if (v.phone !== undefined) diff('Telefon', p.phone, v.phone);
  diff(
    'Abteilung',
    p.departmentId ? (depName.get(p.departmentId) ?? '') : '',
    v.departmentId ? (depName.get(v.departmentId) ?? '') : '',
  );
  if (p.externalId !== v.externalId) out.push('vom Verzeichnis übernommen');
  const added = v.roles.filter((r) => !p.roles.includes(r));
  const removed = p.roles.filter((r) => !v.roles.includes(r));
  for (const r of added) out.push(`+ Rolle ${roleLabels[r]}`);
  for (const r of removed) out.push(`− Rolle ${roleLabels[r]}`);
  return out;
}

/** Membership of the directory's alarm groups follows the directory; other groups are left alone. */
async function setGroups(
  tx: Tx,
  personId: string,
  wanted: Set<string>,
  had: Set<string>,
  mapped: string[],
): Promise<string[]> {
  const add = [...wanted].filter((g) => !had.has(g));
  const remove = [...had].filter((g) => !wanted.has(g) && mapped.includes(g));
  if (add.length)
    await tx
      .insert(alarmGroupMembers)
      .values(add.map((groupId) => ({ groupId, personId })))
      .onConflictDoNothing();
  if (remove.length)
    await tx
      .delete(alarmGroupMembers)
      .where(and(eq(alarmGroupMembers.personId, personId), inArray(alarmGroupMembers.groupId, remove)));
  if (!add.length && !remove.length) return [];
  const names = await tx
    .select({ id: alarmGroups.id, name: alarmGroups.name })
    .from(alarmGroups)
    .where(inArray(alarmGroups.id, [...add, ...remove]));
  const name = new Map(names.map((n) => [n.id, n.name]));
  return [...add.map((g) => `+ Alarmgruppe ${name.get(g)}`), ...remove.map((g) => `− Alarmgruppe ${name.get(g)}`)];
}

interface Counts {
  /** "Alarmplan X, Stufe N" → [receivers, minimum]. */
  steps: Map<string, [number, number]>;
  /** Alarm group name → active members. */
  groups: Map<string, number>;
}

/**
 * Who each plan step and alarm group reaches now (active people only, as an alarm would find
 * them). A room-scoped plan's relative targets (floor, department, building) are resolved at its
 * room; other plans count their fixed targets (people, groups, roles).
 */
async function receiverCounts(tx: Tx, orgId: string): Promise<Counts> {
  const steps = new Map<string, [number, number]>();
  const plans = await tx.select().from(alarmPlans).where(eq(alarmPlans.orgId, orgId));
  for (const plan of plans) {
    const roomId = plan.scope.kind === 'room' ? plan.scope.roomId : null;
    const [place] = roomId
      ? await tx
          .select({ floorId: rooms.floorId, departmentId: rooms.departmentId, buildingId: floors.buildingId })
          .from(rooms)
          .innerJoin(floors, eq(floors.id, rooms.floorId))
          .where(eq(rooms.id, roomId))
      : [];
    for (const [i, step] of (plan.steps as PlanStep[]).entries()) {
      const [row] = await rawRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from (${stepTargetsSql(orgId, sql`${JSON.stringify(step.targets)}::jsonb`, {
          floorId: uuidParam(place?.floorId ?? null),
          departmentId: uuidParam(place?.departmentId ?? null),
          buildingId: uuidParam(place?.buildingId ?? null),
        })}) t`,
      );
      steps.set(`Alarmplan „${plan.name}“, Stufe ${i + 1}`, [row!.n, step.minOnline ?? 1]);
    }
  }
  const groups = new Map<string, number>();
  const rows = await tx
    .select({ name: alarmGroups.name, n: sql<number>`count(${people.id})::int` })
    .from(alarmGroups)
    .leftJoin(alarmGroupMembers, eq(alarmGroupMembers.groupId, alarmGroups.id))
    .leftJoin(people, and(eq(people.id, alarmGroupMembers.personId), isNull(people.deactivatedAt)))
    .where(eq(alarmGroups.orgId, orgId))
    .groupBy(alarmGroups.id, alarmGroups.name);
  for (const r of rows) groups.set(r.name, r.n);
  return { steps, groups };
}

/** What the change leaves below its minimum that was not below it before. */
function belowMinimum(before: Counts, after: Counts): string[] {
  const out: string[] = [];
  for (const [what, [n, min]] of after.steps) {
    const was = before.steps.get(what)?.[0] ?? 0;
    if (n < min && n < was) out.push(`${what}: nur noch ${n} Empfänger (vorher ${was}, Mindestanzahl ${min})`);
  }
  for (const [name, n] of after.groups) {
    const was = before.groups.get(name) ?? 0;
    if (n === 0 && was > 0) out.push(`Alarmgruppe „${name}“: danach ohne aktive Mitglieder (vorher ${was})`);
  }
  return out;
}

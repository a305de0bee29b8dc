import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, asc, count, desc, eq, inArray, isNull, ne } from 'drizzle-orm';
import { Name, Phone, needsFourEyes, roleLabels, routes, scimBasePath, text, type ScimToken } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { actorLabel } from '../auth/actor.js';
import type { AuthService } from '../auth/service.js';
import { newToken, sha256 } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { alarmGroupMembers, alarmGroups, departments, people, scimTokens } from '../db/schema.js';
import { uniqueViolation } from '../db/errors.js';
import { AppError, notFound } from '../http/errors.js';
import { register } from '../http/register.js';
import { deactivatePeople, reactivatePeople } from '../org/deactivate.js';
import { departmentNamed } from '../org/service.js';

// SCIM 2.0 (RFC 7643/7644) as Microsoft Entra ID provisions: Users (userName = login, active
// false = deactivated, never deleted) and Groups (= alarm groups). Behind its own bearer token
// per organisation; errors in SCIM's own shape.

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';
const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }
}

type PersonRow = typeof people.$inferSelect;
type Json = Record<string, unknown>;

const Login = text(200).toLowerCase().min(3, 'userName: mindestens 3 Zeichen');

/** Entra has sent booleans as the strings "True" / "False". */
const bool = (v: unknown): boolean | undefined => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (v === undefined) return undefined;
  throw new ScimError(400, `Kein Wahrheitswert: ${JSON.stringify(v).slice(0, 40)}`, 'invalidValue');
};

/** The objects of a multi-valued attribute; anything else in it is a malformed request. */
function objects(v: unknown): Json[] {
  if (!Array.isArray(v)) return [];
  if (!v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)))
    throw new ScimError(400, 'Ungültiger Eintrag in einer Liste (Objekt erwartet)', 'invalidValue');
  return v as Json[];
}

/** Who SCIM must not change: people the LDAP sync keeps, and holders of four-eyes roles (administration, register). */
function guarded(p: PersonRow): void {
  if (p.managedBy === 'ldap')
    throw new ScimError(409, 'Diese Person wird über die LDAP-Synchronisation gepflegt, nicht über SCIM', 'mutability');
  const roles = p.roles.filter(needsFourEyes);
  if (roles.length)
    throw new ScimError(
      409,
      `Person mit der Rolle ${roles.map((r) => roleLabels[r]).join(', ')}: wird in Wachsam mit Vier-Augen-Freigabe gepflegt, nicht über SCIM`,
      'mutability',
    );
}

/** A simple SCIM filter `attr eq "value"`: what Entra sends to find a user or group before creating it. */
export function parseFilter(filter: string | undefined): { attr: string; value: string } | null {
  if (!filter) return null;
  const m = /^\s*([A-Za-z.:0-9]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  if (!m) throw new ScimError(400, `Filter wird nicht unterstützt: ${filter}`, 'invalidFilter');
  return { attr: m[1]!.toLowerCase(), value: m[2]!.replace(/\\(.)/g, '$1') };
}

export class Scim {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  // --- tokens (administration) -------------------------------------------------------------------

  listTokens = async (orgId: string): Promise<ScimToken[]> =>
    (
      await this.db.select().from(scimTokens).where(eq(scimTokens.orgId, orgId)).orderBy(desc(scimTokens.createdAt))
    ).map(presentToken);

  createToken = async (actor: Parameters<typeof actorLabel>[0], name: string) => {
    const secret = `wsscim_${newToken()}`;
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(scimTokens)
        .values({
          orgId: actor.orgId,
          name,
          tokenHash: sha256(secret),
          createdBy: actorLabel(actor),
          createdAt: this.clock.now(),
        })
        .returning();
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'scim_token.created',
        subject: `SCIM-Zugang ${name}`,
      });
      return { ...presentToken(row!), secret };
    });
  };

  revokeToken = (actor: Parameters<typeof actorLabel>[0], id: string) =>
    this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(scimTokens)
        .set({ revokedAt: this.clock.now() })
        .where(and(eq(scimTokens.orgId, actor.orgId), eq(scimTokens.id, id), isNull(scimTokens.revokedAt)))
        .returning();
      if (!row) {
        const [was] = await tx
          .select()
          .from(scimTokens)
          .where(and(eq(scimTokens.orgId, actor.orgId), eq(scimTokens.id, id)));
        if (!was) throw notFound('SCIM-Zugang');
        return presentToken(was);
      }
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'scim_token.revoked',
        subject: `SCIM-Zugang ${row.name}`,
      });
      return presentToken(row);
    });

  /** The organisation and name of a bearer token, or 401 in SCIM's shape. */
  async caller(req: FastifyRequest): Promise<{ orgId: string; name: string }> {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw new ScimError(401, 'Bearer-Token fehlt');
    const now = this.clock.now();
    const [t] = await this.db
      .select()
      .from(scimTokens)
      .where(and(eq(scimTokens.tokenHash, sha256(m[1]!)), isNull(scimTokens.revokedAt)));
    if (!t) throw new ScimError(401, 'Token unbekannt oder widerrufen');
    if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > 60_000)
      await this.db.update(scimTokens).set({ lastUsedAt: now }).where(eq(scimTokens.id, t.id));
    return { orgId: t.orgId, name: t.name };
  }

  // --- users ---------------------------------------------------------------------------------------

  private userOut(p: PersonRow, department: string | null): Json {
    return {
      schemas: [userSchema, enterprise],
      id: p.id,
      externalId: p.externalId ?? undefined,
      userName: p.login ?? '',
      name: { givenName: p.firstName, familyName: p.lastName, formatted: `${p.firstName} ${p.lastName}` },
      displayName: `${p.firstName} ${p.lastName}`,
      active: p.deactivatedAt === null,
      emails: p.email ? [{ value: p.email, type: 'work', primary: true }] : [],
      phoneNumbers: p.phone ? [{ value: p.phone, type: 'work' }] : [],
      [enterprise]: department ? { department } : {},
      meta: { resourceType: 'User', location: `${this.baseUrl()}${scimBasePath}/Users/${p.id}` },
    };
  }

  private async present(ex: Db | Tx, p: PersonRow): Promise<Json> {
    const [d] = p.departmentId
      ? await ex.select({ name: departments.name }).from(departments).where(eq(departments.id, p.departmentId))
      : [];
    return this.userOut(p, d?.name ?? null);
  }

  async listUsers(orgId: string, q: { filter?: string; startIndex?: string; count?: string }): Promise<Json> {
    const f = parseFilter(q.filter);
    const { start, size } = pageOf(q);
    const where = and(
      eq(people.orgId, orgId),
      f
        ? f.attr === 'username'
          ? eq(people.login, f.value.toLowerCase())
          : f.attr === 'externalid'
            ? eq(people.externalId, f.value)
            : f.attr === 'id'
              ? eq(people.id, isUuid(f.value) ? f.value : '00000000-0000-0000-0000-000000000000')
              : unsupported(f.attr)
        : undefined,
    );
    const [{ n }] = (await this.db.select({ n: count() }).from(people).where(where)) as [{ n: number }];
    const rows = await this.db
      .select()
      .from(people)
      .where(where)
      .orderBy(asc(people.lastName), asc(people.id))
      .offset(start - 1)
      .limit(size);
    const resources = [];
    for (const p of rows) resources.push(await this.present(this.db, p));
    return listResponse(n, start, resources);
  }

  async getUser(orgId: string, id: string): Promise<Json> {
    return this.present(this.db, await this.person(this.db, orgId, id));
  }

  private async person(ex: Db | Tx, orgId: string, id: string): Promise<PersonRow> {
    const [p] = isUuid(id)
      ? await ex
          .select()
          .from(people)
          .where(and(eq(people.orgId, orgId), eq(people.id, id)))
      : [];
    if (!p) throw new ScimError(404, `Benutzer ${id} nicht gefunden`);
    return p;
  }

  /** The writable fields of a SCIM user, checked as every other input is. */
  private fields(body: Json): {
    login?: string;
    firstName?: string;
    lastName?: string;
    email?: string | null;
    phone?: string;
    externalId?: string;
    department?: string | null;
    active?: boolean;
  } {
    const out: ReturnType<Scim['fields']> = {};
    const check = <T>(
      schema: {
        safeParse(
          v: unknown,
        ): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } };
      },
      v: unknown,
      what: string,
    ): T => {
      const r = schema.safeParse(v);
      if (!r.success) throw new ScimError(400, `${what}: ${r.error.issues[0]!.message}`, 'invalidValue');
      return r.data;
    };
    if (body.userName !== undefined) out.login = check(Login, body.userName, 'userName');
    const name = (body.name ?? {}) as Json;
    if (name.givenName !== undefined) out.firstName = check(Name, name.givenName, 'name.givenName');
    if (name.familyName !== undefined) out.lastName = check(Name, name.familyName, 'name.familyName');
    if (Array.isArray(body.emails)) {
      const e = objects(body.emails).find((x) => bool(x.primary)) ?? objects(body.emails)[0];
      out.email = e?.value ? check(text(320), e.value, 'emails') : null;
    }
    if (Array.isArray(body.phoneNumbers)) {
      const ph = objects(body.phoneNumbers).find((x) => x.type === 'work') ?? objects(body.phoneNumbers)[0];
      out.phone = ph?.value ? check(Phone, ph.value, 'phoneNumbers') : '';
    }
    if (body.externalId !== undefined) out.externalId = check(text(200).min(1), body.externalId, 'externalId');
    const ext = body[enterprise] as Json | undefined;
    if (ext && ext.department !== undefined)
      out.department = ext.department ? check(Name, ext.department, 'department') : null;
    if (body.active !== undefined) out.active = bool(body.active);
    return out;
  }

  async createUser(caller: { orgId: string; name: string }, body: Json): Promise<Json> {
    const f = this.fields(body);
    if (!f.login) throw new ScimError(400, 'userName fehlt', 'invalidValue');
    if (!f.firstName || !f.lastName)
      throw new ScimError(400, 'name.givenName und name.familyName nötig', 'invalidValue');
    return this.db.transaction(async (tx) => {
      const [taken] = await tx.select({ id: people.id }).from(people).where(eq(people.login, f.login!));
      if (taken) throw new ScimError(409, `userName ${f.login} ist schon vergeben`, 'uniqueness');
      const [p] = await tx
        .insert(people)
        .values({
          orgId: caller.orgId,
          login: f.login!,
          firstName: f.firstName!,
          lastName: f.lastName!,
          email: f.email ?? null,
          phone: f.phone ?? '',
          externalId: f.externalId ?? null,
          departmentId: await this.departmentId(tx, caller.orgId, f.department ?? null),
          managedBy: 'scim',
          roles: ['employee'],
          deactivatedAt: f.active === false ? this.clock.now() : null,
        })
        .returning();
      await this.audit(tx, caller, 'person.created', p!);
      return this.present(tx, p!);
    });
  }

  async replaceUser(caller: { orgId: string; name: string }, id: string, body: Json): Promise<Json> {
    return this.update(caller, id, this.fields(body));
  }

  async patchUser(caller: { orgId: string; name: string }, id: string, body: Json): Promise<Json> {
    const ops = patchOps(body);
    const merged: Json = {};
    for (const op of ops) {
      if (op.op === 'remove') continue; // removing a value of a person is not something Entra needs here
      const path = op.path?.toLowerCase();
      const v = op.value;
      if (!path && v && typeof v === 'object') Object.assign(merged, expandPaths(v as Json));
      else if (path === 'active') merged.active = v;
      else if (path === 'username') merged.userName = v;
      else if (path === 'externalid') merged.externalId = v;
      else if (path === 'name.givenname') merged.name = { ...((merged.name as Json) ?? {}), givenName: v };
      else if (path === 'name.familyname') merged.name = { ...((merged.name as Json) ?? {}), familyName: v };
      else if (path?.startsWith('emails')) merged.emails = [{ value: v, primary: true }];
      else if (path?.startsWith('phonenumbers')) merged.phoneNumbers = [{ value: v, type: 'work' }];
      else if (path === `${enterprise}:department`.toLowerCase()) merged[enterprise] = { department: v };
      // Other attributes (displayName, title, addresses …) are not kept by Wachsam: ignored, as SCIM allows.
    }
    return this.update(caller, id, this.fields(merged));
  }

  private update(caller: { orgId: string; name: string }, id: string, f: ReturnType<Scim['fields']>): Promise<Json> {
    return this.db.transaction(async (tx) => {
      const before = await this.person(tx, caller.orgId, id);
      guarded(before);
      if (f.login && f.login !== before.login) {
        const [taken] = await tx
          .select({ id: people.id })
          .from(people)
          .where(and(eq(people.login, f.login), ne(people.id, before.id)));
        if (taken) throw new ScimError(409, `userName ${f.login} ist schon vergeben`, 'uniqueness');
      }
      const [p] = await tx
        .update(people)
        .set({
          ...(f.login ? { login: f.login } : {}),
          ...(f.firstName ? { firstName: f.firstName } : {}),
          ...(f.lastName ? { lastName: f.lastName } : {}),
          ...(f.email !== undefined ? { email: f.email } : {}),
          ...(f.phone !== undefined ? { phone: f.phone } : {}),
          ...(f.externalId !== undefined ? { externalId: f.externalId } : {}),
          ...(f.department !== undefined
            ? { departmentId: await this.departmentId(tx, caller.orgId, f.department) }
            : {}),
          managedBy: 'scim',
        })
        .where(eq(people.id, before.id))
        .returning();
      const by = { system: `SCIM ${caller.name}` };
      if (f.active === false)
        await deactivatePeople(tx, caller.orgId, [before.id], this.clock.now(), by, 'SCIM: active=false');
      if (f.active === true && before.deactivatedAt)
        await reactivatePeople(tx, caller.orgId, [before.id], this.clock.now(), by);
      await this.audit(tx, caller, 'person.updated', p!);
      return this.present(tx, (await this.person(tx, caller.orgId, id)) ?? p!);
    });
  }

  /** DELETE deactivates: the person's alarms, reports and audit stay theirs. */
  async deleteUser(caller: { orgId: string; name: string }, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const p = await this.person(tx, caller.orgId, id);
      guarded(p);
      await deactivatePeople(
        tx,
        caller.orgId,
        [p.id],
        this.clock.now(),
        { system: `SCIM ${caller.name}` },
        'SCIM: gelöscht',
      );
    });
  }

  // --- groups (alarm groups) -----------------------------------------------------------------------

  private async groupOut(ex: Db | Tx, g: { id: string; name: string }): Promise<Json> {
    const members = await ex
      .select({ id: people.id, first: people.firstName, last: people.lastName })
      .from(alarmGroupMembers)
      .innerJoin(people, eq(people.id, alarmGroupMembers.personId))
      .where(eq(alarmGroupMembers.groupId, g.id));
    return {
      schemas: [groupSchema],
      id: g.id,
      displayName: g.name,
      members: members.map((m) => ({
        value: m.id,
        display: `${m.first} ${m.last}`,
        $ref: `${this.baseUrl()}${scimBasePath}/Users/${m.id}`,
      })),
      meta: { resourceType: 'Group', location: `${this.baseUrl()}${scimBasePath}/Groups/${g.id}` },
    };
  }

  private async group(ex: Db | Tx, orgId: string, id: string) {
    const [g] = isUuid(id)
      ? await ex
          .select()
          .from(alarmGroups)
          .where(and(eq(alarmGroups.orgId, orgId), eq(alarmGroups.id, id)))
      : [];
    if (!g) throw new ScimError(404, `Gruppe ${id} nicht gefunden`);
    return g;
  }

  async listGroups(orgId: string, q: { filter?: string; startIndex?: string; count?: string }): Promise<Json> {
    const f = parseFilter(q.filter);
    const where = and(
      eq(alarmGroups.orgId, orgId),
      f
        ? f.attr === 'displayname'
          ? eq(alarmGroups.name, f.value)
          : f.attr === 'id' && isUuid(f.value)
            ? eq(alarmGroups.id, f.value)
            : unsupported(f.attr)
        : undefined,
    );
    const { start, size } = pageOf(q);
    const [{ n }] = (await this.db.select({ n: count() }).from(alarmGroups).where(where)) as [{ n: number }];
    const rows = await this.db
      .select()
      .from(alarmGroups)
      .where(where)
      .orderBy(asc(alarmGroups.name))
      .offset(start - 1)
      .limit(size);
    const resources = [];
    for (const g of rows) resources.push(await this.groupOut(this.db, g));
    return listResponse(n, start, resources);
  }

  getGroup = async (orgId: string, id: string) => this.groupOut(this.db, await this.group(this.db, orgId, id));

  async createGroup(caller: { orgId: string; name: string }, body: Json): Promise<Json> {
    const r = Name.safeParse(body.displayName);
    if (!r.success) throw new ScimError(400, `displayName: ${r.error.issues[0]!.message}`, 'invalidValue');
    return this.db.transaction(async (tx) => {
      const [g] = await tx.insert(alarmGroups).values({ orgId: caller.orgId, name: r.data }).returning();
      const members = Array.isArray(body.members) ? objects(body.members).map((m) => String(m.value)) : [];
      await this.addMembers(tx, caller.orgId, g!.id, members);
      await appendAudit(tx, {
        orgId: caller.orgId,
        at: this.clock.now(),
        actor: { system: `SCIM ${caller.name}` },
        action: 'group.created',
        subject: `Alarmgruppe ${g!.name}`,
      });
      return this.groupOut(tx, g!);
    });
  }

  async patchGroup(caller: { orgId: string; name: string }, id: string, body: Json): Promise<Json> {
    return this.db.transaction(async (tx) => {
      const g = await this.group(tx, caller.orgId, id);
      for (const op of patchOps(body)) {
        const path = op.path?.toLowerCase() ?? '';
        const values = Array.isArray(op.value) ? objects(op.value).map((m) => String(m.value)) : [];
        const filtered = /^members\[value eq "([^"]+)"\]$/i.exec(op.path ?? '');
        if (op.op === 'add' && path === 'members') await this.addMembers(tx, caller.orgId, g.id, values);
        else if (op.op === 'remove' && (path === 'members' || filtered)) {
          const ids = filtered ? [filtered[1]!] : values;
          if (path === 'members' && ids.length === 0)
            await tx.delete(alarmGroupMembers).where(eq(alarmGroupMembers.groupId, g.id));
          else if (ids.length)
            await tx
              .delete(alarmGroupMembers)
              .where(and(eq(alarmGroupMembers.groupId, g.id), inArray(alarmGroupMembers.personId, ids.filter(isUuid))));
        } else if (op.op === 'replace' && path === 'members') {
          await tx.delete(alarmGroupMembers).where(eq(alarmGroupMembers.groupId, g.id));
          await this.addMembers(tx, caller.orgId, g.id, values);
        } else if (
          op.op === 'replace' &&
          (path === 'displayname' || (!path && op.value && typeof op.value === 'object'))
        ) {
          const name = path ? op.value : (op.value as Json).displayName;
          const r = Name.safeParse(name);
          if (!r.success) throw new ScimError(400, `displayName: ${r.error.issues[0]!.message}`, 'invalidValue');
          await tx.update(alarmGroups).set({ name: r.data }).where(eq(alarmGroups.id, g.id));
        } else
          throw new ScimError(400, `PATCH ${op.op} ${op.path ?? ''} wird für Gruppen nicht unterstützt`, 'invalidPath');
      }
      await appendAudit(tx, {
        orgId: caller.orgId,
        at: this.clock.now(),
        actor: { system: `SCIM ${caller.name}` },
        action: 'group.updated',
        subject: `Alarmgruppe ${g.name}`,
      });
      return this.groupOut(tx, await this.group(tx, caller.orgId, id));
    });
  }

  async deleteGroup(caller: { orgId: string; name: string }, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const g = await this.group(tx, caller.orgId, id);
      try {
        await tx.delete(alarmGroups).where(eq(alarmGroups.id, g.id));
      } catch {
        throw new ScimError(409, 'Die Alarmgruppe wird noch in einem Alarmplan verwendet');
      }
      await appendAudit(tx, {
        orgId: caller.orgId,
        at: this.clock.now(),
        actor: { system: `SCIM ${caller.name}` },
        action: 'group.deleted',
        subject: `Alarmgruppe ${g.name}`,
      });
    });
  }

  private async addMembers(tx: Tx, orgId: string, groupId: string, ids: string[]): Promise<void> {
    const valid = ids.filter(isUuid);
    const found = valid.length
      ? await tx
          .select({ id: people.id })
          .from(people)
          .where(and(eq(people.orgId, orgId), inArray(people.id, valid)))
      : [];
    if (found.length !== new Set(ids).size)
      throw new ScimError(400, 'Unbekanntes Mitglied (kein Benutzer dieser Organisation)', 'invalidValue');
    if (found.length)
      await tx
        .insert(alarmGroupMembers)
        .values(found.map((p) => ({ groupId, personId: p.id })))
        .onConflictDoNothing();
  }

  private async departmentId(tx: Tx, orgId: string, name: string | null): Promise<string | null> {
    return name ? departmentNamed(tx, orgId, name) : null;
  }

  private audit(tx: Tx, caller: { orgId: string; name: string }, action: string, p: PersonRow) {
    return appendAudit(tx, {
      orgId: caller.orgId,
      at: this.clock.now(),
      actor: { system: `SCIM ${caller.name}` },
      action,
      subject: `Person ${p.firstName} ${p.lastName}`,
      detail: { personId: p.id, source: 'scim' },
    });
  }
}

/** SCIM paging: `startIndex` counts from 1, `count` at most 200. */
function pageOf(q: { startIndex?: string; count?: string }): { start: number; size: number } {
  return {
    start: Math.max(1, Number(q.startIndex ?? 1) || 1),
    size: Math.min(200, Math.max(0, Number(q.count ?? 100) || 0)),
  };
}

const listResponse = (totalResults: number, startIndex: number, resources: Json[]): Json => ({
  schemas: [listSchema],
  totalResults,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

function unsupported(attr: string): never {
  throw new ScimError(400, `Filter auf ${attr} wird nicht unterstützt`, 'invalidFilter');
}

function patchOps(body: Json): Array<{ op: string; path?: string; value?: unknown }> {
  const schemas = body.schemas as unknown;
  if (!Array.isArray(schemas) || !schemas.includes(patchSchema))
    throw new ScimError(400, 'Kein PatchOp', 'invalidSyntax');
  const ops = body.Operations ?? body.operations;
  if (!Array.isArray(ops)) throw new ScimError(400, 'Operations fehlt', 'invalidSyntax');
  return (ops as Json[]).map((o) => ({
    op: String(o.op ?? '').toLowerCase(),
    ...(typeof o.path === 'string' ? { path: o.path } : {}),
    value: o.value,
  }));
}

/** `{ "name.givenName": "x" }` (a path-less replace) → `{ name: { givenName: "x" } }`. */
function expandPaths(v: Json): Json {
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith(`${enterprise}:`))
      out[enterprise] = { ...((out[enterprise] as Json) ?? {}), [k.slice(enterprise.length + 1)]: val };
    else if (k.includes('.')) {
      const [a, b] = k.split('.', 2) as [string, string];
      out[a] = { ...((out[a] as Json) ?? {}), [b]: val };
    } else out[k] = val;
  }
  return out;
}

const presentToken = (t: typeof scimTokens.$inferSelect): ScimToken => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  createdBy: t.createdBy,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

/** The SCIM endpoint at /scim/v2 in a scope of its own (SCIM's content type and error shape) and the token administration. */
export async function scimRoutes(
  app: FastifyInstance,
  auth: AuthService,
  db: Db,
  clock: Clock,
  publicUrl: string | null,
): Promise<void> {
  const scim = new Scim(db, clock, () => publicUrl ?? '');
  register(app, auth, routes.listScimTokens, ({ actor }) => scim.listTokens(actor.orgId));
  register(app, auth, routes.createScimToken, ({ actor, body }) => scim.createToken(actor, body.name));
  register(app, auth, routes.revokeScimToken, ({ actor, params }) => scim.revokeToken(actor, params.id));

  await app.register(
    async (s) => {
      const parse = s.getDefaultJsonParser('error', 'error');
      s.addContentTypeParser('application/scim+json', { parseAs: 'string' }, (req, body, done) =>
        parse(req, body.toString(), done),
      );
      s.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
        const taken = uniqueViolation(err);
        const status =
          err instanceof ScimError
            ? err.status
            : taken
              ? 409
              : err instanceof AppError
                ? err.status
                : err instanceof SyntaxError
                  ? 400
                  : err.statusCode && err.statusCode < 500
                    ? err.statusCode
                    : 500;
        if (status === 500) req.log.error({ err }, 'SCIM request failed');
        const detail =
          status === 500 ? 'Interner Fehler' : taken ? 'Schon vergeben (userName oder externalId)' : err.message;
        void reply
          .status(status)
          .type('application/scim+json')
          .send({
            schemas: [errorSchema],
            status: String(status),
            detail,
            ...(err instanceof ScimError && err.scimType
              ? { scimType: err.scimType }
              : taken
                ? { scimType: 'uniqueness' }
                : {}),
          });
      });
      const who = new WeakMap<FastifyRequest, { orgId: string; name: string }>();
      s.addHook('onRequest', async (req) => {
        who.set(req, await scim.caller(req));
      });
      const caller = (req: FastifyRequest) => who.get(req)!;
      const send = (reply: FastifyReply, status: number, body: Json) =>
        reply.status(status).type('application/scim+json').send(body);
      type Q = { filter?: string; startIndex?: string; count?: string };
      type P = { id: string };

      s.get('/ServiceProviderConfig', async (_req, reply) =>
        send(reply, 200, {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
          patch: { supported: true },
          bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
          filter: { supported: true, maxResults: 200 },
          changePassword: { supported: false },
          sort: { supported: false },
          etag: { supported: false },
          authenticationSchemes: [
            {
              type: 'oauthbearertoken',
              name: 'OAuth Bearer Token',
              description: 'Token aus der Wachsam-Administration',
            },
          ],
        }),
      );
      s.get<{ Querystring: Q }>('/Users', async (req, reply) =>
        send(reply, 200, await scim.listUsers(caller(req).orgId, req.query)),
      );
      s.get<{ Params: P }>('/Users/:id', async (req, reply) =>
        send(reply, 200, await scim.getUser(caller(req).orgId, req.params.id)),
      );
      s.post('/Users', async (req, reply) =>
        send(reply, 201, await scim.createUser(caller(req), (req.body ?? {}) as Json)),
      );
      s.put<{ Params: P }>('/Users/:id', async (req, reply) =>
        send(reply, 200, await scim.replaceUser(caller(req), req.params.id, (req.body ?? {}) as Json)),
      );
      s.patch<{ Params: P }>('/Users/:id', async (req, reply) =>
        send(reply, 200, await scim.patchUser(caller(req), req.params.id, (req.body ?? {}) as Json)),
      );
      s.delete<{ Params: P }>('/Users/:id', async (req, reply) => {
        await scim.deleteUser(caller(req), req.params.id);
        return reply.status(204).send();
      });
      s.get<{ Querystring: Q }>('/Groups', async (req, reply) =>
        send(reply, 200, await scim.listGroups(caller(req).orgId, req.query)),
      );
      s.get<{ Params: P }>('/Groups/:id', async (req, reply) =>
        send(reply, 200, await scim.getGroup(caller(req).orgId, req.params.id)),
      );
      s.post('/Groups', async (req, reply) =>
        send(reply, 201, await scim.createGroup(caller(req), (req.body ?? {}) as Json)),
      );
      s.patch<{ Params: P }>('/Groups/:id', async (req, reply) =>
        send(reply, 200, await scim.patchGroup(caller(req), req.params.id, (req.body ?? {}) as Json)),
      );
      s.delete<{ Params: P }>('/Groups/:id', async (req, reply) => {
        await scim.deleteGroup(caller(req), req.params.id);
        return reply.status(204).send();
      });
    },
    { prefix: scimBasePath },
  );
}

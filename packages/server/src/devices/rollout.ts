import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import {
  normaliseHostname,
  orgTokenPrefix,
  type EnrolResponse,
  type EnrolmentToken,
  type EnrolmentTokenCreated,
  type EnrolmentTokenInput,
  type HostMapping,
  type HostMappingInput,
} from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { newToken, sha256 } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { buildings, departments, devices, enrolmentTokens, floors, hostMappings, people, rooms } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { AppError, notFound } from '../http/errors.js';
import { owned } from '../org/service.js';
import { enrolmentFacts } from './service.js';

type TokenRow = typeof enrolmentTokens.$inferSelect;
type MappingRow = typeof hostMappings.$inferSelect;

const presentToken = (t: TokenRow): EnrolmentToken => ({
  id: t.id,
  name: t.name,
  scope: t.departmentId
    ? { kind: 'department', departmentId: t.departmentId }
    : t.buildingId
      ? { kind: 'building', buildingId: t.buildingId }
      : { kind: 'organisation' },
  terminalServers: t.reenrol,
  expiresAt: t.expiresAt.toISOString(),
  revokedAt: t.revokedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
  createdBy: t.createdBy,
  uses: t.uses,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

const presentMapping = (m: MappingRow): HostMapping => ({
  id: m.id,
  hostname: m.hostname,
  roomId: m.roomId,
  personId: m.personId,
});

const invalidToken = () =>
  new AppError('enrolment_code_invalid', 'Der Registrierungsschlüssel ist unbekannt, abgelaufen oder widerrufen');

/**
 * PCs by the thousand: an organisation enrolment token lets the agent enrol itself (installed by
 * software distribution, no one walks to the PC), and the hostname mapping says where the PC
 * stands. The mapping is the truth for a PC enrolled this way: a PC whose hostname is mapped to
 * another room moves with it, and its open connection reconnects with the new place.
 */
export class Rollout {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  // --- enrolment tokens ------------------------------------------------------------------------

  listTokens = async (orgId: string): Promise<EnrolmentToken[]> =>
    (
      await this.db
        .select()
        .from(enrolmentTokens)
        .where(eq(enrolmentTokens.orgId, orgId))
        .orderBy(desc(enrolmentTokens.createdAt))
    ).map(presentToken);

  createToken = (actor: Actor, input: EnrolmentTokenInput): Promise<EnrolmentTokenCreated> =>
    this.db.transaction(async (tx) => {
      const scope = input.scope;
      const departmentId = scope.kind === 'department' ? scope.departmentId : null;
      const buildingId = scope.kind === 'building' ? scope.buildingId : null;
      await owned(tx, departments, actor.orgId, departmentId, 'scope.departmentId', 'Abteilung');
      await owned(tx, buildings, actor.orgId, buildingId, 'scope.buildingId', 'Gebäude');
      const secret = orgTokenPrefix + newToken();
      const now = this.clock.now();
      const [row] = await tx
        .insert(enrolmentTokens)
        .values({
          orgId: actor.orgId,
          name: input.name,
          tokenHash: sha256(secret),
          departmentId,
          buildingId,
          reenrol: input.terminalServers,
          expiresAt: new Date(now.getTime() + input.validDays * 86_400_000),
          createdAt: now,
          createdBy: actorLabel(actor),
        })
        .returning();
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'enrolment_token.created',
        subject: `Registrierungsschlüssel ${row!.name}`,
        detail: { tokenId: row!.id, expiresAt: row!.expiresAt.toISOString() },
      });
      return { ...presentToken(row!), secret };
    });

  /** A revoked token enrols no more PCs; those it enrolled keep their own device tokens. */
  revokeToken = (actor: Actor, id: string): Promise<EnrolmentToken> =>
    this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const [row] = await tx
        .update(enrolmentTokens)
        .set({ revokedAt: now })
        .where(
          and(eq(enrolmentTokens.orgId, actor.orgId), eq(enrolmentTokens.id, id), isNull(enrolmentTokens.revokedAt)),
        )
        .returning();
      if (!row) {
        const [already] = await tx
          .select()
          .from(enrolmentTokens)
          .where(and(eq(enrolmentTokens.orgId, actor.orgId), eq(enrolmentTokens.id, id)));
        if (already) return presentToken(already);
        throw notFound('Registrierungsschlüssel');
      }
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'enrolment_token.revoked',
        subject: `Registrierungsschlüssel ${row.name}`,
        detail: { tokenId: row.id },
      });
      return presentToken(row);
    });

  // --- hostname mappings -----------------------------------------------------------------------

  listMappings = async (orgId: string): Promise<HostMapping[]> =>
    (await this.db.select().from(hostMappings).where(eq(hostMappings.orgId, orgId)).orderBy(hostMappings.hostname)).map(
      presentMapping,
    );

  saveMapping = (actor: Actor, id: string | null, input: HostMappingInput): Promise<HostMapping> =>
    this.db.transaction(async (tx) => {
      const saved = await this.putMapping(tx, actor, id, input);
      return presentMapping(saved);
    });

  /**
   * Create or change one mapping inside the caller's transaction (the CSV import uses it too),
   * and move the PC of that name with it.
   */
  async putMapping(tx: Tx, actor: Actor, id: string | null, input: HostMappingInput): Promise<MappingRow> {
    await owned(tx, rooms, actor.orgId, input.roomId, 'roomId', 'Raum');
    await owned(tx, people, actor.orgId, input.personId, 'personId', 'Person');
    const [taken] = await tx
      .select({ id: hostMappings.id })
      .from(hostMappings)
      .where(and(eq(hostMappings.orgId, actor.orgId), eq(hostMappings.hostname, input.hostname)));
    if (taken && taken.id !== id)
      throw new AppError('conflict', `Für den Rechner ${input.hostname} gibt es schon eine Zuordnung`, [
        { path: 'body.hostname', message: 'schon zugeordnet' },
      ]);
    const [row] = id
      ? await tx
          .update(hostMappings)
          .set(input)
          .where(and(eq(hostMappings.orgId, actor.orgId), eq(hostMappings.id, id)))
          .returning()
      : await tx
          .insert(hostMappings)
          .values({ ...input, orgId: actor.orgId })
          .returning();
    if (!row) throw notFound('Rechnerzuordnung');
    await appendAudit(tx, {
      orgId: actor.orgId,
      at: this.clock.now(),
      actor,
      action: id ? 'host_mapping.updated' : 'host_mapping.created',
      subject: `Rechner ${row.hostname}`,
      detail: { roomId: row.roomId, personId: row.personId },
    });
    await followMapping(tx, actor.orgId, row);
    return row;
  }

  /** The PC keeps the room it has: deleting a mapping must not silently unprotect a seat. */
  removeMapping = (actor: Actor, id: string): Promise<void> =>
    this.db.transaction(async (tx) => {
      const [row] = await tx
        .delete(hostMappings)
        .where(and(eq(hostMappings.orgId, actor.orgId), eq(hostMappings.id, id)))
        .returning();
      if (!row) throw notFound('Rechnerzuordnung');
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'host_mapping.deleted',
        subject: `Rechner ${row.hostname}`,
      });
    });

  // --- the PC's side ---------------------------------------------------------------------------

  /**
   * A PC enrols itself with the organisation token. Its hostname finds its mapping (room,
   * person); without one it enrols as "Zuordnung fehlt". A hostname that is enrolled already is
   * refused; once the administration released it (a new one-time code), the same hostname is
   * the same device again. A device an administrator revoked stays revoked.
   */
  enrolWithToken(secret: string, hostname: string): Promise<EnrolResponse> {
    const now = this.clock.now();
    const host = normaliseHostname(hostname);
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(host) || host.length > 63)
      throw new AppError('validation_failed', 'Ungültiger Rechnername', [
        { path: 'body.hostname', message: 'nur Buchstaben, Ziffern, Binde- und Unterstrich' },
      ]);
    return this.db.transaction(async (tx) => {
      const [token] = await tx
        .select()
        .from(enrolmentTokens)
        .where(
          and(
            eq(enrolmentTokens.tokenHash, sha256(secret.trim())),
            isNull(enrolmentTokens.revokedAt),
            gt(enrolmentTokens.expiresAt, now),
          ),
        )
        .for('update');
      if (!token) throw invalidToken();
      const [mapping] = await tx
        .select({ m: hostMappings, departmentId: rooms.departmentId, buildingId: floors.buildingId })
        .from(hostMappings)
        .innerJoin(rooms, eq(rooms.id, hostMappings.roomId))
        .innerJoin(floors, eq(floors.id, rooms.floorId))
        .where(and(eq(hostMappings.orgId, token.orgId), eq(hostMappings.hostname, host)));
      if (mapping && !inScope(token, mapping))
        throw new AppError(
          'forbidden',
          `Der Rechner ${host} ist einem Raum außerhalb des Geltungsbereichs dieses Registrierungsschlüssels zugeordnet`,
        );
      const [existing] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.orgId, token.orgId), eq(devices.hostname, host)))
        .for('update');
      if (existing?.revokedAt)
        throw new AppError(
          'token_revoked',
          `Der Rechner ${host} ist gesperrt. Eine Administratorin muss ihn unter „Geräte“ löschen oder einen Einmalcode erzeugen`,
        );
      // The token sits in every install script, readable by many: it enrols PCs, it never takes
      // over one that is enrolled (that would cut the real PC off and put another in its room),
      // unless it was made for terminal servers, whose sessions enrol their client at each start.
      // A reinstalled PC is released by the administration: a new one-time code ends the old
      // token, and the PC enrols with the code or the organisation token again.
      if (existing && existing.tokenHash !== null && !token.reenrol)
        throw new AppError(
          'conflict',
          `Der Rechner ${host} ist schon registriert. Für eine Neuinstallation unter „Geräte“ einen Einmalcode erzeugen; danach registriert er sich mit dem Code oder wieder mit dem Registrierungsschlüssel`,
        );
      // A terminal-server token takes the client's device over: whatever holds its token ends.
      if (existing && existing.tokenHash !== null)
        await endAccess(tx, { scope: 'device', deviceId: existing.id }, 'token_revoked');
      if (!mapping && existing?.roomId) {
        const [place] = await tx
          .select({ departmentId: rooms.departmentId, buildingId: floors.buildingId })
          .from(rooms)
          .innerJoin(floors, eq(floors.id, rooms.floorId))
          .where(eq(rooms.id, existing.roomId));
        if (place && !inScope(token, place))
          throw new AppError(
            'forbidden',
            `Der Rechner ${host} steht in einem Raum außerhalb des Geltungsbereichs dieses Registrierungsschlüssels`,
          );
      }
      const deviceToken = newToken();
      const place = mapping
        ? { roomId: mapping.m.roomId, personId: mapping.m.personId }
        : existing
          ? { roomId: existing.roomId, personId: existing.personId }
          : { roomId: null, personId: null };
      const values = {
        ...place,
        tokenHash: sha256(deviceToken),
        enrolmentCodeHash: null,
        enrolmentExpiresAt: null,
        revokedAt: null,
        lastSeenAt: now,
      };
      const [row] = existing
        ? await tx.update(devices).set(values).where(eq(devices.id, existing.id)).returning()
        : await tx
            .insert(devices)
            .values({
              ...values,
              orgId: token.orgId,
              kind: 'workstation',
              name: hostname.trim().split('.')[0]!.toUpperCase(),
              hostname: host,
            })
            .returning();
      await tx
        .update(enrolmentTokens)
        .set({ uses: token.uses + 1, lastUsedAt: now })
        .where(eq(enrolmentTokens.id, token.id));
      await appendAudit(tx, {
        orgId: token.orgId,
        at: now,
        actor: { system: `Registrierungsschlüssel ${token.name}` },
        action: 'device.enrolled',
        subject: `Gerät ${row!.id}`,
        detail: { hostname: host, tokenId: token.id, again: Boolean(existing), unassigned: row!.roomId === null },
      });
      return { ...(await enrolmentFacts(tx, row!)), token: deviceToken };
    });
  }
}

function inScope(token: TokenRow, place: { departmentId: string | null; buildingId: string }): boolean {
  if (token.departmentId && place.departmentId !== token.departmentId) return false;
  if (token.buildingId && place.buildingId !== token.buildingId) return false;
  return true;
}

/**
 * The PC of this mapping's hostname moves with it: new room and person, and its connection ends
 * so the agent reconnects with the new place (as when an administrator edits a device).
 */
export async function followMapping(ex: Tx, orgId: string, m: MappingRow): Promise<void> {
  const moved = await ex
    .update(devices)
    .set({ roomId: m.roomId, personId: m.personId })
    .where(
      and(
        eq(devices.orgId, orgId),
        eq(devices.hostname, m.hostname),
        // Only a change counts: an unchanged import moves nobody.
        sqlDistinct(m),
      ),
    )
    .returning({ id: devices.id });
  for (const d of moved) await endAccess(ex, { scope: 'device', deviceId: d.id }, 'roles_changed');
}

const sqlDistinct = (m: MappingRow) =>
  sql`(${devices.roomId} is distinct from ${m.roomId}::uuid or ${devices.personId} is distinct from ${m.personId}::uuid)`;

import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, not, notInArray, or, sql } from 'drizzle-orm';
import {
  deskPhonePath,
  sourceAddresses,
  type Device,
  type DeviceInput,
  type DeskPhoneUrl,
  type EnrolResponse,
  type EnrolmentCode,
  type FunctionTest,
  type FunctionTestReport,
  type OfflineDevice,
} from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import { newEnrolmentCode, newToken, normaliseCode, sha256 } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { buildings, devices, floors, functionTests, organisations, people, rooms } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { appendEvents } from '../delivery/events.js';
import { onlineSql } from '../delivery/presence.js';
import { rawRows } from '../db/raw.js';
import { AppError, notFound } from '../http/errors.js';

type DeviceRow = typeof devices.$inferSelect;
type TestRow = typeof functionTests.$inferSelect;

const enrolmentHours = 24;

/** The input as stored: allowed senders only for desk phones, as `a, b` (null: any address). */
const stored = (input: DeviceInput) => ({
  ...input,
  allowedSources: input.kind === 'desk_phone' ? sourceAddresses(input.allowedSources).join(', ') || null : null,
});
/** A requested function test that got no answer in this time has failed. */
const functionTestAnswerMs = 120_000;

export class DeviceService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly offlineSeconds: number,
  ) {}

  // --- administration ---------------------------------------------------------------------

  async list(orgId: string): Promise<Device[]> {
    const rows = await this.db.select().from(devices).where(eq(devices.orgId, orgId)).orderBy(devices.name);
    return this.presentMany(rows);
  }

  async create(actor: Actor, input: DeviceInput): Promise<Device> {
    return this.db.transaction(async (tx) => {
      await this.checkRefs(tx, actor.orgId, input);
      const [row] = await tx
        .insert(devices)
        .values({ ...stored(input), orgId: actor.orgId })
        .returning();
      await this.audit(tx, actor, 'device.created', row!, { name: input.name });
      return (await this.presentMany([row!], tx))[0]!;
    });
  }

  async update(actor: Actor, id: string, input: DeviceInput): Promise<Device> {
    return this.db.transaction(async (tx) => {
      await this.checkRefs(tx, actor.orgId, input);
      const [row] = await tx
        .update(devices)
        .set(stored(input))
        .where(and(eq(devices.orgId, actor.orgId), eq(devices.id, id)))
        .returning();
      if (!row) throw notFound('Gerät');
      await this.audit(tx, actor, 'device.updated', row, { name: input.name });
      // Bound to another person or room: its connection reconnects with the new binding.
      await endAccess(tx, { scope: 'device', deviceId: row.id }, 'roles_changed');
      return (await this.presentMany([row], tx))[0]!;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx
        .delete(devices)
        .where(and(eq(devices.orgId, actor.orgId), eq(devices.id, id)))
        .returning();
      if (!row) throw notFound('Gerät');
      await this.audit(tx, actor, 'device.deleted', row, { name: row.name });
      await endAccess(tx, { scope: 'device', deviceId: row.id }, 'device_removed');
    });
  }

  /** A new one-time code replaces any earlier code and token: the old PC loses access. */
  async enrolmentCode(actor: Actor, id: string): Promise<EnrolmentCode> {
    const code = newEnrolmentCode();
    const expiresAt = new Date(this.clock.now().getTime() + enrolmentHours * 3600_000);
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(devices)
        .set({
          enrolmentCodeHash: sha256(normaliseCode(code)),
          enrolmentExpiresAt: expiresAt,
          tokenHash: null,
          revokedAt: null,
        })
        .where(and(eq(devices.orgId, actor.orgId), eq(devices.id, id)))
        .returning();
      if (!row) throw notFound('Gerät');
      await this.audit(tx, actor, 'device.enrolment_code', row, {});
      await endAccess(tx, { scope: 'device', deviceId: row.id }, 'token_revoked');
      return { deviceId: row.id, code, expiresAt: expiresAt.toISOString() };
    });
  }

  /**
   * A desk phone's action URL: a new secret replaces the old one (the old URL stops working) and
   * lifts a block. Only its hash is kept; the URL is shown this once.
   */
  async deskPhoneUrl(actor: Actor, id: string, publicUrl: string): Promise<DeskPhoneUrl> {
    const secret = newToken();
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(devices)
        .set({ actionSecretHash: sha256(secret), revokedAt: null })
        .where(and(eq(devices.orgId, actor.orgId), eq(devices.id, id), eq(devices.kind, 'desk_phone')))
        .returning();
      if (!row) throw notFound('Tischtelefon');
      await this.audit(tx, actor, 'device.action_url', row, {});
      return { deviceId: row.id, url: `${publicUrl.replace(/\/+$/, '')}${deskPhonePath}/${secret}` };
    });
  }

  async revoke(actor: Actor, id: string): Promise<Device> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(devices)
        .set({ revokedAt: this.clock.now(), enrolmentCodeHash: null, online: false })
        .where(and(eq(devices.orgId, actor.orgId), eq(devices.id, id)))
        .returning();
      if (!row) throw notFound('Gerät');
      await this.audit(tx, actor, 'device.revoked', row, {});
      await endAccess(tx, { scope: 'device', deviceId: row.id }, 'token_revoked');
      return (await this.presentMany([row], tx))[0]!;
    });
  }

  // --- the device side --------------------------------------------------------------------

  async enrol(code: string, hostname: string): Promise<EnrolResponse> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.enrolmentCodeHash, sha256(normaliseCode(code))), gt(devices.enrolmentExpiresAt, now)))
        .for('update');
      if (!row)
        throw new AppError('enrolment_code_invalid', 'Der Einmalcode ist unbekannt, abgelaufen oder schon benutzt');
      const token = newToken();
      await tx
        .update(devices)
        .set({
          tokenHash: sha256(token),
          enrolmentCodeHash: null,
          enrolmentExpiresAt: null,
          revokedAt: null,
          lastSeenAt: now,
        })
        .where(eq(devices.id, row.id));
      await appendAudit(tx, {
        orgId: row.orgId,
        at: now,
        actor: { system: `Gerät ${row.name}` },
        action: 'device.enrolled',
        subject: `Gerät ${row.id}`,
        detail: { hostname },
      });
      return { ...(await enrolmentFacts(tx, row)), token };
    });
  }

  /** Heartbeats now (HTTP, MQTT): mark devices alive; those that were offline come back with an event. */
  async seen(deviceIds: string[], now: Date = this.clock.now()): Promise<void> {
    await this.heard(deviceIds.map((deviceId) => ({ deviceId, at: now })));
  }

  /**
   * Devices heard at these times (realtime connections report their last frame, not "now"): a
   * device is only as alive as its last heartbeat. Those that were offline come back with an
   * event; the last-seen time never moves backwards.
   */
  async heard(entries: Array<{ deviceId: string; at: Date }>): Promise<void> {
    if (entries.length === 0) return;
    const rows = JSON.stringify(entries.map((e) => ({ id: e.deviceId, at: e.at.toISOString() })));
    await this.db.transaction(async (tx) => {
      const back = await rawRows<{ id: string }>(
        tx,
        sql`
        update devices d set online = true, last_seen_at = x.at
        from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, at timestamptz)
        where d.id = x.id and d.online = false and d.revoked_at is null
        returning d.id`,
      );
      await tx.execute(sql`
        update devices d set last_seen_at = greatest(d.last_seen_at, x.at)
        from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, at timestamptz)
        where d.id = x.id and d.online = true`);
      const ids = back.map((r) => r.id);
      if (ids.length === 0) return;
      const returned = await tx.select().from(devices).where(inArray(devices.id, ids));
      for (const d of returned)
        if (d.kind !== 'phone') await this.deviceEvent(tx, d, 'device.online', this.clock.now());
    });
  }

  /**
   * When these devices' connections were last heard (a connection that closed or went silent):
   * the time only moves forward, and whether they are online is left to the sweep.
   */
  async lastHeard(entries: Array<{ deviceId: string; at: Date }>): Promise<void> {
    if (entries.length === 0) return;
    const rows = JSON.stringify(entries.map((e) => ({ id: e.deviceId, at: e.at.toISOString() })));
    await this.db.execute(sql`
      update devices d set last_seen_at = greatest(d.last_seen_at, x.at)
      from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, at timestamptz)
      where d.id = x.id`);
  }

  /**
   * Devices silent for longer than the limit become offline, with an event and an audit entry.
   * A device with a realtime connection that is being heard is alive whatever its last-seen time
   * says (that is written when the connection opens, closes or goes silent, not on every ping).
   */
  async sweepOffline(): Promise<number> {
    const now = this.clock.now();
    const limit = new Date(now.getTime() - this.offlineSeconds * 1000);
    return this.db.transaction(async (tx) => {
      const gone = await tx
        .update(devices)
        .set({ online: false })
        .where(
          and(
            eq(devices.online, true),
            or(isNull(devices.lastSeenAt), lt(devices.lastSeenAt, limit)),
            not(onlineSql(sql`${devices.id}`, limit, 'device')),
          ),
        )
        .returning();
      for (const d of gone) {
        // A phone is off the network whenever its app is closed or it has no signal: normal,
        // not a fault to report to the desk. Its online flag still follows.
        if (d.kind === 'phone' || d.kind === 'desk_phone') continue;
        await this.deviceEvent(tx, d, 'device.offline', now);
        await appendAudit(tx, {
          orgId: d.orgId,
          at: now,
          actor: { system: 'Überwachung' },
          action: 'device.offline',
          subject: `Gerät ${d.id}`,
          detail: { name: d.name, lastSeenAt: d.lastSeenAt?.toISOString() ?? null },
        });
      }
      return gone.length;
    });
  }

  /**
   * The unprotected seats now: devices other than phones that were online once and are not any
   * more (the same devices a `device.offline` event announced), with when they were last heard;
   * and enrolled PCs that have no room yet ("Zuordnung fehlt"): an alarm from them finds nobody
   * nearby.
   */
  async listOffline(orgId: string): Promise<OfflineDevice[]> {
    const unassigned = and(eq(devices.kind, 'workstation'), isNull(devices.roomId), isNotNull(devices.tokenHash));
    const rows = await this.db
      .select({ d: devices, room: rooms.name, unassigned: sql<boolean>`coalesce(${unassigned}, false)` })
      .from(devices)
      .leftJoin(rooms, eq(rooms.id, devices.roomId))
      .where(
        and(
          eq(devices.orgId, orgId),
          // Phones come and go; a desk phone only calls in when its key is pressed.
          notInArray(devices.kind, ['phone', 'desk_phone']),
          isNull(devices.revokedAt),
          or(and(eq(devices.online, false), isNotNull(devices.lastSeenAt)), unassigned),
        ),
      )
      .orderBy(devices.lastSeenAt);
    return rows.map(({ d, room, unassigned }) => ({
      id: d.id,
      name: d.name,
      room: room ?? '',
      since: (d.lastSeenAt ?? d.createdAt).toISOString(),
      unassigned,
    }));
  }

  // --- function tests ---------------------------------------------------------------------

  async requestFunctionTest(actor: Actor, deviceId: string): Promise<FunctionTest> {
    return this.db.transaction(async (tx) => {
      const [d] = await tx
        .select()
        .from(devices)
        .where(and(eq(devices.orgId, actor.orgId), eq(devices.id, deviceId)));
      if (!d) throw notFound('Gerät');
      const test = await this.startTest(tx, d, 'manual', this.clock.now());
      await this.audit(tx, actor, 'function_test.requested', d, {});
      return test;
    });
  }

  async reportFunctionTest(actor: Actor & { kind: 'device' }, r: FunctionTestReport): Promise<FunctionTest> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      let row: TestRow | undefined;
      if (r.functionTestId) {
        [row] = await tx
          .update(functionTests)
          .set({ result: r.result, detail: r.detail, completedAt: now, alarmId: r.alarmId })
          .where(and(eq(functionTests.id, r.functionTestId), eq(functionTests.deviceId, actor.deviceId)))
          .returning();
        if (!row) throw notFound('Funktionstest');
      } else {
        [row] = await tx
          .insert(functionTests)
          .values({
            orgId: actor.orgId,
            deviceId: actor.deviceId,
            trigger: 'start',
            requestedAt: now,
            completedAt: now,
            result: r.result,
            detail: r.detail,
            alarmId: r.alarmId,
          })
          .returning();
      }
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: `function_test.${r.result}`,
        subject: `Gerät ${actor.deviceId}`,
        detail: { detail: r.detail },
      });
      return this.presentTests(tx, [row!]).then((t) => t[0]!);
    });
  }

  async listFunctionTests(orgId: string): Promise<FunctionTest[]> {
    const rows = await this.db
      .select()
      .from(functionTests)
      .where(eq(functionTests.orgId, orgId))
      .orderBy(desc(functionTests.requestedAt))
      .limit(200);
    return this.presentTests(this.db, rows);
  }

  /** Request due scheduled tests from online devices, and fail tests nobody answered. */
  async scheduleFunctionTests(): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const expired = await tx
        .update(functionTests)
        .set({ result: 'failed', completedAt: now, detail: 'Keine Antwort des Geräts' })
        .where(
          and(
            eq(functionTests.result, 'pending'),
            lt(functionTests.requestedAt, new Date(now.getTime() - functionTestAnswerMs)),
          ),
        )
        .returning();
      for (const t of expired) {
        await appendAudit(tx, {
          orgId: t.orgId,
          at: now,
          actor: { system: 'Funktionstest' },
          action: 'function_test.failed',
          subject: `Gerät ${t.deviceId}`,
          detail: { detail: t.detail },
        });
      }
      const due = await tx
        .select()
        .from(devices)
        .where(
          and(
            eq(devices.online, true),
            eq(devices.kind, 'workstation'),
            gt(devices.functionTestHours, 0),
            sql`not exists (select 1 from ${functionTests} f where f.device_id = ${devices.id}
                and f.requested_at > ${now.toISOString()}::timestamptz - make_interval(hours => ${devices.functionTestHours}))`,
          ),
        );
      for (const d of due) await this.startTest(tx, d, 'scheduled', now);
    });
  }

  private async startTest(tx: Tx, d: DeviceRow, trigger: 'scheduled' | 'manual', now: Date): Promise<FunctionTest> {
    const [row] = await tx
      .insert(functionTests)
      .values({ orgId: d.orgId, deviceId: d.id, trigger, requestedAt: now, result: 'pending' })
      .returning();
    await appendEvents(tx, d.orgId, [
      {
        body: { type: 'function_test.requested', at: now.toISOString(), functionTestId: row!.id, deviceId: d.id },
        deviceId: d.id,
      },
    ]);
    return (await this.presentTests(tx, [row!]))[0]!;
  }

  // --- presenting -------------------------------------------------------------------------

  private async presentTests(ex: Executor, rows: TestRow[]): Promise<FunctionTest[]> {
    const ids = [...new Set(rows.map((r) => r.deviceId))];
    const names = ids.length
      ? await ex.select({ id: devices.id, name: devices.name }).from(devices).where(inArray(devices.id, ids))
      : [];
    const byId = new Map(names.map((n) => [n.id, n.name]));
    return rows.map((r) => ({
      id: r.id,
      deviceId: r.deviceId,
      deviceName: byId.get(r.deviceId) ?? '',
      requestedAt: r.requestedAt.toISOString(),
      completedAt: r.completedAt?.toISOString() ?? null,
      result: r.result,
      detail: r.detail,
    }));
  }

  private async presentMany(rows: DeviceRow[], ex: Executor = this.db): Promise<Device[]> {
    const ids = rows.map((r) => r.id);
    const tests = ids.length
      ? await ex
          .selectDistinctOn([functionTests.deviceId])
          .from(functionTests)
          .where(inArray(functionTests.deviceId, ids))
          .orderBy(functionTests.deviceId, desc(functionTests.requestedAt))
      : [];
    const last = new Map(tests.map((t) => [t.deviceId, t]));
    return rows.map((r) => {
      const t = last.get(r.id);
      return {
        id: r.id,
        kind: r.kind,
        name: r.name,
        roomId: r.roomId,
        personId: r.personId,
        externalId: r.externalId,
        allowedSources: r.allowedSources,
        hostname: r.hostname,
        unassigned: r.kind === 'workstation' && r.roomId === null,
        functionTestHours: r.functionTestHours,
        enrolled: (r.kind === 'desk_phone' ? r.actionSecretHash : r.tokenHash) !== null && r.revokedAt === null,
        revokedAt: r.revokedAt?.toISOString() ?? null,
        lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
        online: r.online,
        lastFunctionTest: t ? { at: (t.completedAt ?? t.requestedAt).toISOString(), result: t.result } : null,
      };
    });
  }

  private async checkRefs(ex: Executor, orgId: string, input: DeviceInput): Promise<void> {
    const [room] = input.roomId
      ? await ex
          .select({ id: rooms.id })
          .from(rooms)
          .where(and(eq(rooms.orgId, orgId), eq(rooms.id, input.roomId)))
      : [{ id: null }];
    if (!room)
      throw new AppError('validation_failed', 'Raum nicht gefunden', [
        { path: 'body.roomId', message: 'unbekannter Raum' },
      ]);
    if (input.personId) {
      const [p] = await ex
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.orgId, orgId), eq(people.id, input.personId)));
      if (!p)
        throw new AppError('validation_failed', 'Person nicht gefunden', [
          { path: 'body.personId', message: 'unbekannte Person' },
        ]);
    }
  }

  private async deviceEvent(tx: Tx, d: DeviceRow, type: 'device.online' | 'device.offline', now: Date): Promise<void> {
    const [room] = d.roomId ? await tx.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, d.roomId)) : [];
    await appendEvents(tx, d.orgId, [
      {
        body: { type, at: now.toISOString(), device: { id: d.id, name: d.name, room: room?.name ?? '' } },
        deviceId: d.id,
      },
    ]);
  }

  private audit(tx: Tx, actor: Actor, action: string, d: DeviceRow, detail: Record<string, unknown>) {
    return appendAudit(tx, { orgId: d.orgId, at: this.clock.now(), actor, action, subject: `Gerät ${d.id}`, detail });
  }
}

/** What an enrolled agent learns about itself. Also used to write the demo agent's config. */
export async function enrolmentFacts(ex: Executor, d: DeviceRow): Promise<Omit<EnrolResponse, 'token'>> {
  const [org] = await ex.select().from(organisations).where(eq(organisations.id, d.orgId));
  const [place] = d.roomId
    ? await ex
        .select({ room: rooms, floor: floors, building: buildings })
        .from(rooms)
        .innerJoin(floors, eq(floors.id, rooms.floorId))
        .innerJoin(buildings, eq(buildings.id, floors.buildingId))
        .where(eq(rooms.id, d.roomId))
    : [];
  const [person] = d.personId ? await ex.select().from(people).where(eq(people.id, d.personId)) : [];
  return {
    deviceId: d.id,
    organisation: { id: org!.id, slug: org!.slug, name: org!.name },
    workstation: {
      name: d.name,
      room: place?.room.name ?? '',
      floor: place?.floor.name ?? '',
      building: place?.building.name ?? '',
    },
    person: person ? { id: person.id, firstName: person.firstName, lastName: person.lastName } : null,
  };
}

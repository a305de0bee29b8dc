import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import {
  parseSms,
  smsIdempotencyKey,
  smsMacInput,
  type InboundSmsResult,
  type PhoneEnrolment,
  type Position,
} from '@wachsam/protocol';
import { storeLastPosition } from '../alarms/positions.js';
import type { AlarmService } from '../alarms/service.js';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import { newSmsCode, newToken, sha256 } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { devices } from '../db/schema.js';
import { AppError } from '../http/errors.js';

type Refusal = NonNullable<InboundSmsResult['reason']>;

/** HMAC-SHA256 truncated to 16 bytes, base64url: the SMS has little room, 128 bits suffice. */
export const smsMac = (key: string, input: string): string =>
  createHmac('sha256', Buffer.from(key, 'base64url')).update(input).digest().subarray(0, 16).toString('base64url');

/**
 * Phones as alarm devices: a person enrols their own phone, and a phone without internet raises
 * its alarm by SMS. The SMS names the phone by a short code, proves itself with an HMAC under
 * the phone's key, and carries the trigger's counter, which is also the idempotency key of the
 * same trigger sent online: the SMS and the retry become ONE alarm, whichever arrives first.
 */
export class PhoneService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly alarms: AlarmService,
    private readonly settings: { smsNumber: string | null; holdMs: number },
  ) {}

  /**
   * The app, while open, reports where its person is; only the newest fix is kept. A personal
   * alarm button of that person then raises with it. A device not bound to a person has nobody
   * to locate: the report is refused rather than silently dropped.
   */
  async reportPosition(actor: Actor, position: Position): Promise<void> {
    const personId = actor.personId;
    if (!personId) throw new AppError('forbidden', 'Dieses Gerät ist keiner Person zugeordnet');
    await storeLastPosition(this.db, actor.orgId, personId, position, this.clock.now());
  }

  async enrol(actor: Actor, name: string): Promise<PhoneEnrolment> {
    if (actor.kind !== 'person') throw new AppError('forbidden', 'Nur angemeldete Personen registrieren Telefone');
    const token = newToken();
    const key = randomBytes(32).toString('base64url');
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      let code = newSmsCode();
      // 31^6 codes: a clash is rare, but a clash would hand one phone's alarms to another.
      for (let i = 0; i < 5; i++) {
        const [taken] = await tx.select({ id: devices.id }).from(devices).where(eq(devices.smsCode, code));
        if (!taken) break;
        code = newSmsCode();
      }
      const [row] = await tx
        .insert(devices)
        .values({
          orgId: actor.orgId,
          kind: 'phone',
          name,
          roomId: null,
          personId: actor.personId,
          functionTestHours: 0,
          tokenHash: sha256(token),
          smsCode: code,
          smsKey: key,
          lastSeenAt: now,
        })
        .returning();
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'device.phone_enrolled',
        subject: `Gerät ${row!.id}`,
        detail: { name },
      });
      return {
        deviceId: row!.id,
        token,
        sms: { number: this.settings.smsNumber, deviceCode: code, key },
        holdMs: this.settings.holdMs,
      };
    });
  }

  /** An SMS from the gateway. Every refusal is audited with its reason (never the text). */
  async inbound(sms: { from: string; text: string; receivedAt?: string }): Promise<InboundSmsResult> {
    const parsed = parseSms(sms.text);
    if (!parsed) return this.refuse(null, sms.from, 'malformed');
    const [device] = await this.db.select().from(devices).where(eq(devices.smsCode, parsed.deviceCode));
    if (!device || device.kind !== 'phone' || !device.smsKey) return this.refuse(null, sms.from, 'unknown_device');
    if (device.revokedAt) return this.refuse(device.orgId, sms.from, 'revoked', device.id);
    const expected = Buffer.from(
      smsMac(device.smsKey, smsMacInput(parsed.deviceCode, parsed.counter, parsed.position)),
    );
    const given = Buffer.from(parsed.mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return this.refuse(device.orgId, sms.from, 'forged', device.id);
    if (parsed.counter <= device.smsCounter) return this.refuse(device.orgId, sms.from, 'replayed', device.id);

    const actor: Actor = {
      kind: 'device',
      orgId: device.orgId,
      deviceId: device.id,
      personId: device.personId,
      roomId: null,
      name: device.name,
    };
    const at = sms.receivedAt ?? this.clock.now().toISOString();
    // Raise first, then move the counter: the raise is idempotent under this key, so two copies
    // of one SMS are one alarm, and a failed raise leaves the SMS acceptable for the gateway's retry.
    const raised = await this.alarms.raise(
      actor,
      {
        source: 'mobile',
        test: false,
        functionTest: false,
        ...(parsed.position ? { position: { ...parsed.position, at } } : {}),
      },
      smsIdempotencyKey(parsed.counter),
    );
    await this.db
      .update(devices)
      .set({ smsCounter: sql`greatest(${devices.smsCounter}, ${parsed.counter})` })
      .where(eq(devices.id, device.id));
    return { accepted: true, alarmId: raised.alarm.id, reason: null };
  }

  private async refuse(
    orgId: string | null,
    from: string,
    reason: Refusal,
    deviceId?: string,
  ): Promise<InboundSmsResult> {
    await appendAudit(this.db, {
      orgId,
      at: this.clock.now(),
      actor: { system: 'SMS-Gateway' },
      action: 'sms.refused',
      subject: deviceId ? `Gerät ${deviceId}` : `SMS von ${from}`,
      detail: { reason, from },
    });
    return { accepted: false, alarmId: null, reason };
  }
}

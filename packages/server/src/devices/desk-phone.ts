import { randomUUID } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deskPhonePath, sourceAddresses } from '@wachsam/protocol';
import type { AlarmService } from '../alarms/service.js';
import { appendAudit } from '../audit/repository.js';
import { AttemptCounter } from '../auth/throttle.js';
import { sha256 } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { alarms, devices, functionTests } from '../db/schema.js';

/**
 * A second press of the key, or the phone sending its request again after a timeout, within this
 * time is the same alarm while that alarm is open: phones retry, and people press twice.
 */
export const deskPhoneRepeatSeconds = 30;

/** What the phone is answered: a short text (some phones show it), with its HTTP status. */
export interface PressAnswer {
  status: 200 | 403 | 404 | 429;
  text: string;
  alarmId?: string;
}

/** `10.1.2.3` for `::ffff:10.1.2.3`: a dual-stack socket reports IPv4 peers in that form. */
const plainAddress = (ip: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);

/** Is `ip` one of the addresses or networks (an empty list allows any address)? */
export function sourceAllowed(allowed: string[], ip: string): boolean {
  if (allowed.length === 0) return true;
  const address = plainAddress(ip);
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const [net, prefix] = entry.split('/');
    const type = isIP(net!) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(net!, type);
    else list.addSubnet(net!, Number(prefix), type);
  }
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The desk phone as a trigger: its function key calls the action URL with the phone's own secret
 * (Yealink, Snom, Auerswald and Gigaset phones send a GET, some a POST with a form). The alarm is
 * the phone's: its room, its person, its plan; the phone needs no login and no software. A revoked
 * phone, or one calling from an address it may not, is refused and the refusal audited.
 */
export class DeskPhones {
  /** Presses of one phone are handled one after another: a retry finds the alarm of the first. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly alarmService: AlarmService,
  ) {}

  /** `limited`: the address is over its budget of wrong requests; only a right, allowed phone gets through. */
  async press(secret: string, from: string, test: boolean, limited = false): Promise<PressAnswer> {
    const [phone] = await this.db
      .select()
      .from(devices)
      .where(and(eq(devices.actionSecretHash, sha256(secret)), eq(devices.kind, 'desk_phone')));
    const tooMany = { status: 429 as const, text: 'Zu viele Versuche; bitte warten' };
    if (!phone) return limited ? tooMany : { status: 404, text: 'Unbekanntes Telefon' };
    if (limited && (phone.revokedAt || !sourceAllowed(sourceAddresses(phone.allowedSources), from))) return tooMany;
    const refuse = async (reason: 'revoked' | 'source') => {
      await appendAudit(this.db, {
        orgId: phone.orgId,
        at: this.clock.now(),
        actor: { system: `Tischtelefon ${phone.name}` },
        action: 'desk_phone.refused',
        subject: `Gerät ${phone.id}`,
        detail: { reason, from: plainAddress(from), test },
      });
      return {
        status: 403 as const,
        text: reason === 'revoked' ? 'Telefon gesperrt' : 'Absender nicht erlaubt',
      };
    };
    if (phone.revokedAt) return refuse('revoked');
    if (!sourceAllowed(sourceAddresses(phone.allowedSources), from)) return refuse('source');

    const previous = this.queues.get(phone.id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.raise(phone, test));
    this.queues.set(phone.id, run);
    try {
      return await run;
    } finally {
      if (this.queues.get(phone.id) === run) this.queues.delete(phone.id);
    }
  }

  private async raise(phone: typeof devices.$inferSelect, test: boolean): Promise<PressAnswer> {
    const now = this.clock.now();
    const scope = `device:${phone.id}`;
    // The open alarm of a press moments ago: its key makes this request a replay of it.
    const [open] = await this.db
      .select({ key: alarms.idempotencyKey })
      .from(alarms)
      .where(
        and(
          eq(alarms.orgId, phone.orgId),
          eq(alarms.idempotencyScope, scope),
          eq(alarms.source, 'desk_phone'),
          eq(alarms.test, test),
          gt(alarms.raisedAt, new Date(now.getTime() - deskPhoneRepeatSeconds * 1000)),
          ne(alarms.status, 'resolved'),
          isNull(alarms.cancelledAt),
        ),
      )
      .orderBy(desc(alarms.raisedAt))
      .limit(1);
    const key = open?.key ?? `desk_phone:${test ? 'test' : 'alarm'}:${now.getTime()}:${randomUUID()}`;
    const raised = await this.alarmService.raise(
      {
        kind: 'device',
        orgId: phone.orgId,
        deviceId: phone.id,
        personId: phone.personId,
        roomId: phone.roomId,
        name: phone.name,
      },
      { source: 'desk_phone', test, functionTest: false },
      key,
    );
    // When the phone last called in (it keeps no connection, so it is never "online"); a test
    // press that raised its test alarm is the phone's function test, passed.
    await this.db
      .transaction(async (tx) => {
        await tx.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, phone.id));
        if (test && !raised.replayed)
          await tx.insert(functionTests).values({
            orgId: phone.orgId,
            deviceId: phone.id,
            trigger: 'manual',
            requestedAt: now,
            completedAt: now,
            result: 'passed',
            detail: 'Testtaste am Tischtelefon',
            alarmId: raised.alarm.id,
          });
      })
      .catch(() => undefined);
    const what = test ? 'Testalarm' : 'Alarm';
    return {
      status: 200,
      text: raised.replayed ? `${what} läuft bereits` : `${what} ausgelöst`,
      alarmId: raised.alarm.id,
    };
  }
}

/** Is this a test press (`?test=1` on the URL, or `test=1` in a POST form)? */
function testPress(req: FastifyRequest): boolean {
  const query = req.query as Record<string, unknown>;
  const form = typeof req.body === 'string' ? new URLSearchParams(req.body) : null;
  const value = String(query.test ?? form?.get('test') ?? '');
  return value === '1' || value === 'true';
}

/**
 * `GET` and `POST <deskPhonePath>/<secret>`: any body is taken (a phone may send a form, or text,
 * or nothing) up to 4 KiB and only `test` is read from it. Wrong secrets are counted per address:
 * a guesser is answered 429 after `perMinute` in a minute.
 */
export function deskPhoneRoutes(
  app: FastifyInstance,
  phones: DeskPhones,
  perMinute: number,
  log: FastifyBaseLogger,
): void {
  const misses = new AttemptCounter();
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const key = `desk-phone:${req.ip}`;
      const { secret } = req.params as { secret: string };
      // A phone with its right secret is never throttled: a guesser on the same address (or
      // behind the same proxy) must not be able to silence it. Misses and refusals are counted;
      // over the limit they are answered 429 without a lookup or an audit entry.
      const limited = misses.exhausted(key, perMinute);
      let answer = await phones.press(secret, req.ip, testPress(req), limited);
      if (answer.status === 404 || answer.status === 403) {
        if (!misses.take(key, perMinute)) answer = { status: 429, text: 'Zu viele Versuche; bitte warten' };
      } else if (answer.status === 429) log.warn({ address: req.ip }, 'desk phone: too many wrong requests');
      else log.info({ alarm: answer.alarmId }, 'desk phone press');
      return reply.status(answer.status).type('text/plain; charset=utf-8').send(answer.text);
    };
    const opts = { schema: { hide: true } as object };
    scope.get(`${deskPhonePath}/:secret`, opts, handler);
    scope.post(`${deskPhonePath}/:secret`, opts, handler);
  });
}

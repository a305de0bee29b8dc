import { and, eq, not, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { mapLink, type PushPayload } from '@wachsam/protocol';
import type { AlarmRow } from '../alarms/presenter.js';
import type { AlertedKnown } from '../alarms/service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { onlineSince, onlineSql } from '../delivery/presence.js';
import { alarms, people } from '../db/schema.js';
import type { Mailer } from './mail.js';
import type { PushService } from './push.js';
import type { SmsGateway } from './sms.js';

const clockTime = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });

/** Where the alarm is, in words: the room for a workplace, the map link for a phone. */
export function placeOf(a: Pick<AlarmRow, 'location' | 'position'>): string {
  const l = a.location;
  const room = [l.room, l.floor, l.building].filter(Boolean).join(', ');
  if (room) return room;
  if (a.position) return mapLink(a.position);
  return 'Ort unbekannt';
}

export function alarmSms(a: Pick<AlarmRow, 'sender' | 'location' | 'position' | 'raisedAt'>): string {
  const name = `${a.sender.firstName} ${a.sender.lastName}`.trim();
  const back = a.sender.phone ? ` Rückruf ${a.sender.phone}` : '';
  return `ALARM: ${name}, ${placeOf(a)}, ${clockTime.format(a.raisedAt)} Uhr.${back}`;
}

/**
 * The alarm as an e-mail: who, where, when, a call-back number and the link into the console.
 * `why` says why this address gets it (no connection, the control centre's step).
 */
export function alarmMail(
  a: Pick<AlarmRow, 'id' | 'sender' | 'location' | 'position' | 'raisedAt' | 'test'>,
  publicUrl: string | null,
  why: string,
): { subject: string; text: string } {
  const name = `${a.sender.firstName} ${a.sender.lastName}`.trim();
  const address = a.location.address ? ` (${a.location.address})` : '';
  return {
    subject: `${a.test ? 'TESTALARM – keine Gefahr: ' : 'ALARM: '}${name} braucht Hilfe – ${placeOf(a)}`,
    text: [
      a.test ? 'TESTALARM – KEINE GEFAHR. Bitte nicht ausrücken.' : `Stiller Alarm: ${name} braucht Hilfe.`,
      '',
      `Ort: ${placeOf(a)}${address}`,
      `Ausgelöst: ${clockTime.format(a.raisedAt)} Uhr`,
      ...(a.sender.phone ? [`Rückruf: ${a.sender.phone}`] : []),
      ...(publicUrl ? [`In Wachsam öffnen: ${publicUrl.replace(/\/+$/, '')}/?alarm=${a.id}`] : []),
      '',
      why,
    ].join('\n'),
  };
}

export function alarmPush(a: Pick<AlarmRow, 'id' | 'sender' | 'location' | 'position' | 'test'>): PushPayload {
  return {
    alarmId: a.id,
    title: `${a.test ? 'TEST-' : ''}ALARM: ${a.sender.firstName} ${a.sender.lastName}`.trim(),
    body: placeOf(a),
    url: `/?alarm=${a.id}`,
    test: a.test,
  };
}

/** E-mail as a channel: the SMTP server, the console's address for links, and the control centre's mailbox. */
export interface AlarmMail {
  mailer: Mailer;
  publicUrl: string | null;
  /** Addresses that get every real alarm when it reaches a step that asks to call the police (the control centre's step). */
  controlCentre: string[];
}

/**
 * Alerts outside the realtime stream for receivers who have no live connection: one SMS (when
 * they have a phone number and a gateway is configured), an e-mail (when they have an address
 * and SMTP is configured) and a push to each of their subscriptions. A step that asks to call the
 * police also goes by e-mail to the control centre's mailbox. Runs after the commit, never
 * inside the alarm's transaction; a failure is logged and not retried, the realtime alert and
 * the escalation stay the backbone. Test alarms get a push and an e-mail marked as test, but no
 * SMS (an SMS costs money and wakes people) and nothing to the control centre.
 */
export class OfflineAlerts {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly offlineSeconds: number,
    private readonly sms: SmsGateway | null,
    private readonly push: PushService,
    private readonly log: FastifyBaseLogger,
    private readonly mail: AlarmMail | null = null,
  ) {}

  /**
   * Fire and forget: the caller (raise, escalation) has already answered. With `known` (the
   * raise), the alarm and who was offline are not read again; when nobody was, nothing is read.
   */
  alerted(alarmId: string, step: number, known?: AlertedKnown): void {
    const p = this.send(alarmId, step, known)
      .catch((err: unknown) => this.log.error({ err, alarmId, step }, 'offline alerts failed'))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Wait for the alerts under way (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private async send(alarmId: string, step: number, known?: AlertedKnown): Promise<void> {
    const controlCentre = this.mail?.controlCentre.length ? this.mail : null;
    if (known && known.offline.length === 0 && !controlCentre) return;
    const alarm = known?.alarm ?? (await this.db.select().from(alarms).where(eq(alarms.id, alarmId)))[0];
    if (!alarm || alarm.resolvedAt) return;
    // Beside the SMS and pushes, never before them: a slow mail server must not hold them up.
    const centre =
      controlCentre && !alarm.test && alarm.steps[step - 1]?.callPolice
        ? this.mailTo(controlCentre.controlCentre, alarm, 'Diese Alarmstufe sieht vor, die Polizei (110) zu rufen.')
        : Promise.resolve();
    try {
      await this.sendOffline(alarm, step, known);
    } finally {
      await centre;
    }
  }

  private async sendOffline(alarm: AlarmRow, step: number, known?: AlertedKnown): Promise<void> {
    const alarmId = alarm.id;
    if (known && known.offline.length === 0) return;
    const offline = await this.db
      .select({ personId: people.id, phone: people.phone, email: people.email })
      .from(people)
      .where(
        known
          ? // One array parameter, however many were offline (a parameter per id would stop at 65,535).
            and(eq(people.orgId, alarm.orgId), sql`${people.id} = any(${`{${known.offline.join(',')}}`}::uuid[])`)
          : and(
              // The step's people (unnested: a hash join, not a scan of the array per person).
              sql`${people.id} in (select unnest(person_ids) from alarm_steps where alarm_id = ${alarmId} and step = ${step})`,
              not(onlineSql(sql`${people.id}`, onlineSince(this.clock.now(), this.offlineSeconds))),
            ),
      );
    if (offline.length === 0) return;
    const texts = this.sms && !alarm.test ? offline.filter((r) => r.phone.trim() !== '') : [];
    const text = alarmSms(alarm);
    const mails = this.mail ? offline.filter((r) => r.email?.trim()) : [];
    await Promise.all([
      // One e-mail each: receivers do not learn each other's addresses.
      ...mails.map((r) =>
        this.mailTo(
          [r.email!],
          alarm,
          'Sie erhalten diese E-Mail, weil der Alarm Sie benachrichtigt und Wachsam bei Ihnen gerade keine Verbindung hat.',
        ),
      ),
      ...texts.map((r) =>
        this.sms!.send(r.phone, text).catch((err: unknown) =>
          this.log.warn({ err, alarmId, personId: r.personId }, 'alarm SMS not sent'),
        ),
      ),
      this.push.notify(
        alarm.orgId,
        offline.map((r) => r.personId),
        alarmPush(alarm),
      ),
    ]);
    this.log.info(
      { alarmId, step, offline: offline.length, sms: texts.length, mail: mails.length },
      'offline receivers alerted',
    );
  }

  private async mailTo(to: string[], alarm: AlarmRow, why: string): Promise<void> {
    const mail = this.mail!;
    await mail.mailer
      .send({ to, ...alarmMail(alarm, mail.publicUrl, why) })
      .catch((err: { code?: string; responseCode?: number }) =>
        // The server's answer may quote the address: only its codes go to the log.
        this.log.warn({ code: err.code, responseCode: err.responseCode, alarmId: alarm.id }, 'alarm e-mail not sent'),
      );
  }
}

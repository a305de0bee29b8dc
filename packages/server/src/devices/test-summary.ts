import { and, desc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { devices, functionTests, organisations, people, rooms, settings } from '../db/schema.js';
import type { Mailer } from '../notify/mail.js';

/** The hour (Europe/Berlin) from which the daily summary goes out. */
export const summaryHour = 7;

const berlin = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});
const germanTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The day (`2026-12-08`) and hour in Berlin. */
function berlinDayHour(at: Date): { day: string; hour: number } {
  const p = Object.fromEntries(berlin.formatToParts(at).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

const monitoredKinds = ['workstation', 'button', 'desk_phone'] as const;
const kindNames: Record<(typeof monitoredKinds)[number], string> = {
  workstation: 'Arbeitsplätze',
  button: 'Alarmtaster',
  desk_phone: 'Tischtelefone',
};
const resultNames = { passed: 'bestanden', failed: 'fehlgeschlagen', pending: 'ohne Antwort' } as const;

/**
 * Every morning from 7:00 (Europe/Berlin) the administrators of each organisation who have an
 * e-mail address get the function tests of the last 24 hours: how many devices passed, failed or
 * were not tested, the failures with their reason, and the seats without a connection. Once a day
 * per organisation: the day it went out is kept in `settings`, so a restart does not send it again.
 */
export class FunctionTestSummary {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Send what is due now; returns how many e-mails went out. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const { day, hour } = berlinDayHour(now);
    if (hour < summaryHour) return 0;
    let sent = 0;
    for (const org of await this.db.select().from(organisations)) {
      const key = `function_test_summary:${org.id}`;
      // Claimed in one statement: of several instances, one sends.
      const claimed = await this.db
        .insert(settings)
        .values({ key, value: { day } })
        .onConflictDoUpdate({
          target: settings.key,
          set: { value: { day } },
          setWhere: sql`${settings.value}->>'day' is distinct from ${day}`,
        })
        .returning({ key: settings.key });
      if (claimed.length === 0) continue;
      const admins = await this.db
        .select({ email: people.email })
        .from(people)
        .where(
          and(
            eq(people.orgId, org.id),
            sql`'admin' = any(${people.roles})`,
            isNull(people.deactivatedAt),
            isNotNull(people.email),
          ),
        );
      const to = admins.map((a) => a.email!);
      if (to.length === 0) continue;
      const text = await this.summary(org.id, org.name, now);
      const subject = `Wachsam: Funktionstests der letzten 24 Stunden – ${org.name}`;
      // One e-mail each, as for alarms; one that fails does not hold up the others.
      const results = await Promise.allSettled(to.map((address) => this.mailer.send({ to: [address], subject, text })));
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      sent += ok;
      if (ok < to.length)
        this.log.warn({ orgId: org.id, failed: to.length - ok }, 'function-test summary not sent to all');
      // Nobody got it: the claim goes, the next run tries again.
      if (ok === 0) await this.db.delete(settings).where(eq(settings.key, key));
    }
    return sent;
  }

  private async summary(orgId: string, orgName: string, now: Date): Promise<string> {
    const since = new Date(now.getTime() - 24 * 3600_000);
    const all = await this.db
      .select({ d: devices, room: rooms.name })
      .from(devices)
      .leftJoin(rooms, eq(rooms.id, devices.roomId))
      .where(and(eq(devices.orgId, orgId), inArray(devices.kind, [...monitoredKinds]), isNull(devices.revokedAt)));
    const tests = all.length
      ? await this.db
          .selectDistinctOn([functionTests.deviceId])
          .from(functionTests)
          .where(
            and(
              inArray(
                functionTests.deviceId,
                all.map((a) => a.d.id),
              ),
              gt(functionTests.requestedAt, since),
            ),
          )
          .orderBy(functionTests.deviceId, desc(functionTests.requestedAt))
      : [];
    const last = new Map(tests.map((t) => [t.deviceId, t]));
    const count = (pick: (r: (typeof all)[number]) => boolean) => all.filter(pick).length;
    const byResult = (result: keyof typeof resultNames) => count((r) => last.get(r.d.id)?.result === result);
    const label = (r: (typeof all)[number]) => `${r.d.name}${r.room ? ` (${r.room})` : ''}`;
    const failed = all.filter((r) => {
      const t = last.get(r.d.id);
      return t && t.result !== 'passed';
    });
    // Workstations and buttons keep a connection; a desk phone only calls in when pressed.
    const unconnected = all.filter((r) => r.d.kind !== 'desk_phone' && !r.d.online && r.d.lastSeenAt !== null);
    const seats = count((r) => r.d.kind === 'workstation');
    const protectedSeats = count((r) => r.d.kind === 'workstation' && r.d.online);
    const lines = [
      `Funktionstests der letzten 24 Stunden – ${orgName}`,
      `Stand: ${germanTime.format(now)} Uhr`,
      '',
      `Geräte: ${all.length} (${monitoredKinds.map((k) => `${kindNames[k]} ${count((r) => r.d.kind === k)}`).join(', ')})`,
      `Geprüft: ${byResult('passed')} bestanden, ${byResult('failed')} fehlgeschlagen, ${byResult('pending')} ohne Antwort; ` +
        `nicht geprüft: ${count((r) => !last.has(r.d.id))}`,
      `Plätze geschützt: ${protectedSeats} von ${seats} Arbeitsplätzen mit Verbindung`,
      '',
      ...(failed.length
        ? [
            'Fehlgeschlagen oder ohne Antwort:',
            ...failed.slice(0, 30).map((r) => {
              const t = last.get(r.d.id)!;
              return `- ${label(r)}: ${resultNames[t.result]}, ${germanTime.format(t.completedAt ?? t.requestedAt)} Uhr${t.detail ? ` – ${t.detail}` : ''}`;
            }),
            ...(failed.length > 30 ? [`… und ${failed.length - 30} weitere`] : []),
            '',
          ]
        : ['Keine fehlgeschlagenen Funktionstests.', '']),
      ...(unconnected.length
        ? [
            'Ohne Verbindung:',
            ...unconnected.slice(0, 30).map((r) => `- ${label(r)}: zuletzt ${germanTime.format(r.d.lastSeenAt!)} Uhr`),
            ...(unconnected.length > 30 ? [`… und ${unconnected.length - 30} weitere`] : []),
            '',
          ]
        : []),
      'Einzelheiten in Wachsam unter Administration → Funktionstests.',
    ];
    return lines.join('\n');
  }
}

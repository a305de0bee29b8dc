import { asc, eq } from 'drizzle-orm';
import type { AlarmMessage } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { alarmMessages } from '../db/schema.js';
import { appendEvents } from '../delivery/events.js';
import * as repo from './repository.js';
import type { AlarmService } from './service.js';

type MessageRow = typeof alarmMessages.$inferSelect;

const present = (m: MessageRow): AlarmMessage => ({
  id: m.id,
  alarmId: m.alarmId,
  author: { personId: m.authorPersonId, firstName: m.authorName.firstName, lastName: m.authorName.lastName },
  text: m.text,
  at: m.at.toISOString(),
});

/**
 * The text thread on an alarm. Whoever sees the alarm may write and read: the sender (person or
 * phone), the alerted receivers, the overview roles. Anybody else is told it does not exist.
 */
export class MessageService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly alarms: AlarmService,
  ) {}

  async list(actor: Actor, alarmId: string): Promise<AlarmMessage[]> {
    const row = await this.alarms.visibleAlarm(this.db, actor, alarmId);
    const rows = await this.db
      .select()
      .from(alarmMessages)
      .where(eq(alarmMessages.alarmId, row.id))
      .orderBy(asc(alarmMessages.at), asc(alarmMessages.id));
    return rows.map(present);
  }

  async send(actor: Actor, alarmId: string, text: string): Promise<AlarmMessage> {
    return this.db.transaction(async (tx) => {
      const row = await this.alarms.visibleAlarm(tx, actor, alarmId);
      const author = await repo.personSnapshot(tx, actor.orgId, actor.personId);
      const now = this.clock.now();
      const [inserted] = await tx
        .insert(alarmMessages)
        .values({
          orgId: actor.orgId,
          alarmId: row.id,
          authorPersonId: author.personId,
          authorName: { firstName: author.firstName, lastName: author.lastName },
          text,
          at: now,
        })
        .returning();
      const message = present(inserted!);
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'alarm.message',
        subject: `Alarm ${row.id}`,
        detail: { length: text.length },
      });
      // Last: the event takes the organisation's event lock. The alarm id on the row lets the
      // fan-out find the alarm's receivers; the device id, the raising phone.
      await appendEvents(tx, actor.orgId, [
        {
          body: { type: 'alarm.message', at: now.toISOString(), alarmId: row.id, message },
          alarmId: row.id,
          deviceId: row.deviceId,
        },
      ]);
      return message;
    });
  }
}

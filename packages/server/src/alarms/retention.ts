import { gte, isNull, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { forgetSubjects } from '../audit/repository.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { alarms } from '../db/schema.js';
import { deleteAlarmEvents } from '../delivery/events.js';
import { nothingDeleted, type BatchResult, type Retainer } from '../retention/job.js';
import { cutoffsFor, shortestAlarmRetentionMs, type Cutoffs } from '../retention/policy.js';
import type { AlarmRow } from './presenter.js';
import { clearLastPositions, deleteAlarms, expiredAlarmIds, isKept } from './retention-repository.js';

/** SQL that is true while another domain still needs the alarm with this id (a kept report names it). */
export type AlarmHold = (alarmId: AnyColumn, c: Cutoffs) => SQL;
/** Deletes what another domain keeps about these alarms, in the deleting transaction; returns how many rows. */
export type AlarmForget = (tx: Tx, orgId: string, alarmIds: string[]) => Promise<number>;

/**
 * What other domains say about alarms, registered when the server is wired: which alarms they
 * still need (an alarm a kept report names stays as long as that report: the report is the
 * record, the alarm its proof) and what they delete with an alarm (the debrief task). The alarm
 * domain never reads or deletes their tables itself.
 */
export class AlarmClaims {
  private readonly holds: AlarmHold[] = [];
  readonly forgetters: AlarmForget[] = [];

  holdWhile(hold: AlarmHold): void {
    this.holds.push(hold);
  }

  onForget(forget: AlarmForget): void {
    this.forgetters.push(forget);
  }

  /** SQL: the alarm in the current row is within its retention (open, ended after the cutoff, or held). */
  kept(c: Cutoffs): SQL {
    return or(
      isNull(alarms.resolvedAt),
      gte(alarms.resolvedAt, c.alarmsEndedBefore),
      ...this.holds.map((h) => h(alarms.id, c)),
    )!;
  }

  /**
   * Is this alarm past its retention (the job may not have run yet)? An alarm that is open or
   * ended within the shortest period any organisation may set is kept without a question to
   * the database, so the alarm path pays nothing for this check.
   */
  async expired(ex: Executor, row: AlarmRow, now: Date): Promise<boolean> {
    if (!row.resolvedAt || row.resolvedAt.getTime() > now.getTime() - shortestAlarmRetentionMs) return false;
    return !(await isKept(ex, row.id, this.kept(await cutoffsFor(ex, row.orgId, now))));
  }
}

/**
 * The alarm retention: an alarm that ended longer ago than the organisation's period, and that
 * no kept report names, is deleted with everything about it — its receivers with their receipts
 * and answers, its messages and positions (cascade), its realtime events, the debrief task, and
 * what the audit log says about it. Open alarms are never deleted.
 */
export class AlarmRetention implements Retainer {
  readonly name = 'alarms';

  constructor(
    private readonly db: Db,
    private readonly claims: AlarmClaims,
  ) {}

  async deleteBatch(orgId: string | null, c: Cutoffs, limit: number): Promise<BatchResult> {
    if (!orgId) return nothingDeleted;
    return this.db.transaction(async (tx) => {
      const ids = await expiredAlarmIds(tx, orgId, this.claims.kept(c), limit);
      if (ids.length === 0) return nothingDeleted;
      let aftercareTasks = 0;
      for (const forget of this.claims.forgetters) aftercareTasks += await forget(tx, orgId, ids);
      await deleteAlarmEvents(tx, ids);
      await forgetSubjects(
        tx,
        orgId,
        ids.map((id) => `Alarm ${id}`),
      );
      const { messages } = await deleteAlarms(tx, ids);
      return { deleted: ids.length, counts: { alarms: ids.length, alarmMessages: messages, aftercareTasks } };
    });
  }
}

/** Last known positions: cleared 24 hours after they were stored (they are used for 12 hours only). */
export function lastPositionRetainer(db: Db): Retainer {
  return {
    name: 'last positions',
    async deleteBatch(orgId, c, limit) {
      if (!orgId) return nothingDeleted;
      const n = await clearLastPositions(db, orgId, c.lastPositionBefore, limit);
      return { deleted: n, counts: { lastPositions: n } };
    },
  };
}

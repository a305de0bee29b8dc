import {
  defaultPlanSteps,
  minOnlineOf,
  type Alarm,
  type AlarmEvent,
  type AlarmDetail,
  type AlarmList,
  type PlanStep,
  type Position,
  type RaiseAlarmRequest,
  type RaiseAlarmResponse,
  type Response,
} from '@wachsam/protocol';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { appendAudit, auditRow } from '../audit/repository.js';
import { hasRole, type Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import { eventsChannel, type Db, type Executor, type Tx } from '../db/client.js';
import { announceCommitted } from '../db/commits.js';
import { overviewRoles } from '../delivery/audience.js';
import { appendEvents, lastEventId } from '../delivery/events.js';
import { onlineSince } from '../delivery/presence.js';
import { decodeCursor, pageOf } from '../http/cursor.js';
import { AppError, notFound } from '../http/errors.js';
import { nearbyAddress, nearestAddress, recentPosition, storeLastPosition } from './positions.js';
import { presentAlarm, type AlarmRow } from './presenter.js';
import * as repo from './repository.js';
import { AlarmActivity } from './activity.js';
import { AlarmClaims } from './retention.js';
import { cutoffsFor } from '../retention/policy.js';
import { resolveTargets } from './targets.js';

type AlarmEventType = AlarmEvent['type'];

/** The alarm list's cursor: raisedAt and id of the last alarm of the page. */
const AlarmCursorJson = z
  .tuple([z.iso.datetime(), z.uuid()])
  .transform(([raisedAt, id]): repo.AlarmCursor => ({ raisedAt: new Date(raisedAt), id }));
/**
 * A step alerted people. `known` is given when the caller already knows the alarm and who of
 * the step was offline (the raise reads both before it commits); otherwise the listener reads them.
 */
export type AlertedListener = (alarmId: string, step: number, known?: AlertedKnown) => void;
export interface AlertedKnown {
  alarm: AlarmRow;
  /** The step's receivers without a live connection when it was alerted. */
  offline: readonly string[];
}

/** How long who an alarm alerted is kept for matching its receipts. */
const alertedCacheMs = 120_000;

/** The sender may send position updates at most this often; faster ones are dropped. */
export const positionIntervalMs = 5000;

export type ResolvedHook = (tx: Tx, alarm: AlarmRow, at: Date) => Promise<void>;

/** "This alarm is on my screen": from a receiver's session, or from a device (function test, workstation). */
export interface Receipt {
  alarmId: string;
  personId: string | null;
  deviceId: string | null;
  at: Date;
}

/** What an actor may see: overview roles everything, others their own and their alerts. */
export function visibilityOf(actor: Actor): repo.Visibility {
  return actor.kind === 'device'
    ? { orgId: actor.orgId, all: false, personId: actor.personId, deviceId: actor.deviceId }
    : { orgId: actor.orgId, all: hasRole(actor, overviewRoles), personId: actor.personId, deviceId: null };
}

const isSenderOf = (actor: Actor, row: AlarmRow): boolean =>
  actor.kind === 'device' ? row.deviceId === actor.deviceId : row.sender.personId === actor.personId;

export class AlarmService {
  private readonly alertedListeners: AlertedListener[] = [];
  private readonly resolvedHooks: ResolvedHook[] = [];
  /** Who recent alarms alerted, for matching receipts (see `alertedReceipts`). */
  private readonly alerted = new Map<
    string,
    { readAt: number; byPerson: Map<string, { step: number; alertedAt: Date }> }
  >();
  /** What other domains still need of alarms and delete with them (the retention asks). */
  readonly claims = new AlarmClaims();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly offlineSeconds: number,
    /** Heavy work waits while a raise is under way (see `AlarmActivity`). */
    private readonly activity = new AlarmActivity(),
  ) {}

  /**
   * Raise an alarm. The answer is built only after the transaction committed: a sender that
   * got it can rely on the alarm existing. A repeat with the same key returns the same alarm.
   */
  async raise(actor: Actor, req: RaiseAlarmRequest, key: string): Promise<RaiseAlarmResponse> {
    const done = this.activity.begin();
    try {
      return await this.raiseAndNotify(actor, req, key);
    } finally {
      done();
    }
  }

  private async raiseAndNotify(actor: Actor, req: RaiseAlarmRequest, key: string): Promise<RaiseAlarmResponse> {
    const { response: result, alerted } = await this.raiseInTransaction(actor, req, key);
    // Every step the raise alerted (more than one when it widened at once) gets SMS and push
    // for those the raise found offline, without asking the database again.
    alerted.forEach((known, i) => this.notifyAlerted(result.alarm.id, i + 1, known));
    // The sender's fix also becomes their last known position (for a personal button later):
    // after the commit, outside the alarm's transaction; failing here must not fail the raise.
    const personId = result.alarm.sender.personId;
    if (!result.replayed && req.position && personId)
      await storeLastPosition(this.db, actor.orgId, personId, req.position, this.clock.now()).catch(() => undefined);
    return result;
  }

  /**
   * Called after the commit of every step that alerted people (raise and escalation), for the
   * channels outside the realtime stream (SMS, push). A listener must not throw; it runs
   * outside the transaction, so a slow SMS gateway never holds up an alarm.
   */
  onAlerted(listener: AlertedListener): void {
    this.alertedListeners.push(listener);
  }

  /**
   * Runs inside the transaction that resolves a real alarm (not a test), so what it writes
   * (an aftercare task) commits with the resolution or not at all.
   */
  onResolved(hook: ResolvedHook): void {
    this.resolvedHooks.push(hook);
  }

  private notifyAlerted(alarmId: string, step: number, known?: AlertedKnown): void {
    for (const l of this.alertedListeners) l(alarmId, step, known);
  }

  /**
   * The raise in two round trips whatever the number of receivers: one statement reads what the
   * alarm needs (device, sender, room, plan, every step's receivers and who of them is online),
   * and one statement commits it (alarm, receivers, audit entry, event; see `repo.commitRaise`).
   * Whether the first step has too few receivers online, so that the next steps are alerted at
   * once, is decided in between from what was read.
   */
  private async raiseInTransaction(
    actor: Actor,
    req: RaiseAlarmRequest,
    key: string,
  ): Promise<{ response: RaiseAlarmResponse; alerted: AlertedKnown[] }> {
    const orgId = actor.orgId;
    const scope = actor.kind === 'device' ? `device:${actor.deviceId}` : `person:${actor.personId}`;
    const functionTest = req.functionTest;
    const test = req.test || functionTest;
    const fingerprint = `${req.source}|${test}|${functionTest}`;
    if (functionTest && actor.kind !== 'device')
      throw new AppError('bad_request', 'Funktionstests lösen nur Geräte aus');

    const now = this.clock.now();
    const since = this.onlineSince(now);
    // A phone alarm (or any mobile trigger) is where the person is, not where their desk is;
    // the plan then comes from their department (or the organisation) and `same_department`
    // means their colleagues, while floor/building targets find nobody without a room.
    // A button without a room is personal: carried by its person, like a phone.
    const ctx = await repo.raiseContext(this.db, {
      orgId,
      deviceId: actor.kind === 'device' ? actor.deviceId : null,
      personId: actor.personId,
      mobileSource: req.source === 'mobile',
      hasPosition: !!req.position,
      resolve: !functionTest,
      onlineSince: since,
      defaultSteps: defaultPlanSteps,
    });
    const { device, sender } = ctx;
    const location = repo.locationOf(ctx, device?.name ?? '');
    const departmentId = location.departmentId ?? sender.departmentId;
    const steps = ctx.steps ?? defaultPlanSteps;
    const first = steps[0]!;

    // A button has no GPS: when it is bound to a person, their phone's last fix tells the
    // receivers where to look (marked as last known, with its time). The alarm never waits for it.
    let position = req.position ?? null;
    let positionKind: 'live' | 'last_known' | null = position ? 'live' : null;
    if (!position && device?.kind === 'button' && device.personId) {
      position = recentPosition(sender.lastPosition, now);
      positionKind = position ? 'last_known' : null;
    }
    const positionAddress = position ? nearestAddress(ctx.buildings, position) : null;

    // A real alarm whose first step has too few receivers online widens at once (Mindestanzahl
    // Empfänger): a phone alarm to an empty floor reaches the security desk now, not after 30 s.
    const alertedSteps = functionTest ? 1 : stepsToAlert(steps, ctx.receivers, test);
    const alerted = ctx.receivers.slice(0, alertedSteps);
    const widened = alertedSteps > 1;
    const nextEscalationAt = test
      ? null
      : widened
        ? alertedSteps < steps.length
          ? new Date(now.getTime() + steps[alertedSteps - 1]!.timeoutSeconds * 1000)
          : null
        : new Date(now.getTime() + first.timeoutSeconds * 1000);
    const row: AlarmRow = {
      id: randomUUID(),
      orgId,
      idempotencyScope: scope,
      idempotencyKey: key,
      requestFingerprint: fingerprint,
      status: 'raised',
      source: req.source,
      test,
      functionTest,
      deviceId: device?.id ?? null,
      sender: {
        personId: sender.personId,
        firstName: sender.firstName,
        lastName: sender.lastName,
        phone: sender.phone,
      },
      location: { ...location, departmentId },
      steps,
      step: alertedSteps,
      nextEscalationAt,
      raisedAt: now,
      triggeredAt: req.triggeredAt ? new Date(req.triggeredAt) : null,
      position,
      positionStoredAt: position ? now : null,
      positionKind,
      positionAddress,
      cancelledAt: null,
      resolvedAt: null,
      resolvedBy: null,
      outcome: null,
      note: '',
    };
    const count = alerted.reduce((n, s) => n + s.ids.length, 0);
    const alarm = presentAlarm(row, count, []);
    const type = 'alarm.raised' satisfies AlarmEventType;
    const committed = await repo.commitRaise(
      this.db,
      row,
      alerted.map((s, i) => ({ step: i + 1, ids: s.ids })),
      auditRow({
        orgId,
        at: now,
        actor,
        action: functionTest ? 'alarm.function_test' : 'alarm.raised',
        subject: `Alarm ${row.id}`,
        detail: {
          source: req.source,
          test,
          receivers: count,
          room: location.room,
          building: location.building,
          ...(widened ? { widenedTo: alertedSteps } : {}),
        },
      }),
      { type, payload: { type, at: now.toISOString(), alarm }, channel: eventsChannel },
    );
    if (!committed)
      return {
        response: await this.db.transaction((tx) =>
          this.replay(tx, orgId, scope, key, fingerprint, req.triggeredAt ?? null),
        ),
        alerted: [],
      };
    const receivers = new Set(alerted.flatMap((s) => s.ids));
    announceCommitted(this.db, `${orgId}:${committed.eventId}`, {
      orgId,
      rows: [
        {
          id: committed.eventId,
          orgId,
          type,
          alarmId: row.id,
          deviceId: row.deviceId,
          payload: { type, at: now.toISOString(), alarm },
          at: now,
        },
      ],
      receivers: new Map([[row.id, receivers]]),
    });
    const receiversOnline = functionTest ? 1 : alerted.reduce((n, s) => n + s.online, 0);
    return {
      response: { alarm, receiversOnline, replayed: false },
      alerted: functionTest ? [] : alerted.map((s) => ({ alarm: row, offline: s.offline })),
    };
  }

  private async replay(
    tx: Tx,
    orgId: string,
    scope: string,
    key: string,
    fingerprint: string,
    triggeredAt: string | null,
  ): Promise<RaiseAlarmResponse> {
    const existing = await repo.alarmByKey(tx, orgId, scope, key);
    if (!existing) throw new AppError('conflict', 'Alarm konnte nicht angelegt werden; bitte erneut senden');
    // A retry carries the press time it had; another press time under the same key is another
    // press (a phone whose counter started again): it must not be answered with an old alarm.
    const otherPress =
      triggeredAt !== null &&
      existing.triggeredAt !== null &&
      new Date(triggeredAt).getTime() !== existing.triggeredAt.getTime();
    if (existing.requestFingerprint !== fingerprint || otherPress) {
      throw new AppError(
        'idempotency_conflict',
        'Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet',
      );
    }
    const alarm = await this.present(tx, existing);
    const online = existing.functionTest
      ? 1
      : await repo.onlineCount(tx, existing.id, this.onlineSince(this.clock.now()));
    return { alarm, receiversOnline: online, replayed: true };
  }

  async respond(actor: Actor, alarmId: string, response: Response): Promise<Alarm> {
    return this.change(actor, alarmId, 'alarm.responded', async (tx, row, now) => {
      if (actor.kind !== 'person') throw new AppError('forbidden', 'Nur Personen können reagieren');
      if (isSenderOf(actor, row)) throw new AppError('forbidden', 'Auf den eigenen Alarm reagieren andere');
      await this.mustBeReceiverOrOverview(tx, actor, row);
      if (row.resolvedAt) throw new AppError('invalid_transition', 'Der Alarm ist bereits beendet');
      // Every responder is recorded; the same answer from the same person again changes nothing.
      const recorded = await repo.respond(tx, row.id, actor.personId, response, now);
      if (!recorded) return { row, detail: { response }, silent: true };
      const first = row.status === 'raised' || row.status === 'delivered';
      const updated = first
        ? await repo.updateAlarm(tx, row.id, { status: 'acknowledged', nextEscalationAt: null })
        : row;
      return { row: updated, detail: { response } };
    });
  }

  /** A cancel may be forced by the attacker: receivers are still asked to check in person. */
  async cancel(actor: Actor, alarmId: string): Promise<Alarm> {
    return this.change(actor, alarmId, 'alarm.cancelled', async (_tx, row, now) => {
      if (!isSenderOf(actor, row)) throw new AppError('forbidden', 'Nur die auslösende Person kann abbrechen');
      if (row.resolvedAt) throw new AppError('invalid_transition', 'Der Alarm ist bereits beendet');
      if (row.cancelledAt) return { row, detail: {}, silent: true };
      // Before anyone acknowledged, the cancel may be forced: the next step is alerted now to
      // check in person, and escalation goes on until someone answers. After an answer the
      // helper on the way checks anyway (escalation has stopped already).
      const answered = row.status === 'acknowledged';
      const nextEscalationAt = answered || row.nextEscalationAt === null ? row.nextEscalationAt : now;
      return {
        row: await repo.updateAlarm(_tx, row.id, { cancelledAt: now, nextEscalationAt }),
        detail: { beforeAnswer: !answered },
      };
    });
  }

  async resolve(actor: Actor, alarmId: string, outcome: 'real' | 'false_alarm' | 'test', note: string): Promise<Alarm> {
    return this.change(actor, alarmId, 'alarm.resolved', async (tx, row, now) => {
      if (actor.kind !== 'person') throw new AppError('forbidden', 'Nur Personen können Entwarnung geben');
      // The all-clear of a real alarm comes from someone who checked in person: the sender may
      // be forced to give it. A test alarm the sender may close.
      if (isSenderOf(actor, row) && !row.test)
        throw new AppError(
          'forbidden',
          'Die Entwarnung gibt, wer persönlich nachgesehen hat, nicht die auslösende Person',
        );
      await this.mustBeReceiverOrOverview(tx, actor, row);
      if (row.resolvedAt) throw new AppError('invalid_transition', 'Der Alarm ist bereits beendet');
      const updated = await repo.updateAlarm(tx, row.id, {
        status: 'resolved',
        resolvedAt: now,
        resolvedBy: actor.name,
        outcome,
        note,
        nextEscalationAt: null,
      });
      // A function test is a test alarm too (`test` is set for both).
      if (!updated.test) for (const hook of this.resolvedHooks) await hook(tx, updated, now);
      return { row: updated, detail: { outcome } };
    });
  }

  /**
   * The sender's phone reports where they are now. Taken at most every 5 s (a phone may report
   * every second; receivers need the trend, not every fix); a faster update is dropped quietly.
   * Only the sender may move their alarm: anybody else learns nothing about it (404).
   */
  async updatePosition(actor: Actor, alarmId: string, position: Position): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await repo.alarmById(tx, actor.orgId, alarmId, true);
      if (!row || !isSenderOf(actor, row) || (await this.claims.expired(tx, row, this.clock.now())))
        throw notFound('Alarm');
      if (row.resolvedAt) throw new AppError('invalid_transition', 'Der Alarm ist bereits beendet');
      const now = this.clock.now();
      if (row.positionStoredAt && now.getTime() - row.positionStoredAt.getTime() < positionIntervalMs) return;
      const positionAddress = await nearbyAddress(tx, row.orgId, position);
      const updated = await repo.updateAlarm(tx, row.id, {
        position,
        positionStoredAt: now,
        positionKind: 'live',
        positionAddress,
      });
      if (row.sender.personId) await storeLastPosition(tx, row.orgId, row.sender.personId, position, now);
      await this.emit(tx, updated, await this.present(tx, updated), 'alarm.position', now);
    });
  }

  /**
   * Widen the circle for every alarm whose step timed out unanswered. Each alarm is escalated
   * in its own transaction under a row lock (SKIP LOCKED), so several instances share the work
   * and none escalates the same step twice. Timers live in the database: a restart loses none.
   */
  async escalateDue(): Promise<number> {
    let count = 0;
    for (;;) {
      const did = await this.db.transaction(async (tx) => {
        const now = this.clock.now();
        const [row] = await repo.lockDueEscalations(tx, now, 1);
        if (!row) return false;
        const next = row.step + 1;
        const step = row.steps[next - 1];
        if (row.test || !step) {
          await repo.updateAlarm(tx, row.id, { nextEscalationAt: null });
          return true;
        }
        const exclude = await repo.alreadyAlerted(tx, row.id);
        if (row.sender.personId) exclude.add(row.sender.personId);
        const receivers = await resolveTargets(tx, row.orgId, row.location, step.targets, exclude);
        await repo.insertReceivers(tx, row.id, receivers, next, now);
        // Too few of this step online: the next step is due at once (the loop takes it next).
        const tooFew = (await repo.onlineAtStep(tx, row.id, next, this.onlineSince(now))) < minOnlineOf(step);
        const nextAt =
          next < row.steps.length ? (tooFew ? now : new Date(now.getTime() + step.timeoutSeconds * 1000)) : null;
        const updated = await repo.updateAlarm(tx, row.id, { step: next, nextEscalationAt: nextAt });
        await appendAudit(tx, {
          orgId: row.orgId,
          at: now,
          actor: { system: 'Eskalation' },
          action: 'alarm.escalated',
          subject: `Alarm ${row.id}`,
          detail: { step: next, newReceivers: receivers.length },
        });
        await this.emit(tx, updated, await this.present(tx, updated), 'alarm.escalated', now);
        return receivers.length ? { alarmId: row.id, step: next } : true;
      });
      if (!did) return count;
      if (typeof did === 'object') this.notifyAlerted(did.alarmId, did.step);
      count++;
    }
  }

  /**
   * Receipts from screens, batched. A receipt counts only from an alerted receiver of that alarm
   * (the policy is in the statement: it matches the receiver's own row); the first one moves the
   * alarm to delivered. A receipt from the raising device for its own function test means the
   * test alarm went all the way round: the test alarm closes itself.
   */
  async recordReceipts(receipts: Receipt[]): Promise<void> {
    if (receipts.length === 0) return;
    const byPerson = await this.alertedReceipts(receipts);
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const { moved, marked } = await repo.recordReceipts(tx, byPerson);
      for (const row of moved) {
        const first = marked.find((r) => r.alarmId === row.id);
        await appendAudit(tx, {
          orgId: row.orgId,
          at: now,
          actor: { system: 'Zustellung' },
          action: 'alarm.delivered',
          subject: `Alarm ${row.id}`,
          detail: { firstReceiver: first?.personId ?? null },
        });
        await this.emit(tx, row, await this.present(tx, row), 'alarm.delivered', now);
      }
      const fromDevices = receipts.flatMap((r) => (r.deviceId ? [{ alarmId: r.alarmId, deviceId: r.deviceId }] : []));
      for (const row of await repo.closeFunctionTests(tx, fromDevices, now))
        await this.emit(tx, row, await this.present(tx, row), 'alarm.resolved', now);
    });
  }

  /**
   * The receipts of people a step of their alarm alerted, with that step. Who an alarm alerted
   * is kept for a while per alarm (the receipts of a large alarm arrive in many batches; reading
   * its arrays for each would cost more than the receipts): a person not found is looked up again
   * once per batch, in case a step was added since (escalation).
   */
  private async alertedReceipts(receipts: Receipt[]) {
    const now = Date.now();
    for (const [id, entry] of this.alerted) if (now - entry.readAt > alertedCacheMs) this.alerted.delete(id);
    const byPerson = receipts.filter((r): r is Receipt & { personId: string } => r.personId !== null);
    const read = async (ids: string[]) => {
      for (const [id, byPersonOfAlarm] of await repo.stepsOf(this.db, ids))
        this.alerted.set(id, { readAt: now, byPerson: byPersonOfAlarm });
    };
    await read([...new Set(byPerson.map((r) => r.alarmId))].filter((id) => !this.alerted.has(id)));
    const misses = byPerson.filter((r) => !this.alerted.get(r.alarmId)?.byPerson.has(r.personId));
    const stale = [...new Set(misses.map((r) => r.alarmId))].filter((id) => this.alerted.get(id)?.readAt !== now);
    if (stale.length) await read(stale);
    return byPerson.flatMap((r) => {
      const s = this.alerted.get(r.alarmId)?.byPerson.get(r.personId);
      return s ? [{ ...r, step: s.step, alertedAt: s.alertedAt }] : [];
    });
  }

  /**
   * A device reported its function test: its test alarm is closed (it may never have arrived).
   * Function tests left open by a device that died mid-test close after `staleAfterMs`.
   */
  async closeFunctionTest(deviceId: string, alarmId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      for (const row of await repo.closeFunctionTests(tx, [{ alarmId, deviceId }], now))
        await this.emit(tx, row, await this.present(tx, row), 'alarm.resolved', now);
    });
  }

  /** Is this the device's own function-test alarm? Another device's, or another organisation's, is not. */
  async isOwnFunctionTest(orgId: string, deviceId: string, alarmId: string): Promise<boolean> {
    const row = await repo.alarmById(this.db, orgId, alarmId);
    return !!row && row.functionTest && row.deviceId === deviceId;
  }

  async closeStaleFunctionTests(staleAfterMs = 120_000): Promise<number> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const closed = await repo.closeFunctionTestsBefore(tx, new Date(now.getTime() - staleAfterMs), now);
      for (const row of closed) await this.emit(tx, row, await this.present(tx, row), 'alarm.resolved', now);
      return closed.length;
    });
  }

  async list(actor: Actor, query: { open?: boolean; limit: number; cursor?: string }): Promise<AlarmList> {
    const last = await lastEventId(this.db, actor.orgId);
    const after = decodeCursor(query.cursor, AlarmCursorJson);
    // Alarms past their retention are left out at once, before the retention job deletes them.
    const kept = this.claims.kept(await cutoffsFor(this.db, actor.orgId, this.clock.now()));
    const page = pageOf(
      await repo.listVisible(this.db, this.visibility(actor), kept, query.open, query.limit + 1, after),
      query.limit,
      (r) => [r.raisedAt.toISOString(), r.id],
    );
    const rows = page.items;
    const sums = await repo.summaries(
      this.db,
      rows.map((r) => r.id),
    );
    const alarms = rows.map((r) => {
      const s = sums.get(r.id)!;
      return presentAlarm(r, s.alerted, s.responders);
    });
    const forYou = actor.personId
      ? await repo.alertedAmong(
          this.db,
          actor.personId,
          rows.map((r) => r.id),
        )
      : [];
    return { alarms, nextCursor: page.nextCursor, forYou, lastEventId: last.toString() };
  }

  async detail(actor: Actor, alarmId: string): Promise<AlarmDetail> {
    const row = await this.visibleAlarm(this.db, actor, alarmId);
    const receivers = await repo.receiverState(this.db, row.id);
    return {
      alarm: await this.present(this.db, row),
      receivers: receivers.map(({ r, firstName, lastName }) => ({
        personId: r.personId,
        firstName,
        lastName,
        step: r.step,
        alertedAt: r.alertedAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        comingAt: r.comingAt?.toISOString() ?? null,
        policeCalledAt: r.policeCalledAt?.toISOString() ?? null,
      })),
    };
  }

  private visibility(actor: Actor): repo.Visibility {
    return visibilityOf(actor);
  }

  /**
   * The alarm if this actor may see it and it is within its retention; anything else is "not
   * found" (an alarm past its retention is gone for everybody, even before the job deleted it).
   */
  async visibleAlarm(ex: Executor, actor: Actor, alarmId: string, lock = false): Promise<AlarmRow> {
    const row = await repo.alarmById(ex, actor.orgId, alarmId, lock);
    if (!row || !(await repo.canSee(ex, this.visibility(actor), row))) throw notFound('Alarm');
    if (await this.claims.expired(ex, row, this.clock.now())) throw notFound('Alarm');
    return row;
  }

  private async mustBeReceiverOrOverview(
    ex: Executor,
    actor: Actor & { kind: 'person' },
    row: AlarmRow,
  ): Promise<void> {
    if (hasRole(actor, overviewRoles)) return;
    if (await repo.isReceiver(ex, row.id, actor.personId)) return;
    throw new AppError('forbidden', 'Sie sind für diesen Alarm nicht als Empfänger eingetragen');
  }

  /** Lock the alarm, apply one change, present it, and emit and audit the event, in one transaction. */
  private async change(
    actor: Actor,
    alarmId: string,
    type: AlarmEventType,
    apply: (
      tx: Tx,
      row: AlarmRow,
      now: Date,
    ) => Promise<{ row: AlarmRow; detail: Record<string, unknown>; silent?: boolean }>,
  ): Promise<Alarm> {
    return this.db.transaction(async (tx) => {
      const row = await this.visibleAlarm(tx, actor, alarmId, true);
      const now = this.clock.now();
      const result = await apply(tx, row, now);
      const alarm = await this.present(tx, result.row);
      if (result.silent) return alarm;
      await appendAudit(tx, {
        orgId: row.orgId,
        at: now,
        actor,
        action: type,
        subject: `Alarm ${row.id}`,
        detail: result.detail,
      });
      // Last: the event takes the organisation's event lock, held until commit.
      await this.emit(tx, result.row, alarm, type, now);
      return alarm;
    });
  }

  private async present(ex: Executor, row: AlarmRow): Promise<Alarm> {
    const s = (await repo.summaries(ex, [row.id])).get(row.id)!;
    return presentAlarm(row, s.alerted, s.responders);
  }

  private emit(tx: Tx, row: AlarmRow, alarm: Alarm, type: AlarmEventType, at: Date) {
    return appendEvents(tx, row.orgId, [
      { body: { type, at: at.toISOString(), alarm }, alarmId: row.id, deviceId: row.deviceId },
    ]);
  }

  private onlineSince(now: Date): Date {
    return onlineSince(now, this.offlineSeconds);
  }
}

/**
 * How many steps a raise alerts at once: the first, and while a step has fewer receivers
 * online than its minimum, the next (a real alarm only; a test alarm stays at its first step).
 */
export function stepsToAlert(steps: PlanStep[], receivers: Array<{ online: number }>, test: boolean): number {
  if (test || steps.length < 2) return 1;
  let step = 1;
  while (step < steps.length && (receivers[step - 1]?.online ?? 0) < minOnlineOf(steps[step - 1]!)) step++;
  return step;
}

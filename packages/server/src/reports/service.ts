import { randomUUID } from 'node:crypto';
import {
  belowThreshold,
  mainCategory,
  ReportInput,
  suggestLevel,
  zeroToleranceNotice,
  type ComplaintInput,
  type Level,
  type LevelMapping,
  type Place,
  type PublishInput,
  type Report,
  type ReportStatus,
  type ReportSummary,
  type SubmitResult,
  type Warning,
} from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { SQL } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import { createDebrief, type AftercareService } from './aftercare.js';
import { debriefExists } from './aftercare-repository.js';
import { draftFromAlarm } from './alarm-draft.js';
import { monthOf, presentReport, presentSummary, presentWarning } from './presenter.js';
import * as repo from './repository.js';
import { cutoffsFor, type Cutoffs } from '../retention/policy.js';
import { keptReport } from './retention-repository.js';
import { loadSettings } from './settings.js';
import { warningCutoff } from './warning-retention.js';
import {
  actionsFor,
  checkStep,
  maySee,
  roleOfStep,
  seesReporter,
  type Person,
  type ReviewState,
  type StepName,
  type Viewer,
} from './workflow.js';

type Issue = { path: string; message: string };

/**
 * The level a report gets: the one its categories suggest under the organisation's mapping, or
 * a different one with a reason on record (the Aachener Modell is a guide, not a verdict).
 */
function levelOf(input: ReportInput, mapping: Partial<LevelMapping>): { level: Level; suggested: Level } {
  const suggested = suggestLevel(input.categories, mapping);
  const level = input.level ?? suggested;
  if (level !== suggested && input.levelReason === '')
    throw new AppError(
      'validation_failed',
      `Die Stufe weicht von der vorgeschlagenen Stufe ${suggested} ab; bitte begründen`,
      [{ path: 'body.levelReason', message: 'Begründung für die abweichende Stufe fehlt' }],
    );
  return { level, suggested };
}

/** What a report needs before it leaves the reporter: what happened, where, and who (if known). */
function checkComplete(input: ReportInput, now: Date): void {
  const issues: Issue[] = [];
  if (input.description === '') issues.push({ path: 'description', message: 'Bitte beschreiben, was passiert ist' });
  if (input.causer.known && input.causer.lastName === '')
    issues.push({ path: 'causer.lastName', message: 'Bei bekannter Person den Nachnamen angeben' });
  if (!input.roomId && input.address === '') issues.push({ path: 'address', message: 'Raum oder Adresse angeben' });
  if (new Date(input.occurredAt).getTime() > now.getTime() + 5 * 60_000)
    issues.push({ path: 'occurredAt', message: 'Der Zeitpunkt liegt in der Zukunft' });
  if (issues.length) throw new AppError('validation_failed', 'Die Meldung ist noch unvollständig', issues);
}

export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly aftercare: AftercareService,
    /** The alarm domain's retention predicate: an alarm past it cannot be reported on. */
    private readonly keptAlarm: (c: Cutoffs) => SQL,
  ) {}

  /**
   * A new draft, once per idempotency key and reporter: a create retried because its answer
   * was lost answers with the draft the first one made (as it is now), not a second one.
   */
  async create(actor: Person, input: ReportInput, idempotencyKey: string): Promise<Report> {
    return this.db.transaction(async (tx) => {
      const viewer = await this.viewer(tx, actor);
      const earlier = await repo.reportByKey(tx, actor.orgId, actor.personId, idempotencyKey);
      if (earlier) return this.view(tx, viewer, earlier);
      const { level } = await this.checkInput(tx, actor, input, null);
      const now = this.clock.now();
      // A draft is the reporter's own notes: it enters the audit log when it is submitted, so a
      // report that ends below the threshold leaves no trace of who wrote it.
      const row = await repo.insertReportOnce(tx, {
        idempotencyKey,
        orgId: actor.orgId,
        reporterPersonId: actor.personId,
        departmentId: viewer.departmentId,
        status: 'draft',
        occurredAt: new Date(input.occurredAt),
        level,
        categories: input.categories,
        data: input,
        alarmId: input.alarmId,
        createdAt: now,
        updatedAt: now,
      });
      return this.view(tx, viewer, row);
    });
  }

  async update(actor: Person, id: string, input: ReportInput): Promise<Report> {
    return this.db.transaction(async (tx) => {
      const { row, viewer } = await this.load(tx, actor, id, true);
      if (row.reporterPersonId !== actor.personId)
        throw new AppError('forbidden', 'Nur die meldende Person kann die Meldung ändern');
      if (row.status !== 'draft')
        throw new AppError('invalid_transition', 'Nur ein Entwurf kann geändert werden; die Meldung ist eingereicht');
      const { level } = await this.checkInput(tx, actor, input, row.alarmId);
      const updated = await repo.updateReport(tx, row.id, {
        occurredAt: new Date(input.occurredAt),
        level,
        categories: input.categories,
        data: input,
        alarmId: input.alarmId,
        updatedAt: this.clock.now(),
      });
      return this.view(tx, viewer, updated);
    });
  }

  /** The organisation's rooms, labelled building · floor · room, for the report form's place. */
  async places(actor: Person): Promise<Place[]> {
    const rows = await repo.placesOf(this.db, actor.orgId);
    return rows.map((r) => ({ roomId: r.roomId, label: `${r.building} · ${r.floor} · ${r.room}` }));
  }

  async get(actor: Person, id: string): Promise<Report> {
    const { row, viewer } = await this.load(this.db, actor, id);
    return this.view(this.db, viewer, row);
  }

  async list(
    actor: Person,
    q: { scope: 'mine' | 'inbox' | 'all'; status?: ReportStatus | undefined },
  ): Promise<ReportSummary[]> {
    const viewer = await this.viewer(this.db, actor);
    const kept = keptReport(await this.cutoffs(this.db, actor.orgId));
    const rows = await repo.listReports(this.db, actor.orgId, viewer, q.scope, q.status, kept);
    return rows.map((r) => presentSummary(r, actor.personId));
  }

  /**
   * Submit: the anonymous fact is written (or replaced, on a resubmission) first. Below the
   * entry threshold the report, its transitions and its evidence are then deleted in the same
   * transaction: only month, department, categories and level remain, and the reporter is
   * reminded that every attack should still go to the police.
   */
  async submit(actor: Person, id: string): Promise<SubmitResult> {
    return this.db.transaction(async (tx) => {
      const { row, viewer, state } = await this.load(tx, actor, id, true);
      const { from, to } = checkStep(viewer, state, 'submit');
      const input = ReportInput.parse(row.data);
      const { levelMapping } = await loadSettings(tx, actor.orgId);
      const { level } = levelOf(input, levelMapping);
      const now = this.clock.now();
      checkComplete(input, now);
      const main = mainCategory(input.categories, levelMapping);
      const factId = await repo.upsertFact(tx, {
        orgId: actor.orgId,
        reportId: row.id,
        month: `${monthOf(row.occurredAt)}-01`,
        departmentId: row.departmentId,
        mainCategory: main,
        categories: input.categories,
        level,
      });
      const helpOffers = await this.aftercare.activeHelpOffers(tx, actor.orgId);
      if (belowThreshold(level, input.categories)) {
        await repo.deleteReports(tx, actor.orgId, [row.id]);
        await appendAudit(tx, {
          orgId: actor.orgId,
          at: now,
          actor: { system: 'Meldesystem' },
          action: 'report.statistics_only',
          subject: `incident_fact:${factId}`,
          detail: { level, mainCategory: main },
        });
        return { report: null, statisticsOnly: true, notice: zeroToleranceNotice, helpOffers };
      }
      const updated = await repo.updateReport(tx, row.id, { status: to, level, submittedAt: now, updatedAt: now });
      const evidence = (await repo.attachmentsOf(tx, row.id)).map((a) => ({ id: a.id, sha256: a.sha256 }));
      await this.record(tx, actor, updated.id, 'submit', roleOfStep(viewer, state, 'submit'), from, to, '', now, {
        evidence,
      });
      if (row.reporterPersonId && !(await debriefExists(tx, actor.orgId, row.id, row.alarmId)))
        await createDebrief(tx, now, { orgId: actor.orgId, affectedPersonId: row.reporterPersonId, reportId: row.id });
      return { report: await this.view(tx, viewer, updated), statisticsOnly: false, notice: null, helpOffers };
    });
  }

  approve(actor: Person, id: string, comment: string): Promise<Report> {
    return this.step(actor, id, 'approve', comment);
  }

  /** Back to the reporter as a draft; the fact stays until the resubmission replaces it. */
  return(actor: Person, id: string, comment: string): Promise<Report> {
    return this.step(actor, id, 'return', comment);
  }

  /** HR records the Strafanzeige/Strafantrag (and a Hausverbot) with date and reference. */
  fileComplaint(actor: Person, id: string, c: ComplaintInput): Promise<Report> {
    return this.step(actor, id, 'file_complaint', c.comment, async (_tx, _row, input) => ({
      data: {
        ...input,
        legal: {
          strafanzeige: c.strafanzeige ?? input.legal.strafanzeige,
          strafantrag: c.strafantrag ?? input.legal.strafantrag,
          hausverbot: c.hausverbot ?? input.legal.hausverbot,
        },
      },
    }));
  }

  qualityCheck(actor: Person, id: string, comment: string): Promise<Report> {
    return this.step(actor, id, 'quality_check', comment);
  }

  /**
   * The warning is built once, from the allow-list in `presentWarning`, and stored as published.
   * It gets an id of its own, and the department of the incident's room, never the reporter's:
   * neither may lead back to the report's audit trail or, in a small office, to the reporter.
   */
  publish(actor: Person, id: string, p: PublishInput): Promise<Report> {
    return this.step(actor, id, 'publish', p.comment, async (tx, row, input, now) => {
      const room = input.roomId ? await repo.placeOfRoom(tx, row.orgId, input.roomId) : null;
      const place = { department: room?.department ?? '', building: room?.building ?? '' };
      return { warning: presentWarning(randomUUID(), row, input, place, p, now), publishedAt: now };
    });
  }

  /** Archived warnings drop out of the list every employee sees. */
  archive(actor: Person, id: string, comment: string): Promise<Report> {
    return this.step(actor, id, 'archive', comment);
  }

  /** Warnings past the register's retention are left out at once, before the job archives them. */
  async warnings(actor: Person): Promise<Warning[]> {
    const { registerRetentionMonths } = await loadSettings(this.db, actor.orgId);
    const since = warningCutoff(registerRetentionMonths, this.clock.now());
    const rows = await repo.publishedWarnings(this.db, actor.orgId, since);
    return rows.map((r) => r.warning as Warning);
  }

  /**
   * "Vorfall melden" on a resolved alarm, for the person who raised it or came to help. A second
   * click finds the draft the first one opened instead of starting another.
   */
  async fromAlarm(actor: Person, alarmId: string): Promise<Report> {
    return this.db.transaction(async (tx) => {
      const alarm = await this.linkedAlarm(tx, actor, alarmId);
      const viewer = await this.viewer(tx, actor);
      const kept = keptReport(await this.cutoffs(tx, actor.orgId));
      const existing = await repo.draftForAlarm(tx, actor.orgId, alarm.id, actor.personId, kept);
      if (existing) return this.view(tx, viewer, existing);
      const input = draftFromAlarm(alarm);
      const { levelMapping } = await loadSettings(tx, actor.orgId);
      const now = this.clock.now();
      const row = await repo.insertReport(tx, {
        orgId: actor.orgId,
        reporterPersonId: actor.personId,
        departmentId: viewer.departmentId,
        status: 'draft',
        occurredAt: new Date(input.occurredAt),
        level: suggestLevel(input.categories, levelMapping),
        categories: input.categories,
        data: input,
        alarmId: alarm.id,
        createdAt: now,
        updatedAt: now,
      });
      return this.view(tx, viewer, row);
    });
  }

  // --- internals ---

  /** One workflow step: lock, check role and state, change, record transition and audit, in one transaction. */
  private step(
    actor: Person,
    id: string,
    name: StepName,
    comment: string,
    change?: (tx: Tx, row: repo.ReportRow, input: ReportInput, now: Date) => Promise<Partial<repo.NewReport>>,
  ): Promise<Report> {
    return this.db.transaction(async (tx) => {
      const { row, viewer, state } = await this.load(tx, actor, id, true);
      const { from, to } = checkStep(viewer, state, name);
      const now = this.clock.now();
      const patch = change ? await change(tx, row, ReportInput.parse(row.data), now) : {};
      const updated = await repo.updateReport(tx, row.id, { ...patch, status: to, updatedAt: now });
      await this.record(tx, actor, row.id, name, roleOfStep(viewer, state, name), from, to, comment, now);
      return this.view(tx, viewer, updated);
    });
  }

  private async record(
    tx: Tx,
    actor: Person,
    reportId: string,
    name: StepName,
    role: string,
    from: ReportStatus,
    to: ReportStatus,
    comment: string,
    now: Date,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await repo.insertTransition(tx, {
      orgId: actor.orgId,
      reportId,
      fromStatus: from,
      toStatus: to,
      at: now,
      actorPersonId: actor.personId,
      actorRole: role,
      comment,
    });
    await appendAudit(tx, {
      orgId: actor.orgId,
      at: now,
      actor,
      action: `report.${name}`,
      subject: `report:${reportId}`,
      detail: { from, to, role, comment, ...extra },
    });
  }

  private async viewer(ex: Executor, actor: Person): Promise<Viewer> {
    const person = await repo.personOf(ex, actor.orgId, actor.personId);
    return { personId: actor.personId, roles: actor.roles, departmentId: person?.departmentId ?? null };
  }

  /** The organisation's retention cutoffs now: a report or alarm past them is gone for every reader. */
  private cutoffs(ex: Executor, orgId: string): Promise<Cutoffs> {
    return cutoffsFor(ex, orgId, this.clock.now());
  }

  /**
   * A report the caller may see and that is within its retention; any other is "not found", so
   * its existence stays hidden.
   */
  private async load(ex: Executor, actor: Person, id: string, lock = false) {
    const viewer = await this.viewer(ex, actor);
    const kept = keptReport(await this.cutoffs(ex, actor.orgId));
    const row = await repo.findReport(ex, actor.orgId, id, kept, lock);
    if (!row || !maySee(viewer, row)) throw notFound('Meldung');
    return { row, viewer, state: await this.reviewState(ex, row) };
  }

  private async reviewState(ex: Executor, row: repo.ReportRow): Promise<ReviewState> {
    return { ...row, supervised: await repo.hasOtherSupervisor(ex, row.orgId, row.departmentId, row.reporterPersonId) };
  }

  private async view(ex: Executor, viewer: Viewer, row: repo.ReportRow): Promise<Report> {
    const input = ReportInput.parse(row.data);
    const { levelMapping } = await loadSettings(ex, row.orgId);
    const shown = seesReporter(viewer, row);
    const transitions = await repo.transitionsOf(ex, row.id);
    const ids = transitions.flatMap((t) => (t.actorPersonId && t.actorRole !== 'reporter' ? [t.actorPersonId] : []));
    if (shown && row.reporterPersonId) ids.push(row.reporterPersonId);
    const names = await repo.namesOf(ex, row.orgId, [...new Set(ids)]);
    return presentReport({
      row,
      input,
      suggestedLevel: suggestLevel(input.categories, levelMapping),
      reporterName: shown ? ((row.reporterPersonId && names.get(row.reporterPersonId)) ?? 'unbekannt') : null,
      transitions,
      names,
      attachments: await repo.attachmentsOf(ex, row.id),
      actions: actionsFor(viewer, await this.reviewState(ex, row)),
    });
  }

  /** Room and alarm must be the organisation's own, and the level sound; returns the level. */
  private async checkInput(ex: Executor, actor: Person, input: ReportInput, storedAlarmId: string | null) {
    const issues: Issue[] = [];
    if (input.roomId && !(await repo.roomExists(ex, actor.orgId, input.roomId)))
      issues.push({ path: 'body.roomId', message: 'Raum unbekannt' });
    if (issues.length) throw new AppError('validation_failed', 'Die Eingaben sind ungültig', issues);
    if (input.alarmId && input.alarmId !== storedAlarmId) await this.linkedAlarm(ex, actor, input.alarmId);
    const { levelMapping } = await loadSettings(ex, actor.orgId);
    return levelOf(input, levelMapping);
  }

  /** A resolved, real (not test) alarm the caller raised or responded to; others are not found. */
  private async linkedAlarm(ex: Executor, actor: Person, alarmId: string): Promise<repo.AlarmRow> {
    const alarm = await repo.alarmOf(ex, actor.orgId, alarmId, this.keptAlarm(await this.cutoffs(ex, actor.orgId)));
    const linked =
      alarm && (alarm.sender.personId === actor.personId || (await repo.respondedTo(ex, alarm.id, actor.personId)));
    if (!alarm || !linked) throw notFound('Alarm');
    if (!alarm.resolvedAt)
      throw new AppError('invalid_transition', 'Ein Vorfall kann gemeldet werden, sobald der Alarm beendet ist');
    if (alarm.test) throw new AppError('invalid_transition', 'Zu einem Probealarm wird kein Vorfall gemeldet');
    return alarm;
  }
}

import { randomUUID } from 'node:crypto';
import {
  belowThreshold,
  mainCategory,
  ReportInput,
  reporterRole,
  suggestLevel,
  zeroToleranceNotice,
  type CloseComplaintInput,
  type ComplaintClosed,
  type ComplaintInput,
  type FullReport,
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
import { loadVisible, viewerOf, viewReport } from './access.js';
import { monthOf, presentSummary, presentWarning, strafantragDeadline } from './presenter.js';
import * as repo from './repository.js';
import { cutoffsFor, type Cutoffs } from '../retention/policy.js';
import { keptReport } from './retention-repository.js';
import { loadSettings } from './settings.js';
import { warningCutoff } from './warning-retention.js';
import { checkSubmittable, complaintNotice, levelOf } from './submission.js';
import { checkStep, roleOfStep, type Person, type StepName } from './workflow.js';

type Issue = { path: string; message: string };

/** Where the column needs an instant and the draft's typed time is not one yet (see the schema). */
const instantOr = (text: string, fallback: Date): Date => {
  const ms = Date.parse(text);
  return text.trim() === '' || Number.isNaN(ms) ? fallback : new Date(ms);
};

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
      const viewer = await viewerOf(tx, actor);
      const earlier = await repo.reportByKey(tx, actor.orgId, actor.personId, idempotencyKey);
      if (earlier) return viewReport(tx, viewer, earlier);
      const { level } = await this.checkInput(tx, actor, input, null);
      const now = this.clock.now();
      // A draft saves whatever was typed; the checks come at submission.
      // A draft is the reporter's own notes: it enters the audit log when it is submitted, so a
      // report that ends below the threshold leaves no trace of who wrote it.
      const row = await repo.insertReportOnce(tx, {
        idempotencyKey,
        orgId: actor.orgId,
        reporterPersonId: actor.personId,
        departmentId: viewer.departmentId,
        status: 'draft',
        occurredAt: instantOr(input.occurredAt, now),
        level,
        categories: input.categories,
        data: input,
        alarmId: input.alarmId,
        createdAt: now,
        updatedAt: now,
      });
      return viewReport(tx, viewer, row);
    });
  }

  async update(actor: Person, id: string, input: ReportInput): Promise<Report> {
    return this.db.transaction(async (tx) => {
      const { row, viewer } = await loadVisible(tx, actor, id, this.clock.now(), true);
      if (row.reporterPersonId !== actor.personId)
        throw new AppError('forbidden', 'Nur die meldende Person kann die Meldung ändern');
      if (row.status !== 'draft')
        throw new AppError('invalid_transition', 'Nur ein Entwurf kann geändert werden; die Meldung ist eingereicht');
      const { level } = await this.checkInput(tx, actor, input, row.alarmId);
      const now = this.clock.now();
      const updated = await repo.updateReport(tx, row.id, {
        occurredAt: instantOr(input.occurredAt, now),
        level,
        categories: input.categories,
        data: input,
        alarmId: input.alarmId,
        updatedAt: now,
      });
      return viewReport(tx, viewer, updated);
    });
  }

  /** The organisation's rooms, labelled building · floor · room, for the report form's place. */
  async places(actor: Person): Promise<Place[]> {
    const rows = await repo.placesOf(this.db, actor.orgId);
    return rows.map((r) => ({ roomId: r.roomId, label: `${r.building} · ${r.floor} · ${r.room}` }));
  }

  async get(actor: Person, id: string): Promise<Report> {
    const { row, viewer } = await loadVisible(this.db, actor, id, this.clock.now());
    return viewReport(this.db, viewer, row);
  }

  async list(
    actor: Person,
    q: { scope: 'mine' | 'inbox' | 'all'; status?: ReportStatus | undefined },
  ): Promise<ReportSummary[]> {
    const viewer = await viewerOf(this.db, actor);
    const kept = keptReport(await this.cutoffs(this.db, actor.orgId));
    const rows = await repo.listReports(this.db, actor.orgId, viewer, q.scope, q.status, kept);
    return rows.map((r) => presentSummary(r, actor.personId));
  }

  /**
   * Submit: the draft is checked field by field (every problem named at once), then the
   * anonymous fact is written (or replaced, on a resubmission). Below the entry threshold the
   * report, its transitions and its evidence are then deleted in the same transaction: only
   * month, department, categories and level remain, and the reporter is reminded that every
   * attack should still go to the police. Unless the reporter asked for a
   * Strafanzeige/Strafantrag: then it goes to the supervisor and HR like a report above the
   * threshold, is never published nor entered in the register, and is reduced to the count once
   * HR has decided (`closeComplaint`).
   */
  async submit(actor: Person, id: string): Promise<SubmitResult> {
    return this.db.transaction(async (tx) => {
      const { row, viewer, state } = await loadVisible(tx, actor, id, this.clock.now(), true);
      const { from, to } = checkStep(viewer, state, 'submit');
      const { levelMapping } = await loadSettings(tx, actor.orgId);
      const now = this.clock.now();
      const input = checkSubmittable(ReportInput.parse(row.data), levelMapping, now);
      const { level } = levelOf(input, levelMapping);
      const occurredAt = new Date(input.occurredAt);
      const main = mainCategory(input.categories, levelMapping);
      const factId = await repo.upsertFact(tx, {
        orgId: actor.orgId,
        reportId: row.id,
        month: `${monthOf(occurredAt)}-01`,
        departmentId: row.departmentId,
        mainCategory: main,
        categories: input.categories,
        level,
      });
      const helpOffers = await this.aftercare.activeHelpOffers(tx, actor.orgId);
      const below = belowThreshold(level, input.categories);
      if (below && !input.wantsComplaint) {
        await this.reduce(tx, row, now, 'report.statistics_only', factId, { level, mainCategory: main });
        return { report: null, statisticsOnly: true, complaintOnly: false, notice: zeroToleranceNotice, helpOffers };
      }
      const updated = await repo.updateReport(tx, row.id, {
        status: to as ReportStatus,
        data: input,
        occurredAt,
        level,
        categories: input.categories,
        complaintOnly: below,
        submittedAt: now,
        updatedAt: now,
      });
      const evidence = (await repo.attachmentsOf(tx, row.id)).map((a) => ({ id: a.id, sha256: a.sha256 }));
      await this.record(tx, actor, updated.id, 'submit', roleOfStep(viewer, state, 'submit'), from, to, '', now, {
        evidence,
      });
      // A report that only goes on for the complaint is reviewed by the supervisor anyway and
      // reduced to the count afterwards: no debrief task that would vanish with it.
      if (!below && row.reporterPersonId && !(await debriefExists(tx, actor.orgId, row.id, row.alarmId)))
        await createDebrief(tx, now, { orgId: actor.orgId, affectedPersonId: row.reporterPersonId, reportId: row.id });
      const report = (await viewReport(tx, viewer, updated)) as FullReport;
      const notice = below ? complaintNotice(strafantragDeadline(occurredAt)) : null;
      return { report, statisticsOnly: false, complaintOnly: below, notice, helpOffers };
    });
  }

  /**
   * HR's decision on a report below the threshold that the reporter wanted charged: the
   * Strafanzeige/Strafantrag was filed (date and reference), or HR decided against it (reason).
   * The report is then reduced to its anonymous count, as if it had never gone on: the reference
   * and the reason stay in HR's own files. The audit keeps that HR decided, on the anonymous
   * fact, without content.
   */
  async closeComplaint(actor: Person, id: string, c: CloseComplaintInput): Promise<ComplaintClosed> {
    return this.db.transaction(async (tx) => {
      const { row, viewer, state } = await loadVisible(tx, actor, id, this.clock.now(), true);
      checkStep(viewer, state, 'close_complaint');
      const factId = await repo.factOf(tx, row.id);
      const filed = c.decision === 'filed' ? { strafanzeige: !!c.strafanzeige, strafantrag: !!c.strafantrag } : {};
      await this.reduce(
        tx,
        row,
        this.clock.now(),
        'report.complaint_closed',
        factId,
        { decision: c.decision, ...filed },
        actor,
      );
      return { reduced: true, decision: c.decision };
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
      const viewer = await viewerOf(tx, actor);
      const kept = keptReport(await this.cutoffs(tx, actor.orgId));
      const existing = await repo.draftForAlarm(tx, actor.orgId, alarm.id, actor.personId, kept);
      if (existing) return viewReport(tx, viewer, existing);
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
      return viewReport(tx, viewer, row);
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
      const { row, viewer, state } = await loadVisible(tx, actor, id, this.clock.now(), true);
      const { from, to } = checkStep(viewer, state, name);
      const now = this.clock.now();
      const patch = change ? await change(tx, row, ReportInput.parse(row.data), now) : {};
      const updated = await repo.updateReport(tx, row.id, { ...patch, status: to as ReportStatus, updatedAt: now });
      await this.record(tx, actor, row.id, name, roleOfStep(viewer, state, name), from, to, comment, now);
      return viewReport(tx, viewer, updated);
    });
  }

  private async record(
    tx: Tx,
    actor: Person,
    reportId: string,
    name: StepName,
    role: string,
    from: ReportStatus,
    to: ReportStatus | 'reduced',
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
    // The comment stays with the report (its viewers read it in the history); the audit log,
    // read by IT, records that the step happened, not what reviewers wrote about the case. The
    // reporter's own step names nobody and is not listed to IT at all (see `reporterSide`).
    await appendAudit(tx, {
      orgId: actor.orgId,
      at: now,
      actor,
      action: `report.${name}`,
      subject: `report:${reportId}`,
      detail: { from, to, role, ...extra },
      reporterSide: role === reporterRole,
    });
  }

  /** The organisation's retention cutoffs now: a report or alarm past them is gone for every reader. */
  private cutoffs(ex: Executor, orgId: string): Promise<Cutoffs> {
    return cutoffsFor(ex, orgId, this.clock.now());
  }

  /**
   * Deletes the report (with its transitions, evidence, debrief and every audit entry about
   * them, see `deleteReports`) and leaves one audit entry on its anonymous fact: HR's decision, or
   * (`by` absent) the reduction at the reporter's own submission, which is a reporter-side entry.
   */
  private async reduce(
    tx: Tx,
    row: repo.ReportRow,
    now: Date,
    action: string,
    factId: string | null,
    detail: Record<string, unknown>,
    by?: Person,
  ): Promise<void> {
    await repo.deleteReports(tx, row.orgId, [row.id]);
    await appendAudit(tx, {
      orgId: row.orgId,
      at: now,
      actor: by ?? { system: 'Meldesystem' },
      action,
      subject: factId ? `incident_fact:${factId}` : 'incident_fact',
      detail,
      reporterSide: !by,
    });
  }

  /**
   * Room and alarm must be the organisation's own (links, not typed text: they are checked on
   * every save); returns the level. Everything typed is checked at submission.
   */
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

import type { AftercareTask, HelpOffer, HelpOfferInput } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { hasRole } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import * as repo from './aftercare-repository.js';
import { personOf, supervisorsOf } from './repository.js';
import { presentHelpOffer, presentTask } from './presenter.js';
import type { AlarmRow } from './repository.js';
import type { Person } from './workflow.js';

/** A debrief is due within a week of the incident. */
const debriefDays = 7;

/**
 * Creates the debrief task for the supervisor of the affected person's department. The
 * affected person never debriefs themselves: a supervisor who was attacked gets another
 * supervisor of the department, or, if there is none, the task stays unassigned and the
 * central unit sees it. Runs in the caller's transaction.
 */
export async function createDebrief(
  tx: Executor,
  at: Date,
  f: { orgId: string; affectedPersonId: string; reportId?: string; alarmId?: string },
): Promise<void> {
  const affected = await personOf(tx, f.orgId, f.affectedPersonId);
  if (!affected) return;
  const supervisors = affected.departmentId ? await supervisorsOf(tx, f.orgId, affected.departmentId) : [];
  const assignee = supervisors.find((s) => s.id !== affected.id)?.id ?? null;
  await repo.insertTask(tx, {
    orgId: f.orgId,
    kind: 'debrief',
    reportId: f.reportId ?? null,
    alarmId: f.alarmId ?? null,
    assigneePersonId: assignee,
    affectedPersonId: affected.id,
    createdAt: at,
    dueAt: new Date(at.getTime() + debriefDays * 24 * 3600 * 1000),
  });
}

/**
 * The alarm domain's resolve hook: after a real attack (not a false alarm) the sender's
 * supervisor gets a debrief task, committed with the resolution.
 */
export async function debriefAfterAlarm(tx: Tx, alarm: AlarmRow, at: Date): Promise<void> {
  if (alarm.outcome !== 'real' || !alarm.sender.personId) return;
  await createDebrief(tx, at, { orgId: alarm.orgId, affectedPersonId: alarm.sender.personId, alarmId: alarm.id });
}

export class AftercareService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Active offers for everybody; the central unit, who maintains them, also sees inactive ones. */
  async helpOffers(actor: Person): Promise<HelpOffer[]> {
    const all = hasRole(actor, ['security_management']);
    return (await repo.listHelpOffers(this.db, actor.orgId, !all)).map(presentHelpOffer);
  }

  async activeHelpOffers(ex: Executor, orgId: string): Promise<HelpOffer[]> {
    return (await repo.listHelpOffers(ex, orgId, true)).map(presentHelpOffer);
  }

  async createHelpOffer(actor: Person, input: HelpOfferInput): Promise<HelpOffer> {
    return this.db.transaction(async (tx) => {
      const [row] = await repo.insertHelpOffers(tx, [{ orgId: actor.orgId, ...input }]);
      await this.audit(tx, actor, 'help_offer.created', row!.id, { title: input.title });
      return presentHelpOffer(row!);
    });
  }

  async updateHelpOffer(actor: Person, id: string, input: HelpOfferInput): Promise<HelpOffer> {
    return this.db.transaction(async (tx) => {
      const row = await repo.updateHelpOffer(tx, actor.orgId, id, input);
      if (!row) throw notFound('Hilfsangebot');
      await this.audit(tx, actor, 'help_offer.updated', id, { title: input.title, active: input.active });
      return presentHelpOffer(row);
    });
  }

  async deleteHelpOffer(actor: Person, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await repo.deleteHelpOffer(tx, actor.orgId, id))) throw notFound('Hilfsangebot');
      await this.audit(tx, actor, 'help_offer.deleted', id, {});
    });
  }

  /** Open debriefs assigned to the caller; the central unit also sees those nobody was found for. */
  async tasks(actor: Person): Promise<AftercareTask[]> {
    const rows = await repo.openTasks(this.db, actor.orgId, actor.personId, hasRole(actor, ['security_management']));
    return rows.map((r) => this.present(actor.personId, r));
  }

  async completeTask(actor: Person, id: string, comment: string): Promise<AftercareTask> {
    return this.db.transaction(async (tx) => {
      const found = await repo.findTask(tx, actor.orgId, id, true);
      const mine =
        found &&
        (found.task.assigneePersonId === actor.personId ||
          (found.task.assigneePersonId === null && hasRole(actor, ['security_management'])));
      if (!found || !mine) throw notFound('Aufgabe');
      if (found.task.doneAt) throw new AppError('invalid_transition', 'Die Aufgabe ist bereits erledigt');
      const done = await repo.completeTask(tx, id, this.clock.now(), comment);
      await this.audit(tx, actor, 'aftercare.done', id, {});
      return this.present(actor.personId, { ...found, task: done });
    });
  }

  /**
   * A debrief names the affected person, the report and the alarm only to the one it was given
   * to (the supervisor). The central unit, holding one nobody else could take, reads "Betroffene
   * Person (department)" without the report's or alarm's id: the alarm's id is also on the
   * report, and its sender's name there would tell the central unit who reported.
   */
  private present(personId: string, r: repo.TaskWithPerson): AftercareTask {
    if (r.task.assigneePersonId !== personId) return presentTask(r.task, { hidden: true, department: r.department });
    return presentTask(r.task, r);
  }

  private audit(tx: Tx, actor: Person, action: string, id: string, detail: Record<string, unknown>) {
    const subject = action.startsWith('aftercare') ? `task:${id}` : `help_offer:${id}`;
    return appendAudit(tx, { orgId: actor.orgId, at: this.clock.now(), actor, action, subject, detail });
  }
}

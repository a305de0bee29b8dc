import { and, asc, eq, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { aftercareTasks, departments, helpOffers, people } from '../db/schema.js';

export type HelpOfferRow = typeof helpOffers.$inferSelect;
export type TaskRow = typeof aftercareTasks.$inferSelect;

// --- help offers ---

export async function listHelpOffers(ex: Executor, orgId: string, activeOnly: boolean): Promise<HelpOfferRow[]> {
  return ex
    .select()
    .from(helpOffers)
    .where(and(eq(helpOffers.orgId, orgId), activeOnly ? eq(helpOffers.active, true) : undefined))
    .orderBy(asc(helpOffers.sortOrder), asc(helpOffers.title), asc(helpOffers.id));
}

export async function insertHelpOffers(
  ex: Executor,
  rows: Array<typeof helpOffers.$inferInsert>,
): Promise<HelpOfferRow[]> {
  return ex.insert(helpOffers).values(rows).returning();
}

export async function updateHelpOffer(
  ex: Executor,
  orgId: string,
  id: string,
  patch: Partial<typeof helpOffers.$inferInsert>,
): Promise<HelpOfferRow | null> {
  const [r] = await ex
    .update(helpOffers)
    .set(patch)
    .where(and(eq(helpOffers.orgId, orgId), eq(helpOffers.id, id)))
    .returning();
  return r ?? null;
}

export async function deleteHelpOffer(ex: Executor, orgId: string, id: string): Promise<boolean> {
  const rows = await ex
    .delete(helpOffers)
    .where(and(eq(helpOffers.orgId, orgId), eq(helpOffers.id, id)))
    .returning({ id: helpOffers.id });
  return rows.length > 0;
}

// --- aftercare tasks ---

export async function insertTask(ex: Executor, row: typeof aftercareTasks.$inferInsert): Promise<TaskRow> {
  const [t] = await ex.insert(aftercareTasks).values(row).returning();
  return t!;
}

/** Is there already a debrief for this report, or for the alarm it follows up? */
export async function debriefExists(
  ex: Executor,
  orgId: string,
  reportId: string,
  alarmId: string | null,
): Promise<boolean> {
  const [t] = await ex
    .select({ id: aftercareTasks.id })
    .from(aftercareTasks)
    .where(
      and(
        eq(aftercareTasks.orgId, orgId),
        alarmId
          ? or(eq(aftercareTasks.reportId, reportId), eq(aftercareTasks.alarmId, alarmId))
          : eq(aftercareTasks.reportId, reportId),
      ),
    )
    .limit(1);
  return Boolean(t);
}

/**
 * A task with the affected person's name and department: the name for the one who holds the
 * debrief, the department alone for the central unit that sees a task nobody was found for.
 */
const taskColumns = {
  task: aftercareTasks,
  firstName: people.firstName,
  lastName: people.lastName,
  department: departments.name,
};

export type TaskWithPerson = Awaited<ReturnType<typeof openTasks>>[number];

/** Open tasks assigned to the person; with `unassigned`, also those nobody was found for. */
export async function openTasks(ex: Executor, orgId: string, personId: string, unassigned: boolean) {
  return ex
    .select(taskColumns)
    .from(aftercareTasks)
    .leftJoin(people, eq(people.id, aftercareTasks.affectedPersonId))
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(
      and(
        eq(aftercareTasks.orgId, orgId),
        isNull(aftercareTasks.doneAt),
        unassigned
          ? or(eq(aftercareTasks.assigneePersonId, personId), isNull(aftercareTasks.assigneePersonId))
          : eq(aftercareTasks.assigneePersonId, personId),
      ),
    )
    .orderBy(asc(aftercareTasks.dueAt), asc(aftercareTasks.id));
}

export async function findTask(ex: Executor, orgId: string, id: string, lock = false) {
  const q = ex
    .select(taskColumns)
    .from(aftercareTasks)
    .leftJoin(people, eq(people.id, aftercareTasks.affectedPersonId))
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(and(eq(aftercareTasks.orgId, orgId), eq(aftercareTasks.id, id)));
  const [t] = lock ? await q.for('update', { of: aftercareTasks }) : await q;
  return t ?? null;
}

export async function completeTask(ex: Executor, id: string, doneAt: Date, note: string): Promise<TaskRow> {
  const [t] = await ex.update(aftercareTasks).set({ doneAt, note }).where(eq(aftercareTasks.id, id)).returning();
  return t!;
}

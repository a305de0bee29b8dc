import { and, asc, eq, gt, gte, lte } from 'drizzle-orm';
import type { MeasureInput } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { departments, incidentFactCounts, organisations, protectionMeasures } from '../db/schema.js';
import type { CubeRow } from './family.js';

// Statistics read only the anonymous facts (and the measures): never the reports themselves.

/** Row key of a fact without department: kept as its own row so totals stay complete. */
export const noDepartment = 'none';

/**
 * The facts of one organisation in [from, to] (first days of months), counted by month,
 * department, main category and level: the cube every published value of those years is a sum
 * of. Each fact counts once, under its main category, so every table is additive. Read from the
 * counts the triggers keep (`incident_fact_counts`): a few thousand rows for any number of facts,
 * so a Lagebild over a million facts does not hold a database core while alarms wait.
 */
export async function countCube(ex: Executor, orgId: string, from: string, to: string): Promise<CubeRow[]> {
  const c = incidentFactCounts;
  const result = await ex
    .select({ month: c.month, department: c.departmentId, category: c.mainCategory, level: c.level, n: c.n })
    .from(c)
    .where(and(eq(c.orgId, orgId), gte(c.month, from), lte(c.month, to), gt(c.n, 0)));
  return result.map((r) => ({
    month: String(r.month).slice(0, 7),
    department: r.department ?? noDepartment,
    category: r.category,
    level: String(r.level),
    n: r.n,
  }));
}

export async function organisationName(ex: Executor, orgId: string): Promise<string> {
  const [row] = await ex.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
  return row?.name ?? '';
}

export async function listDepartments(ex: Executor, orgId: string): Promise<Array<{ id: string; name: string }>> {
  return ex
    .select({ id: departments.id, name: departments.name })
    .from(departments)
    .where(eq(departments.orgId, orgId))
    .orderBy(asc(departments.name));
}

export type MeasureRow = typeof protectionMeasures.$inferSelect & { department: string | null };

const measureColumns = {
  id: protectionMeasures.id,
  orgId: protectionMeasures.orgId,
  departmentId: protectionMeasures.departmentId,
  name: protectionMeasures.name,
  date: protectionMeasures.date,
  department: departments.name,
};

export async function listMeasures(ex: Executor, orgId: string): Promise<MeasureRow[]> {
  return ex
    .select(measureColumns)
    .from(protectionMeasures)
    .leftJoin(departments, eq(departments.id, protectionMeasures.departmentId))
    .where(eq(protectionMeasures.orgId, orgId))
    .orderBy(asc(protectionMeasures.date), asc(protectionMeasures.name));
}

export async function getMeasure(ex: Executor, orgId: string, id: string): Promise<MeasureRow | null> {
  const [row] = await ex
    .select(measureColumns)
    .from(protectionMeasures)
    .leftJoin(departments, eq(departments.id, protectionMeasures.departmentId))
    .where(and(eq(protectionMeasures.orgId, orgId), eq(protectionMeasures.id, id)));
  return row ?? null;
}

/** Whether the department belongs to the organisation (a measure may only name its own). */
export async function departmentInOrg(ex: Executor, orgId: string, id: string): Promise<boolean> {
  const [row] = await ex
    .select({ id: departments.id })
    .from(departments)
    .where(and(eq(departments.orgId, orgId), eq(departments.id, id)));
  return Boolean(row);
}

export async function insertMeasure(ex: Executor, orgId: string, input: MeasureInput): Promise<string> {
  const [row] = await ex
    .insert(protectionMeasures)
    .values({ orgId, ...input })
    .returning({ id: protectionMeasures.id });
  return row!.id;
}

export async function updateMeasure(ex: Executor, orgId: string, id: string, input: MeasureInput): Promise<boolean> {
  const rows = await ex
    .update(protectionMeasures)
    .set(input)
    .where(and(eq(protectionMeasures.orgId, orgId), eq(protectionMeasures.id, id)))
    .returning({ id: protectionMeasures.id });
  return rows.length > 0;
}

export async function deleteMeasure(ex: Executor, orgId: string, id: string): Promise<boolean> {
  const rows = await ex
    .delete(protectionMeasures)
    .where(and(eq(protectionMeasures.orgId, orgId), eq(protectionMeasures.id, id)))
    .returning({ id: protectionMeasures.id });
  return rows.length > 0;
}

import { and, asc, count, eq, gte, lte } from 'drizzle-orm';
import type { MeasureInput } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { departments, incidentFacts, organisations, protectionMeasures } from '../db/schema.js';
import type { CubeRow } from './family.js';

// Statistics read only the anonymous facts (and the measures): never the reports themselves.

/** Row key of a fact without department: kept as its own row so totals stay complete. */
export const noDepartment = 'none';

/**
 * The facts of one organisation in [from, to] (first days of months), grouped by month,
 * department, main category and level: the cube every published value of those years is a sum
 * of. Each fact counts once, under its main category, so every table is additive. Grouped on the
 * bare columns (no per-row formatting in SQL): on a million facts that is the difference the
 * benchmark shows.
 */
export async function countCube(ex: Executor, orgId: string, from: string, to: string): Promise<CubeRow[]> {
  const result = await ex
    .select({
      month: incidentFacts.month,
      department: incidentFacts.departmentId,
      category: incidentFacts.mainCategory,
      level: incidentFacts.level,
      n: count(),
    })
    .from(incidentFacts)
    .where(and(eq(incidentFacts.orgId, orgId), gte(incidentFacts.month, from), lte(incidentFacts.month, to)))
    .groupBy(incidentFacts.month, incidentFacts.departmentId, incidentFacts.mainCategory, incidentFacts.level);
  return result.map((r) => ({
    month: String(r.month).slice(0, 7),
    department: r.department ?? noDepartment,
    category: r.category,
    level: String(r.level),
    n: Number(r.n),
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

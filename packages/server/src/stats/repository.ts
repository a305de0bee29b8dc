import { and, asc, count, eq, gte, lte, sql } from 'drizzle-orm';
import type { MeasureInput, StatsColumns, StatsRows } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { departments, incidentFacts, organisations, protectionMeasures } from '../db/schema.js';

// Statistics read only the anonymous facts (and the measures): never the reports themselves.

/** One group of the count: a row key, a column key ('YYYY-MM' or a category) and its count. */
export interface CountRow {
  row: string;
  column: string;
  n: number;
}

/** Row key of a fact without department: kept as its own row so totals stay complete. */
export const noDepartment = 'none';

const rowExpr = (rows: StatsRows) =>
  rows === 'department'
    ? sql<string>`coalesce(${incidentFacts.departmentId}::text, ${noDepartment})`
    : rows === 'category'
      ? sql<string>`${incidentFacts.mainCategory}`
      : sql<string>`${incidentFacts.level}::text`;

const columnExpr = (columns: StatsColumns) =>
  columns === 'month'
    ? sql<string>`to_char(${incidentFacts.month}, 'YYYY-MM')`
    : sql<string>`${incidentFacts.mainCategory}`;

/**
 * Counts of one organisation's facts in [from, to] (first days of months), grouped by a row and a
 * column dimension. Each fact counts once, under its main category, so every table is additive.
 */
export async function countFacts(
  ex: Executor,
  orgId: string,
  rows: StatsRows,
  columns: StatsColumns,
  from: string,
  to: string,
): Promise<CountRow[]> {
  const row = rowExpr(rows);
  const column = columnExpr(columns);
  const result = await ex
    .select({ row, column, n: count() })
    .from(incidentFacts)
    .where(and(eq(incidentFacts.orgId, orgId), gte(incidentFacts.month, from), lte(incidentFacts.month, to)))
    // By position: the row expression carries a parameter, and a repeated one would not match.
    .groupBy(sql`1`, sql`2`);
  return result.map((r) => ({ row: String(r.row), column: String(r.column), n: Number(r.n) }));
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

import {
  categoryLabels,
  incidentCategories,
  maxStatsMonths,
  type BeforeAfter,
  type Measure,
  type MeasureInput,
  type PeriodQuery,
  type StatsColumns,
  type StatsQuery,
  type StatsRows,
  type StatsTable,
  type StatsTrend,
} from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import * as repo from './repository.js';
import { suppress } from './suppression.js';

// --- months as integers (year * 12 + month - 1), so ranges are plain arithmetic ---

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
const firstDay = (m: string) => `${m}-01`;
const monthLabel = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;
const monthsBetween = (from: string, to: string) =>
  Array.from({ length: monthIndex(to) - monthIndex(from) + 1 }, (_, k) => monthOf(monthIndex(from) + k));

interface Axis {
  key: string;
  label: string;
}

/** Rules of the statistics: periods, axes, suppression. SQL stays in the repository. */
export class StatsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The period asked for; default the last 12 months up to the current one. */
  period(q: PeriodQuery): { from: string; to: string } {
    const to = q.to ?? this.clock.now().toISOString().slice(0, 7);
    const from = q.from ?? monthOf(monthIndex(to) - 11);
    if (monthIndex(from) > monthIndex(to)) throw new AppError('bad_request', 'Der Beginn liegt nach dem Ende');
    if (monthIndex(to) - monthIndex(from) >= maxStatsMonths)
      throw new AppError('bad_request', `Höchstens ${maxStatsMonths} Monate auf einmal`);
    return { from, to };
  }

  async table(orgId: string, q: StatsQuery): Promise<StatsTable> {
    if (q.rows === 'category' && q.columns === 'category')
      throw new AppError('bad_request', 'Zeilen und Spalten müssen verschiedene Merkmale sein');
    const { from, to } = this.period(q);
    const counts = await repo.countFacts(this.db, orgId, q.rows, q.columns, firstDay(from), firstDay(to));
    const rows = await this.rowAxis(orgId, q.rows, counts);
    const columns = columnAxis(q.columns, from, to, counts);
    return present(q.rows, q.columns, from, to, rows, columns, counts);
  }

  /** Cases per month for the whole organisation: the month totals of the department table. */
  async trend(orgId: string, q: PeriodQuery): Promise<StatsTrend> {
    const t = await this.table(orgId, { rows: 'department', columns: 'month', ...q });
    return { from: t.from, to: t.to, points: t.columns.map((c, j) => ({ month: c.key, count: t.columnTotals[j]! })) };
  }

  async beforeAfter(orgId: string, measureId: string, months: number): Promise<BeforeAfter> {
    const measure = await repo.getMeasure(this.db, orgId, measureId);
    if (!measure) throw notFound('Maßnahme');
    const m = monthIndex(measure.date.slice(0, 7));
    const before = { from: monthOf(m - months), to: monthOf(m - 1) };
    const after = { from: monthOf(m + 1), to: monthOf(m + months) };
    const monthly = await repo.countFacts(
      this.db,
      orgId,
      'department',
      'month',
      firstDay(before.from),
      firstDay(after.to),
    );
    // The measure's own month mixes before and after: it counts in neither.
    const counts: repo.CountRow[] = [];
    for (const c of monthly) {
      const i = monthIndex(c.column);
      if (i !== m) counts.push({ row: c.row, column: i < m ? 'before' : 'after', n: c.n });
    }
    const rows = await this.rowAxis(orgId, 'department', counts);
    const columns = [
      { key: 'before', label: `Vorher (${before.from} bis ${before.to})` },
      { key: 'after', label: `Nachher (${after.from} bis ${after.to})` },
    ];
    return {
      measure: presentMeasure(measure),
      months,
      before,
      after,
      table: present('department', 'period', before.from, after.to, rows, columns, counts),
    };
  }

  async listMeasures(orgId: string): Promise<Measure[]> {
    return (await repo.listMeasures(this.db, orgId)).map(presentMeasure);
  }

  async saveMeasure(actor: Actor, id: string | null, input: MeasureInput): Promise<Measure> {
    if (input.departmentId && !(await repo.departmentInOrg(this.db, actor.orgId, input.departmentId)))
      throw notFound('Abteilung');
    const saved = await this.db.transaction(async (tx) => {
      const savedId = id ?? (await repo.insertMeasure(tx, actor.orgId, input));
      if (id && !(await repo.updateMeasure(tx, actor.orgId, id, input))) throw notFound('Maßnahme');
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: id ? 'stats.measure.update' : 'stats.measure.create',
        subject: savedId,
        detail: { name: input.name, date: input.date, departmentId: input.departmentId },
      });
      return savedId;
    });
    return presentMeasure((await repo.getMeasure(this.db, actor.orgId, saved))!);
  }

  async deleteMeasure(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await repo.deleteMeasure(tx, actor.orgId, id))) throw notFound('Maßnahme');
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'stats.measure.delete',
        subject: id,
      });
    });
  }

  /** Rows: every department (zero rows included), every category, every level; plus any key seen. */
  private async rowAxis(orgId: string, rows: StatsRows, counts: repo.CountRow[]): Promise<Axis[]> {
    const fixed: Axis[] =
      rows === 'department'
        ? (await repo.listDepartments(this.db, orgId)).map((d) => ({ key: d.id, label: d.name }))
        : rows === 'category'
          ? categoryAxis()
          : [0, 1, 2, 3].map((l) => ({ key: String(l), label: `Stufe ${l}` }));
    return withSeen(fixed, new Set(counts.map((c) => c.row)), (key) =>
      key === repo.noDepartment ? 'ohne Abteilung' : rows === 'department' ? 'unbekannte Abteilung' : key,
    );
  }
}

const categoryAxis = (): Axis[] => incidentCategories.map((c) => ({ key: c, label: categoryLabels[c] }));

function columnAxis(columns: StatsColumns, from: string, to: string, counts: repo.CountRow[]): Axis[] {
  if (columns === 'month') return monthsBetween(from, to).map((m) => ({ key: m, label: monthLabel(m) }));
  return withSeen(categoryAxis(), new Set(counts.map((c) => c.column)), (k) => k);
}

/** Append keys found in the data but not on the fixed axis, so no case drops out of the totals. */
function withSeen(fixed: Axis[], seen: Set<string>, label: (key: string) => string): Axis[] {
  const known = new Set(fixed.map((a) => a.key));
  const extra = [...seen].filter((k) => !known.has(k)).sort();
  return [...fixed, ...extra.map((key) => ({ key, label: label(key) }))];
}

/** The published table: built from the suppressed counts only, field by field. */
function present(
  rowsDimension: StatsRows,
  columnsDimension: StatsTable['columnsDimension'],
  from: string,
  to: string,
  rows: Axis[],
  columns: Axis[],
  counts: repo.CountRow[],
): StatsTable {
  const r = new Map(rows.map((a, i) => [a.key, i]));
  const c = new Map(columns.map((a, j) => [a.key, j]));
  const grid = rows.map(() => columns.map(() => 0));
  for (const x of counts) {
    const i = r.get(x.row);
    const j = c.get(x.column);
    if (i !== undefined && j !== undefined) grid[i]![j]! += x.n;
  }
  const published = suppress(grid, columns.length);
  return {
    rowsDimension,
    columnsDimension,
    from,
    to,
    columns: columns.map(({ key, label }) => ({ key, label })),
    rows: rows.map(({ key, label }, i) => ({
      key,
      label,
      cells: published.cells[i]!,
      total: published.rowTotals[i]!,
    })),
    columnTotals: published.columnTotals,
    grandTotal: published.grandTotal,
    suppressed: published.suppressed,
  };
}

function presentMeasure(m: repo.MeasureRow): Measure {
  return { id: m.id, departmentId: m.departmentId, department: m.department, name: m.name, date: m.date };
}

import {
  categoryLabels,
  incidentCategories,
  periodKind,
  periodLabel,
  type BeforeAfter,
  type Measure,
  type MeasureInput,
  type Period,
  type PeriodQuery,
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
import { buildFamily, dim, monthsOf, publishedValue, type CubeRow, type Family } from './family.js';
import * as repo from './repository.js';

const monthLabel = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;
/** Quarters as integers (year * 4 + quarter - 1), so "the N quarters before" is arithmetic. */
const quarterIndex = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q[6]) - 1;
const quarterAt = (i: number) => `${Math.floor(i / 4)}-Q${(i % 4) + 1}`;

interface Axis {
  key: string;
  label: string;
}

/** The rows of every table: each department (zero rows included), category and level, plus any key seen. */
interface Axes {
  department: Axis[];
  category: Axis[];
  level: Axis[];
}

/** One answer's tables, all views of the same suppressed families. */
export interface Lagebild {
  period: Period;
  sections: Array<{ heading: string; table: StatsTable }>;
}

/** Rules of the statistics: fixed periods, one suppressed family per year, views. SQL stays in the repository. */
export class StatsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The period asked for; default the current calendar year. */
  period(q: PeriodQuery): Period {
    return q.period ?? String(this.clock.now().getUTCFullYear());
  }

  async table(orgId: string, q: StatsQuery): Promise<StatsTable> {
    if (q.rows === 'category' && q.columns === 'category')
      throw new AppError('bad_request', 'Zeilen und Spalten müssen verschiedene Merkmale sein');
    const period = this.period(q);
    if (q.columns === 'category' && periodKind(period) !== 'year')
      throw new AppError('bad_request', 'Tabellen mit Kategorien als Spalten gibt es nur für ein ganzes Jahr');
    const { families, axes } = await this.families(orgId, [Number(period.slice(0, 4))]);
    return view(families.get(Number(period.slice(0, 4)))!, axes, period, q.rows, q.columns);
  }

  /** Cases per month of the period for the whole organisation: the family's month totals. */
  async trend(orgId: string, q: PeriodQuery): Promise<StatsTrend> {
    const period = this.period(q);
    const { families } = await this.families(orgId, [Number(period.slice(0, 4))]);
    const f = families.get(Number(period.slice(0, 4)))!;
    const months = monthsOf(period);
    return {
      period,
      from: months[0]!,
      to: months[months.length - 1]!,
      points: months.map((m) => ({ month: m, count: publishedValue(f, m, dim.total) })),
    };
  }

  /** The tables of the Lagebild PDF: one family, so the tables on one page agree on every shared total. */
  async lagebild(orgId: string, q: PeriodQuery): Promise<Lagebild> {
    const period = this.period(q);
    const { families, axes } = await this.families(orgId, [Number(period.slice(0, 4))]);
    const f = families.get(Number(period.slice(0, 4)))!;
    const sections = [
      { heading: 'Fälle nach Abteilung und Monat', table: view(f, axes, period, 'department', 'month') },
      { heading: 'Fälle nach Kategorie und Monat', table: view(f, axes, period, 'category', 'month') },
      { heading: 'Fälle nach Stufe (Aachener Modell) und Monat', table: view(f, axes, period, 'level', 'month') },
    ];
    if (periodKind(period) === 'year') {
      sections.push(
        { heading: 'Fälle nach Abteilung und Kategorie', table: view(f, axes, period, 'department', 'category') },
        { heading: 'Fälle nach Stufe und Kategorie', table: view(f, axes, period, 'level', 'category') },
      );
    }
    return { period, sections };
  }

  /**
   * Cases per department in the N whole quarters before the measure's quarter and the N after
   * it, each quarter a column taken from its year's family (the measure's quarter mixes before
   * and after and is left out). No row total: a sum over quarters of two years is no value of
   * any family, and would be a new margin beside the suppressed ones.
   */
  async beforeAfter(orgId: string, measureId: string, quarters: number): Promise<BeforeAfter> {
    const measure = await repo.getMeasure(this.db, orgId, measureId);
    if (!measure) throw notFound('Maßnahme');
    const at = quarterIndex(
      `${measure.date.slice(0, 4)}-Q${Math.floor((Number(measure.date.slice(5, 7)) - 1) / 3) + 1}`,
    );
    const before = Array.from({ length: quarters }, (_, k) => quarterAt(at - quarters + k));
    const after = Array.from({ length: quarters }, (_, k) => quarterAt(at + 1 + k));
    const shown = [...before, ...after];
    const years = [...new Set(shown.map((q) => Number(q.slice(0, 4))))];
    const { families, axes } = await this.families(orgId, years);
    const family = (q: string) => families.get(Number(q.slice(0, 4)))!;
    const months = (q: string) => monthsOf(q);
    const table: StatsTable = {
      rowsDimension: 'department',
      columnsDimension: 'quarter',
      period: before[0]!,
      from: months(before[0]!)[0]!,
      to: months(after[after.length - 1]!)[2]!,
      columns: shown.map((q) => ({
        key: q,
        label: `${before.includes(q) ? 'Vorher' : 'Nachher'}: ${periodLabel(q)}`,
      })),
      rows: axes.department.map(({ key, label }) => ({
        key,
        label,
        cells: shown.map((q) => publishedValue(family(q), q, dim.department(key))),
      })),
      columnTotals: shown.map((q) => publishedValue(family(q), q, dim.total)),
      suppressed: 0,
    };
    table.suppressed = [...table.rows.flatMap((r) => r.cells), ...table.columnTotals].filter((v) => v === null).length;
    return { measure: presentMeasure(measure), quarters, before, after, table };
  }

  /**
   * The suppressed families of the given years, over one set of axes (so the rows of a
   * before/after table spanning two years are the same in both).
   */
  private async families(orgId: string, years: number[]): Promise<{ families: Map<number, Family>; axes: Axes }> {
    const first = Math.min(...years);
    const last = Math.max(...years);
    const cube: CubeRow[] = await repo.countCube(this.db, orgId, `${first}-01-01`, `${last}-12-01`);
    const axes = await this.axes(orgId, cube);
    const keys = {
      department: axes.department.map((a) => a.key),
      category: axes.category.map((a) => a.key),
      level: axes.level.map((a) => a.key),
    };
    return { families: new Map(years.map((y) => [y, buildFamily(y, cube, keys)])), axes };
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

  private async axes(orgId: string, cube: readonly CubeRow[]): Promise<Axes> {
    const departments = (await repo.listDepartments(this.db, orgId)).map((d) => ({ key: d.id, label: d.name }));
    const seen = (pick: (r: CubeRow) => string) => new Set(cube.map(pick));
    return {
      department: withSeen(
        departments,
        seen((r) => r.department),
        (key) => (key === repo.noDepartment ? 'ohne Abteilung' : 'unbekannte Abteilung'),
      ),
      category: withSeen(
        incidentCategories.map((c) => ({ key: c, label: categoryLabels[c] })),
        seen((r) => r.category),
        (k) => k,
      ),
      level: withSeen(
        [0, 1, 2, 3].map((l) => ({ key: String(l), label: `Stufe ${l}` })),
        seen((r) => r.level),
        (k) => `Stufe ${k}`,
      ),
    };
  }
}

/** Append keys found in the data but not on the fixed axis, so no case drops out of the totals. */
function withSeen(fixed: Axis[], seen: Set<string>, label: (key: string) => string): Axis[] {
  const known = new Set(fixed.map((a) => a.key));
  const extra = [...seen].filter((k) => !known.has(k)).sort();
  return [...fixed, ...extra.map((key) => ({ key, label: label(key) }))];
}

const rowDim = (rows: StatsRows) => dim[rows];

/**
 * A published table: a view of the family's values, field by field; nothing is computed here
 * that the suppression did not see.
 */
function view(f: Family, axes: Axes, period: Period, rows: StatsRows, columns: 'month' | 'category'): StatsTable {
  const months = monthsOf(period);
  const cols: Axis[] = columns === 'month' ? months.map((m) => ({ key: m, label: monthLabel(m) })) : axes.category;
  const cell = (r: string, c: string): number | null => {
    if (columns === 'month') return publishedValue(f, c, rowDim(rows)(r));
    return publishedValue(f, period, rows === 'level' ? dim.levelCategory(r, c) : dim.departmentCategory(r, c));
  };
  const table: StatsTable = {
    rowsDimension: rows,
    columnsDimension: columns,
    period,
    from: months[0]!,
    to: months[months.length - 1]!,
    columns: cols.map(({ key, label }) => ({ key, label })),
    rows: axes[rows].map(({ key, label }) => ({
      key,
      label,
      cells: cols.map((c) => cell(key, c.key)),
      total: publishedValue(f, period, rowDim(rows)(key)),
    })),
    columnTotals: cols.map((c) =>
      columns === 'month' ? publishedValue(f, c.key, dim.total) : publishedValue(f, period, dim.category(c.key)),
    ),
    grandTotal: publishedValue(f, period, dim.total),
    suppressed: 0,
  };
  table.suppressed = [
    ...table.rows.flatMap((r) => [...r.cells, r.total]),
    ...table.columnTotals,
    table.grandTotal,
  ].filter((v) => v === null).length;
  return table;
}

function presentMeasure(m: repo.MeasureRow): Measure {
  return { id: m.id, departmentId: m.departmentId, department: m.department, name: m.name, date: m.date };
}

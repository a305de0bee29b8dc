import { periodKind, type Period } from '@wachsam/protocol';
import { suppressJointly, type Equation, type JointOptions } from './joint.js';

/**
 * Everything the Lagebild publishes about one calendar year, suppressed in one pass.
 *
 * Periods are fixed: the year, its four quarters, its twelve months. For each of these 17 periods
 * the family holds the total and the counts per department, per category and per level; for the
 * year also department × category and level × category. Every answer (table, trend, CSV, PDF,
 * the quarters of a before/after comparison) is a view of these values and nothing else, so:
 *
 * - tables on one page that share a total (the October total under "Stufe" and under
 *   "Abteilung") share one value, withheld or shown in both;
 * - a month answer is not a new computation that could show a cell the year answer withholds: it
 *   shows the family's month values, suppressed together with the quarter and the year that
 *   contain them (each quarter is the sum of its months, the year the sum of its quarters, and
 *   the suppression keeps a witness for every withheld value against all these identities);
 * - two answers never overlap partially: two fixed periods are disjoint or one contains the
 *   other, and both are views of the same family; different years share no case, so no identity
 *   links their families and each year is protected on its own.
 *
 * Hence asking for the month, its quarter and its year (or all twelve months) adds no equation
 * the suppression did not already protect against.
 */
export interface Family {
  year: number;
  /** Published value by key; null where withheld. */
  published: Map<string, number | null>;
  /** How many values of the whole family are withheld. */
  suppressed: number;
}

/** One group of the anonymous facts: month 'YYYY-MM', department key, category, level, count. */
export interface CubeRow {
  month: string;
  department: string;
  category: string;
  level: string;
  n: number;
}

export interface FamilyAxes {
  department: readonly string[];
  category: readonly string[];
  level: readonly string[];
}

/** Dimension keys: '' for the total, 'department:<key>', 'department×category:<key>|<key>', … */
export const dim = {
  total: '',
  department: (k: string) => `department:${k}`,
  category: (k: string) => `category:${k}`,
  level: (k: string) => `level:${k}`,
  departmentCategory: (k: string, c: string) => `department×category:${k}|${c}`,
  levelCategory: (k: string, c: string) => `level×category:${k}|${c}`,
};

export const valueKey = (period: Period, dimension: string) => `${period}#${dimension}`;

export const monthsOf = (p: Period): Period[] => {
  const year = p.slice(0, 4);
  const all = Array.from({ length: 12 }, (_, k) => `${year}-${String(k + 1).padStart(2, '0')}`);
  const kind = periodKind(p);
  if (kind === 'year') return all;
  if (kind === 'month') return [p];
  const q = Number(p[6]);
  return all.slice((q - 1) * 3, q * 3);
};
export const quarterOf = (month: string) =>
  `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

/** The family before suppression: its value keys, their true counts, and every identity between them. */
export interface FamilySystem {
  keys: string[];
  counts: number[];
  equations: Equation[];
}

export function buildFamily(year: number, cube: readonly CubeRow[], axes: FamilyAxes, opts?: JointOptions): Family {
  const { keys, counts, equations } = familySystem(year, cube, axes);
  const hidden = suppressJointly(counts, equations, opts);
  return {
    year,
    published: new Map(keys.map((k, i) => [k, hidden[i] ? null : counts[i]!])),
    suppressed: hidden.filter(Boolean).length,
  };
}

export function familySystem(year: number, cube: readonly CubeRow[], axes: FamilyAxes): FamilySystem {
  const y = String(year);
  const quarters = [1, 2, 3, 4].map((q) => `${y}-Q${q}`);
  const months = monthsOf(y);
  const margins = [
    dim.total,
    ...axes.department.map(dim.department),
    ...axes.category.map(dim.category),
    ...axes.level.map(dim.level),
  ];
  const keys: string[] = [];
  const index = new Map<string, number>();
  const add = (k: string) => {
    if (!index.has(k)) index.set(k, keys.push(k) - 1);
    return index.get(k)!;
  };
  for (const p of [y, ...quarters, ...months]) for (const m of margins) add(valueKey(p, m));
  for (const c of axes.category) {
    for (const d of axes.department) add(valueKey(y, dim.departmentCategory(d, c)));
    for (const l of axes.level) add(valueKey(y, dim.levelCategory(l, c)));
  }

  const counts = keys.map(() => 0);
  const count = (k: string, n: number) => {
    const i = index.get(k);
    if (i === undefined) throw new Error(`stats family ${y}: no value ${k}`);
    counts[i]! += n;
  };
  for (const r of cube) {
    if (r.month.slice(0, 4) !== y) continue;
    for (const p of [y, quarterOf(r.month), r.month]) {
      count(valueKey(p, dim.total), r.n);
      count(valueKey(p, dim.department(r.department)), r.n);
      count(valueKey(p, dim.category(r.category)), r.n);
      count(valueKey(p, dim.level(r.level)), r.n);
    }
    count(valueKey(y, dim.departmentCategory(r.department, r.category)), r.n);
    count(valueKey(y, dim.levelCategory(r.level, r.category)), r.n);
  }

  // Every identity between published values an outsider knows.
  const equations: Equation[] = [];
  const eq = (total: string, parts: string[]) =>
    equations.push({ total: index.get(total)!, parts: parts.map((k) => index.get(k)!) });
  for (const m of margins) {
    quarters.forEach((q) =>
      eq(
        valueKey(q, m),
        monthsOf(q).map((mo) => valueKey(mo, m)),
      ),
    );
    eq(
      valueKey(y, m),
      quarters.map((q) => valueKey(q, m)),
    );
  }
  for (const p of [y, ...quarters, ...months]) {
    const total = valueKey(p, dim.total);
    eq(
      total,
      axes.department.map((k) => valueKey(p, dim.department(k))),
    );
    eq(
      total,
      axes.category.map((k) => valueKey(p, dim.category(k))),
    );
    eq(
      total,
      axes.level.map((k) => valueKey(p, dim.level(k))),
    );
  }
  for (const d of axes.department)
    eq(
      valueKey(y, dim.department(d)),
      axes.category.map((c) => valueKey(y, dim.departmentCategory(d, c))),
    );
  for (const l of axes.level)
    eq(
      valueKey(y, dim.level(l)),
      axes.category.map((c) => valueKey(y, dim.levelCategory(l, c))),
    );
  for (const c of axes.category) {
    eq(
      valueKey(y, dim.category(c)),
      axes.department.map((d) => valueKey(y, dim.departmentCategory(d, c))),
    );
    eq(
      valueKey(y, dim.category(c)),
      axes.level.map((l) => valueKey(y, dim.levelCategory(l, c))),
    );
  }

  return { keys, counts, equations };
}

/** A published value of the family; a key outside it is a programming error, never a 0. */
export function publishedValue(f: Family, period: Period, dimension: string): number | null {
  const v = f.published.get(valueKey(period, dimension));
  if (v === undefined) throw new Error(`stats family ${f.year}: no value ${period} ${dimension}`);
  return v;
}

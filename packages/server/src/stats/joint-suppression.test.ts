import { describe, expect, it } from 'vitest';
import { feasibleValuesOf } from './disclosure.js';
import { buildFamily, familySystem, type CubeRow, type FamilyAxes } from './family.js';
import { suppressJointly, type Equation } from './joint.js';
import { suppress, type Knowledge } from './suppression.js';

/** Seeded PRNG (mulberry32) so a failing family can be reproduced. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const axes: FamilyAxes = { department: ['a', 'b', 'c'], category: ['x', 'y'], level: ['1', '2'] };

/** A sparse year of facts: a few busy months and a few single cases, spread over quarters. */
function randomCube(rand: () => number, months: number[]): CubeRow[] {
  const rows: CubeRow[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  for (const m of months) {
    const n = rand() < 0.3 ? 1 : Math.floor(rand() * 9);
    for (let k = 0; k < n; k++)
      rows.push({
        month: `2026-${String(m).padStart(2, '0')}`,
        department: pick(axes.department),
        category: pick(axes.category),
        level: pick(axes.level),
        n: 1,
      });
  }
  return rows;
}

/**
 * The outsider's bounds: what he knows (≥ 0, or ≥ 1 for a value that is not 0) and, granted on
 * top, "within one of the truth", which only makes him stronger (nothing pinned under it means
 * nothing pinned without it) and keeps the search small.
 */
function bounds(truth: readonly number[], knowledge: Knowledge) {
  const lower = truth.map((v) => Math.max(v - 1, knowledge === 'positive' && v >= 1 ? 1 : 0));
  const upper = truth.map((v) => v + 1);
  return { lower, upper };
}

/** The withheld values (indices) the outsider pins to one value. */
function pinned(
  truth: readonly number[],
  published: ReadonlyArray<number | null>,
  equations: readonly Equation[],
  knowledge: Knowledge,
): number[] {
  const { lower, upper } = bounds(truth, knowledge);
  const out: number[] = [];
  published.forEach((v, i) => {
    if (v !== null) return;
    const values = feasibleValuesOf(published, equations, lower, upper, i);
    expect(values, 'the attack is sound: the truth is a solution').toContain(truth[i]);
    if (values.length < 2) out.push(i);
  });
  return out;
}

/**
 * What today's code published: each table suppressed on its own (`suppress` per table), over
 * the free ranges it allowed. Keys name what a value means, so the outsider links the tables:
 * the same month total under "Abteilung" and under "Stufe" is one unknown, and so is
 * department a in February in the January–March and in the January–February table.
 */
function perTablePublication(cube: CubeRow[]) {
  const keys = new Map<string, number>();
  const truth: number[] = [];
  const published: Array<number | null> = [];
  const equations: Equation[] = [];
  const value = (key: string, count: number, shown: number | null) => {
    let i = keys.get(key);
    if (i === undefined) {
      i = truth.push(count) - 1;
      keys.set(key, i);
      published.push(shown);
    } else if (shown === null) published[i] = null; // withheld in one table: unknown to him there
    return i;
  };
  const count = (months: string[], dimension: 'department' | 'level', row: string | null) =>
    cube.filter((r) => months.includes(r.month) && (row === null || r[dimension] === row)).reduce((s, r) => s + r.n, 0);
  const table = (months: string[], dimension: 'department' | 'level') => {
    const rows = axes[dimension];
    const counts = rows.map((r) => months.map((m) => count([m], dimension, r)));
    const t = suppress(counts, months.length);
    const range = months.join('+');
    const cell = rows.map((r, i) =>
      months.map((m, j) => value(`${m}|${dimension}:${r}`, counts[i]![j]!, t.cells[i]![j]!)),
    );
    const rowTotal = rows.map((r, i) =>
      value(`${range}|${dimension}:${r}`, count(months, dimension, r), t.rowTotals[i]!),
    );
    const colTotal = months.map((m, j) => value(`${m}|total`, count([m], dimension, null), t.columnTotals[j]!));
    const grand = value(`${range}|total`, count(months, dimension, null), t.grandTotal);
    rows.forEach((_, i) => equations.push({ total: rowTotal[i]!, parts: cell[i]! }));
    months.forEach((_, j) => equations.push({ total: colTotal[j]!, parts: cell.map((r) => r[j]!) }));
    equations.push({ total: grand, parts: colTotal });
  };
  return { table, truth, published, equations };
}

describe('joint suppression over linked tables and nested periods', () => {
  it("today's per-table suppression gives withheld values away: tables on one page, and Jan–Mar minus Jan–Feb", () => {
    const rand = prng(2026);
    let pagesLeak = 0;
    let rangesLeak = 0;
    for (let n = 0; n < 60; n++) {
      const cube = randomCube(rand, [1, 2, 3]);
      // One PDF page: Abteilung × Monat and Stufe × Monat for January to March.
      const page = perTablePublication(cube);
      page.table(['2026-01', '2026-02', '2026-03'], 'department');
      page.table(['2026-01', '2026-02', '2026-03'], 'level');
      pagesLeak += pinned(page.truth, page.published, page.equations, 'nonNegative').length;
      // Two overlapping free ranges of the same table.
      const ranges = perTablePublication(cube);
      ranges.table(['2026-01', '2026-02', '2026-03'], 'department');
      ranges.table(['2026-01', '2026-02'], 'department');
      rangesLeak += pinned(ranges.truth, ranges.published, ranges.equations, 'nonNegative').length;
    }
    expect(pagesLeak).toBeGreaterThan(0);
    expect(rangesLeak).toBeGreaterThan(0);
  });

  it('no withheld value of a year family can be pinned: every table, total, quarter and month at once (seeded)', () => {
    const rand = prng(911);
    let withheld = 0;
    for (let n = 0; n < 12; n++) {
      const cube = randomCube(rand, [1, 2, 3, 5, 10, 11]);
      const system = familySystem(2026, cube, axes);
      const family = buildFamily(2026, cube, axes);
      const published = system.keys.map((k) => family.published.get(k)!);
      system.keys.forEach((k, i) => {
        const truth = system.counts[i]!;
        if (published[i] !== null) expect(published[i], `${k} is the true count`).toBe(truth);
        if (truth > 0 && truth < 3) expect(published[i], `${k} = ${truth} is withheld`).toBeNull();
      });
      for (const knowledge of ['nonNegative', 'positive'] as const) {
        const found = pinned(system.counts, published, system.equations, knowledge);
        expect(
          found.map((i) => system.keys[i]),
          `${knowledge}: ${JSON.stringify(cube)}`,
        ).toEqual([]);
      }
      withheld += family.suppressed;
    }
    // The families are full of small values: the check is about something.
    expect(withheld).toBeGreaterThan(100);
  });

  it('a month answer shows only what the year family shows: nested periods cannot be differenced', () => {
    // Department a has one case in October; b has 7, so the month total is 8. The year, the
    // fourth quarter and October are views of one family, so October's 1 is withheld in all of
    // them and no answer shows a total that gives it away.
    const cube: CubeRow[] = [
      { month: '2026-10', department: 'a', category: 'x', level: '1', n: 1 },
      { month: '2026-10', department: 'b', category: 'x', level: '1', n: 4 },
      { month: '2026-10', department: 'b', category: 'y', level: '2', n: 3 },
      { month: '2026-11', department: 'a', category: 'x', level: '2', n: 5 },
      { month: '2026-11', department: 'b', category: 'y', level: '2', n: 6 },
      { month: '2026-12', department: 'c', category: 'x', level: '1', n: 9 },
    ];
    const system = familySystem(2026, cube, axes);
    const family = buildFamily(2026, cube, axes);
    expect(family.published.get('2026-10#department:a')).toBeNull();
    const published = system.keys.map((k) => family.published.get(k)!);
    for (const knowledge of ['nonNegative', 'positive'] as const)
      expect(pinned(system.counts, published, system.equations, knowledge)).toEqual([]);
  });

  it('the engine keeps a witness for every withheld value of random equation systems', () => {
    // Two 2×3 tables sharing their column totals (a smaller linked case, checked by brute force).
    const rand = prng(5);
    for (let n = 0; n < 100; n++) {
      const a = [0, 1].map(() =>
        [0, 1, 2].map(() => (rand() < 0.4 ? 1 + Math.floor(rand() * 2) : Math.floor(rand() * 7))),
      );
      const columns = [0, 1, 2].map((j) => a[0]![j]! + a[1]![j]!);
      // The second table splits each column differently.
      const b = [columns.map((c) => Math.floor(c / 2)), columns.map((c) => c - Math.floor(c / 2))];
      const values = [...a.flat(), ...b.flat(), ...columns, a[0]!.reduce((s, v) => s + v, 0)];
      values.push(
        a[1]!.reduce((s, v) => s + v, 0),
        b[0]!.reduce((s, v) => s + v, 0),
        b[1]!.reduce((s, v) => s + v, 0),
      );
      const grand = values.push(columns.reduce((s, v) => s + v, 0)) - 1;
      const col = (j: number) => 12 + j;
      const equations: Equation[] = [
        { total: 15, parts: [0, 1, 2] },
        { total: 16, parts: [3, 4, 5] },
        { total: 17, parts: [6, 7, 8] },
        { total: 18, parts: [9, 10, 11] },
        ...[0, 1, 2].map((j) => ({ total: col(j), parts: [j, 3 + j] })),
        ...[0, 1, 2].map((j) => ({ total: col(j), parts: [6 + j, 9 + j] })),
        { total: grand, parts: [12, 13, 14] },
        { total: grand, parts: [15, 16] },
        { total: grand, parts: [17, 18] },
      ];
      const hidden = suppressJointly(values, equations);
      const published = values.map((v, i) => (hidden[i] ? null : v));
      for (const knowledge of ['nonNegative', 'positive'] as const)
        expect(pinned(values, published, equations, knowledge), JSON.stringify(values)).toEqual([]);
    }
  });
});

import type { PublishedTable } from './suppression.js';

/** What an outsider can learn about one withheld value from everything published beside it. */
export interface FeasibleRange {
  /** Grid position: row `rows` is the column totals, column `cols` the row totals. */
  row: number;
  column: number;
  /** Smallest and largest value seen in a table consistent with everything published. */
  min: number;
  max: number;
  /** True when every consistent table was enumerated (min and max are exact). */
  exhaustive: boolean;
}

type Term = { v: number; coef: 1 | -1 };
interface Equation {
  terms: Term[];
  constant: number;
}

/** How far the attack searches, and what it assumes beyond the published numbers. */
export interface AttackOptions {
  cap?: number;
  limit?: number;
  full?: boolean;
  /**
   * The least value the outsider may assume at a withheld grid position: 0 for plain counts, 1
   * where he may rule out a zero (e.g. because zeros are published and suppressions avoid them).
   */
  lower?: (row: number, column: number) => number;
  /**
   * An upper bound granted to the outsider at a withheld grid position, below `cap`. This makes
   * him stronger, so nothing recovered under it means nothing recovered without it; it only
   * keeps the search small when totals are withheld and values would otherwise run up to `cap`.
   */
  upper?: (row: number, column: number) => number;
}

/**
 * Attack a published table: enumerate every table of integers at least `lower` (default 0) that
 * agrees with all published cells and totals (each line's cells sum to its total) and report,
 * for each withheld value, the range it takes across them. A withheld value with min = max is
 * recovered; one that fits no table at all (min > max) counts as recovered too.
 *
 * The search stops early once every withheld value has shown two different values (nothing is
 * recovered) unless `full` is set; otherwise it is exhaustive within `limit` solutions. Values
 * are bounded by `cap` (default: the published grand total, else the sum of everything published,
 * plus 3), which only keeps the search finite: a value bounded by no published total reaches the
 * cap and counts as not recovered, which is what it is. With the grand total withheld the default
 * may fall below the true values; a caller who knows them passes a cap above them.
 */
export function feasibleRanges(t: PublishedTable, opts: AttackOptions = {}): FeasibleRange[] {
  const rows = t.cells.length;
  const cols = t.columnTotals.length;
  const grid: Array<Array<number | null>> = t.cells.map((r, i) => [...r, t.rowTotals[i]!]);
  grid.push([...t.columnTotals, t.grandTotal]);
  const published = grid.flat().filter((v): v is number => v !== null);
  const cap = opts.cap ?? (t.grandTotal ?? published.reduce((a, b) => a + b, 0)) + 3;
  const limit = opts.limit ?? 5_000_000;

  const vars: Array<[number, number]> = [];
  const varAt = grid.map((r, i) => r.map((v, j) => (v === null ? vars.push([i, j]) - 1 : -1)));
  if (!vars.length) return [];

  const equations: Equation[] = [];
  const addLine = (cells: Array<[number, number]>) => {
    const eq: Equation = { terms: [], constant: 0 };
    cells.forEach(([i, j], k) => {
      const coef = k === cells.length - 1 ? -1 : 1;
      const v = varAt[i]![j]!;
      if (v >= 0) eq.terms.push({ v, coef });
      else eq.constant -= coef * grid[i]![j]!;
    });
    if (eq.terms.length) equations.push(eq);
  };
  for (let i = 0; i <= rows; i++) addLine(Array.from({ length: cols + 1 }, (_, j): [number, number] => [i, j]));
  for (let j = 0; j <= cols; j++) addLine(Array.from({ length: rows + 1 }, (_, i): [number, number] => [i, j]));

  const lower = vars.map(([i, j]) => opts.lower?.(i, j) ?? 0);
  // A cell below a published total cannot exceed it, less what the others must hold at least.
  const upper = vars.map(([i, j]) => Math.min(cap, opts.upper?.(i, j) ?? cap));
  for (const eq of equations) {
    if (!eq.terms.every((x) => x.coef === 1)) continue;
    const least = eq.terms.reduce((a, x) => a + lower[x.v]!, 0);
    for (const x of eq.terms) upper[x.v] = Math.min(upper[x.v]!, eq.constant - least + lower[x.v]!);
  }
  const byVar = vars.map((_, v) => equations.filter((eq) => eq.terms.some((x) => x.v === v)));

  const value: Array<number | null> = vars.map(() => null);
  const min = vars.map(() => Infinity);
  const max = vars.map(() => -Infinity);
  let solutions = 0;
  let stopped = false;
  const allOpen = () => min.every((m, v) => m < max[v]!);

  /** Checks an equation against the partial assignment; forces its last free value. */
  const settle = (assigned: number[]): boolean => {
    for (let k = 0; k < assigned.length; k++) {
      for (const eq of byVar[assigned[k]!]!) {
        let rest = eq.constant;
        let free: Term | null = null;
        let freeCount = 0;
        let lo = 0;
        let hi = 0;
        for (const x of eq.terms) {
          const val = value[x.v] ?? null;
          if (val === null) {
            freeCount++;
            free = x;
            if (x.coef === 1) {
              lo += lower[x.v]!;
              hi += upper[x.v]!;
            } else {
              lo -= upper[x.v]!;
              hi -= lower[x.v]!;
            }
          } else rest -= x.coef * val;
        }
        if (freeCount === 0) {
          if (rest !== 0) return false;
          continue;
        }
        if (rest < lo || rest > hi) return false;
        if (freeCount === 1 && free) {
          const forced = rest * free.coef;
          if (forced < lower[free.v]! || forced > upper[free.v]!) return false;
          value[free.v] = forced;
          assigned.push(free.v);
        }
      }
    }
    return true;
  };

  const search = (): void => {
    if (stopped) return;
    let pick = -1;
    let best = Infinity;
    for (const eq of equations) {
      const free = eq.terms.filter((x) => value[x.v] === null);
      if (!free.length || free.length >= best) continue;
      best = free.length;
      pick = free[0]!.v;
    }
    if (pick === -1) {
      solutions++;
      value.forEach((val, v) => {
        min[v] = Math.min(min[v]!, val!);
        max[v] = Math.max(max[v]!, val!);
      });
      if (solutions >= limit || (!opts.full && allOpen())) stopped = true;
      return;
    }
    for (let x = lower[pick]!; x <= upper[pick]! && !stopped; x++) {
      const snapshot = value.slice();
      value[pick] = x;
      if (settle([pick])) search();
      for (let v = 0; v < value.length; v++) value[v] = snapshot[v]!;
    }
  };
  search();

  const exhaustive = !stopped;
  return vars.map(([row, column], v) => ({ row, column, min: min[v]!, max: max[v]!, exhaustive }));
}

/** The withheld values an outsider recovers exactly (empty means the table discloses nothing). */
export function recovered(t: PublishedTable, opts?: Omit<AttackOptions, 'full'>): FeasibleRange[] {
  return feasibleRanges(t, opts).filter((r) => r.min >= r.max);
}

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

/**
 * The brute-force outsider for linked tables: the withheld values of several tables and periods
 * as one system of integer unknowns, every identity he knows (`equations`: the value at `total`
 * is the sum of the values at `parts`), and bounds per value. Returns the values `target` can take
 * in some integer solution within [lower, upper] (one value: the target is recovered). Bounds
 * are propagated over every equation to a fixed point, then the search branches on the unknown
 * with the fewest values left; exhaustive within the bounds.
 */
export function feasibleValuesOf(
  published: ReadonlyArray<number | null>,
  equations: ReadonlyArray<{ total: number; parts: readonly number[] }>,
  lower: readonly number[],
  upper: readonly number[],
  target: number,
): number[] {
  const members = equations.map((e) => [...e.parts.map((p) => [p, 1] as const), [e.total, -1] as const]);
  const byValue: number[][] = published.map(() => []);
  members.forEach((m, k) => m.forEach(([j]) => byValue[j]!.push(k)));
  const start = (i: number): [number, number] => {
    const v = published[i];
    return v === null || v === undefined ? [lower[i]!, upper[i]!] : [v, v];
  };

  /** Tightens [lo, hi] over every equation until nothing changes; false when a range runs empty. */
  const propagate = (lo: number[], hi: number[], dirty: number[]): boolean => {
    const queued = new Set(dirty);
    while (queued.size) {
      const k = queued.values().next().value!;
      queued.delete(k);
      const m = members[k]!;
      let min = 0;
      let max = 0;
      for (const [j, c] of m) [min, max] = c > 0 ? [min + lo[j]!, max + hi[j]!] : [min - hi[j]!, max - lo[j]!];
      if (min > 0 || max < 0) return false;
      for (const [j, c] of m) {
        // c·x_j = −(the rest): the rest lies in [min − own min, max − own max].
        const ownMin = c > 0 ? lo[j]! : -hi[j]!;
        const ownMax = c > 0 ? hi[j]! : -lo[j]!;
        const restMin = min - ownMin;
        const restMax = max - ownMax;
        const [newLo, newHi] = c > 0 ? [-restMax, -restMin] : [restMin, restMax];
        if (newLo > lo[j]! || newHi < hi[j]!) {
          lo[j] = Math.max(lo[j]!, newLo);
          hi[j] = Math.min(hi[j]!, newHi);
          if (lo[j]! > hi[j]!) return false;
          for (const k2 of byValue[j]!) if (k2 !== k) queued.add(k2);
        }
      }
    }
    return true;
  };

  const solvable = (lo: number[], hi: number[], dirty: number[]): boolean => {
    if (!propagate(lo, hi, dirty)) return false;
    let pick = -1;
    for (let i = 0; i < lo.length; i++)
      if (lo[i]! < hi[i]! && (pick < 0 || hi[i]! - lo[i]! < hi[pick]! - lo[pick]!)) pick = i;
    if (pick < 0) return true;
    for (let v = lo[pick]!; v <= hi[pick]!; v++) {
      const l = lo.slice();
      const h = hi.slice();
      l[pick] = h[pick] = v;
      if (solvable(l, h, byValue[pick]!)) return true;
    }
    return false;
  };

  const all = members.map((_, k) => k);
  const out: number[] = [];
  for (let v = start(target)[0]; v <= start(target)[1]; v++) {
    const lo = published.map((_, i) => start(i)[0]);
    const hi = published.map((_, i) => start(i)[1]);
    lo[target] = hi[target] = v;
    if (solvable(lo, hi, all)) out.push(v);
  }
  return out;
}

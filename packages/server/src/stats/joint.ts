import { minimumCount } from '@wachsam/protocol';
import type { Knowledge } from './suppression.js';

/** One published identity: the value at `total` is the sum of the values at `parts`. */
export interface Equation {
  total: number;
  parts: readonly number[];
}

export interface JointOptions {
  /** The outsider also knows that a withheld value that is not 0 is ≥ 1 (default on). */
  positive?: boolean;
  /** Search steps per withheld value before it counts as pinned (more suppression, never less safety). */
  budget?: number;
  /** How many further values one move may withhold at most before the nearest value is taken. */
  maxExtra?: number;
}

/**
 * Joint cell suppression over every value one family of linked tables publishes: cells, row and
 * column totals, grand totals, and the same margins over nested periods (month, quarter, year).
 * `values` are the true counts; `equations` every identity an outsider knows between them (each
 * table line, each total shared by several tables — it is one value, so one index — and each
 * period that is the sum of its sub-periods). Returns which values are withheld.
 *
 * 1. primary: every value of 1 or 2 cases is withheld;
 * 2. every withheld value must have a witness: a move d (integers −1, 0, +1 on withheld values,
 *    0 on every published one) that keeps every equation (Σ d(parts) = d(total)), keeps every
 *    value at or above what the outsider knows of it (≥ 0, or ≥ 1 if it is not 0), and changes
 *    that value. True counts + d is then another table set that agrees with everything published,
 *    so the value is not pinned; every value the move changes is freed by the same move;
 * 3. a withheld value without a witness gets one: the search is repeated allowing 1, 2, … up to
 *    `maxExtra` published values to move as well, and those the move changes are withheld with
 *    it (the fewest further values; small, little aggregated ones are tried first); if none is
 *    found within that, the nearest published value of its equations is withheld (non-zero, the
 *    least aggregated, the smallest) and step 2 repeats.
 *
 * Withholding more only drops constraints, so a witness stays a witness: the loop ends (each
 * round frees a value or withholds one more; with everything withheld "one case more" is a move).
 * The guarantee is the witness itself, whatever the tables look like: against an outsider who
 * knows every published value of the family and every identity between them, each withheld value
 * has at least two values consistent with all of it. Not covered (as for the single table): an
 * outsider who reasons about which cells the rules would have chosen, and one who uses that the
 * cross tables are margins of one cube beyond their sums (Fréchet bounds).
 */
export function suppressJointly(
  values: readonly number[],
  equations: readonly Equation[],
  opts: JointOptions = {},
): boolean[] {
  const knowledge: Knowledge = (opts.positive ?? true) ? 'positive' : 'nonNegative';
  const budget = opts.budget ?? 5_000;
  const maxExtra = opts.maxExtra ?? 4;
  const byValue = indexEquations(values.length, equations);
  // How many equations each value totals: the more, the more aggregated (the grand total most).
  const totals = values.map(() => 0);
  for (const e of equations) totals[e.total]!++;
  const hidden = values.map((v) => v > 0 && v < minimumCount);
  const free = values.map(() => false);
  // A value without witness keeps the turn until it has one: what is withheld for it is meant
  // to free it, and its move usually frees those values too.
  const queue = hidden.flatMap((h, i) => (h ? [i] : []));
  for (let head = 0; head < queue.length;) {
    const target = queue[head]!;
    if (free[target]) {
      head++;
      continue;
    }
    // A witness among the withheld values, else one that withholds the fewest further values.
    let move = findMove(values, equations, byValue, hidden, target, knowledge, budget);
    for (let extra = 1; !move && extra <= maxExtra; extra++)
      move = findMove(values, equations, byValue, hidden, target, knowledge, budget, extra);
    if (move) {
      move.forEach((d, j) => {
        if (d) free[j] = hidden[j] = true;
      });
      continue;
    }
    const pick = nextToWithhold(values, equations, byValue, hidden, totals, target);
    // Nothing left to withhold around it: every value linked to it is withheld. The Lagebild's
    // values are sums of one count cube, so one case more in a cube cell under it (raising it
    // and every value above that cell, all withheld) is a move.
    if (pick === null) free[target] = true;
    else {
      hidden[pick] = true;
      queue.push(pick);
    }
  }
  return hidden;
}

function indexEquations(n: number, equations: readonly Equation[]): number[][] {
  const byValue: number[][] = Array.from({ length: n }, () => []);
  equations.forEach((e, k) => {
    byValue[e.total]!.push(k);
    for (const p of e.parts) byValue[p]!.push(k);
  });
  return byValue;
}

/** Whether a withheld value may fall by one: above 0, and above 1 where the outsider knows it is not 0. */
const mayFall = (x: number, knowledge: Knowledge) => x - 1 >= (knowledge === 'positive' && x >= 1 ? 1 : 0);

/**
 * Depth-first search for a witness move of `target` (see `suppressJointly`). Unassigned values
 * count as 0, so the search only follows equations the move has unbalanced, fixing one of their
 * free values at a time (the ones passed over are fixed to 0, so no move is tried twice).
 */
function findMove(
  values: readonly number[],
  equations: readonly Equation[],
  byValue: readonly number[][],
  hidden: readonly boolean[],
  target: number,
  knowledge: Knowledge,
  budget: number,
  extra = 0,
): Array<number> | null {
  const d: Array<number | null> = values.map((_, j) => (hidden[j] || extra > 0 ? null : 0));
  // Published values the move changes: at most `extra` (each one is to be withheld with it).
  let used = 0;
  const isFree = (j: number) => d[j] === null && (hidden[j]! || used < extra);
  const low = (j: number) => (mayFall(values[j]!, knowledge) ? -1 : 0);
  // Signed members of each equation: parts +1, total −1.
  const members = equations.map((e) => [
    ...e.parts.map((p): [number, number] => [p, 1]),
    [e.total, -1] as [number, number],
  ]);
  const byMember: Array<Array<[number, number]>> = values.map(() => []);
  members.forEach((m, k) => m.forEach(([j, c]) => byMember[j]!.push([k, c])));
  // Σ c·d over the assigned members of each equation, kept up to date by `set`.
  const imbalance = equations.map(() => 0);
  const set = (j: number, v: number | null) => {
    const delta = (v ?? 0) - (d[j] ?? 0);
    if (!hidden[j]) used += Number(Boolean(v)) - Number(Boolean(d[j]));
    d[j] = v;
    if (delta) for (const [k, c] of byMember[j]!) imbalance[k]! += c * delta;
  };
  /** Can the still free values of equation k bring it to 0? */
  const feasible = (k: number) => {
    let lo = 0;
    let hi = 0;
    for (const [j, c] of members[k]!) {
      if (!isFree(j)) continue;
      if (c > 0) [lo, hi] = [lo + low(j), hi + 1];
      else [lo, hi] = [lo - 1, hi - low(j)];
    }
    return imbalance[k]! + lo <= 0 && imbalance[k]! + hi >= 0;
  };
  const touched = new Set<number>();
  let steps = 0;

  const search = (): boolean => {
    if (++steps > budget) return false;
    let pick = -1;
    let fewest = Infinity;
    for (const k of touched) {
      if (imbalance[k] === 0) continue;
      let open = 0;
      for (const [j] of members[k]!) if (isFree(j)) open++;
      if (open < fewest) [pick, fewest] = [k, open];
    }
    if (pick === -1) return true;
    const s = imbalance[pick]!;
    const open = members[pick]!.filter(([j]) => isFree(j));
    // Withheld values first; then values in fewer equations (they pull in less), withheld ones
    // with more room first, published ones smallest non-zero first (least is lost).
    const published = (j: number) => (hidden[j] ? 0 : values[j] === 0 ? 2 : 1);
    open.sort(
      ([a], [b]) =>
        published(a) - published(b) ||
        byValue[a]!.length - byValue[b]!.length ||
        (hidden[a] ? values[b]! - values[a]! : values[a]! - values[b]!),
    );
    const zeroed: number[] = [];
    for (const [j, c] of open) {
      const v = s > 0 ? -c : c; // the step of j that brings the equation back towards 0
      if (v >= low(j)) {
        set(j, v);
        const added = byValue[j]!.filter((k) => !touched.has(k));
        for (const k of added) touched.add(k);
        if (byValue[j]!.every(feasible) && search()) return true;
        for (const k of added) touched.delete(k);
      }
      set(j, 0);
      zeroed.push(j);
      if (!byValue[j]!.every(feasible)) break;
    }
    for (const j of zeroed) set(j, null);
    return false;
  };

  for (const dir of [1, -1]) {
    if (dir < 0 && low(target) === 0) continue;
    set(target, dir);
    touched.clear();
    for (const k of byValue[target]!) touched.add(k);
    steps = 0;
    if (byValue[target]!.every(feasible) && search()) return d.map((v) => v ?? 0);
    set(target, null);
  }
  return null;
}

/**
 * The value to withhold next for a value without witness: the nearest published value reachable
 * through its equations and those of the withheld values around it (breadth first). A non-zero
 * value at any distance before a zero (a withheld 0 cannot fall, needs a witness of its own and
 * rarely helps), from the first two rings that hold one, values that total fewer equations first
 * (the grand total last), then the nearer, then the smallest.
 */
function nextToWithhold(
  values: readonly number[],
  equations: readonly Equation[],
  byValue: readonly number[][],
  hidden: readonly boolean[],
  totals: readonly number[],
  target: number,
): number | null {
  const rank = (j: number, ring: number) => (values[j] === 0 ? 1e15 : 0) + totals[j]! * 1e12 + ring * 1e9 + values[j]!;
  const seenValues = new Set([target]);
  const seenEquations = new Set<number>();
  let best: number | null = null;
  let bestRank = Infinity;
  let found = Infinity;
  for (let ring = [target], distance = 0; ring.length && distance <= found + 1; distance++) {
    const next: number[] = [];
    for (const i of ring)
      for (const k of byValue[i]!) {
        if (seenEquations.has(k)) continue;
        seenEquations.add(k);
        for (const j of [equations[k]!.total, ...equations[k]!.parts]) {
          if (seenValues.has(j)) continue;
          seenValues.add(j);
          if (hidden[j]) next.push(j);
          else if (rank(j, distance) < bestRank) [best, bestRank] = [j, rank(j, distance)];
        }
      }
    if (best !== null && values[best] !== 0) found = Math.min(found, distance);
    ring = next;
  }
  return best;
}

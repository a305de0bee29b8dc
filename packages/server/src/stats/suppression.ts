import { minimumCount } from '@wachsam/protocol';

/**
 * A count table as it is published: withheld values are null. Totals are published beside the
 * cells, so the suppression has to hold against them too.
 */
export interface PublishedTable {
  cells: Array<Array<number | null>>;
  rowTotals: Array<number | null>;
  columnTotals: Array<number | null>;
  grandTotal: number | null;
  /** How many values (cells and totals) are withheld. */
  suppressed: number;
}

/**
 * What an outsider is assumed to know besides the published numbers and the sums: `nonNegative`,
 * that counts are integers ≥ 0; `positive`, in addition that every withheld value that is not 0
 * is ≥ 1 (zeros are published and secondary suppressions avoid zeros, so a withheld value is
 * almost always ≥ 1; the few withheld zeros keep the bound 0).
 */
export type Knowledge = 'nonNegative' | 'positive';

export interface SuppressOptions {
  /** Rule 4 (default on). Off only so the tests can show what it protects against. */
  positive?: boolean;
}

/**
 * Cell suppression for a rows × columns table of counts with its row, column and grand totals.
 *
 * The table and its totals are one (R+1) × (C+1) grid: row i of the grid is row i's cells and
 * its total, the last row is the column totals and the grand total; likewise for columns. Every
 * line of the grid is a published equation (cells sum to the total). Give grid value (i, j) the
 * sign s(i, j) = a_i·b_j, with a_i = −1 for the totals row, b_j = −1 for the totals column and +1
 * otherwise: then every grid line's signed values sum to zero. The withheld values are the edges
 * of a bipartite graph (grid rows and grid columns as vertices), and two tables that agree on
 * everything published differ by a circulation on it (δ(e) = s(e)·Δx(e), counted from row to
 * column, nets to zero at every vertex). Such a circulation is a sum of simple cycles, each moving
 * every value on it in the same direction as the whole difference and by no more (conformal
 * decomposition), so one unit along any of them stays between the two tables and keeps every
 * bound both keep. Hence a withheld value e can take another value iff some simple cycle through
 * e can be shifted by one unit, x(e') → x(e') ± s(e') along it, with no value below its lower
 * bound — iff e lies on a cycle of the residual digraph: the edge (row i, column j) is usable from
 * row to column if x can move by +s (always when s = +1: counts have no upper bound of their own;
 * when s = −1 only if x − 1 ≥ lb) and from column to row if x can move by −s (always when
 * s = −1; when s = +1 only if x − 1 ≥ lb), where lb is the outsider's lower bound (see
 * `Knowledge`). A withheld value on no such cycle is pinned: it follows from what is published.
 * Hence the rules:
 *
 * 1. primary: every value (cell or total) of 1 or 2 cases is withheld;
 * 2. no line may hold exactly one withheld value: the smallest non-zero published cell of that
 *    line is withheld as well, or, if there is none, the line's total;
 * 3. no withheld value may be a bridge: a further cell is withheld that closes a cycle through it,
 *    again the smallest non-zero one available;
 * 4. no withheld value may be pinned against the `positive` outsider: the published value whose
 *    withholding alone frees it is withheld: the smallest non-zero cell if there is one, else the
 *    smallest non-zero total, else a zero; if no single value frees it, the smallest published
 *    total of its lines, then the grand total (then other values), which opens the cycle "one
 *    case more in this cell" step by step.
 *
 * Rules 2 to 4 repeat until nothing changes (every step withholds one more value, and with all
 * values withheld nothing is pinned, so this ends). Guarantee: against an outsider who knows
 * every published value, every sum, and that each withheld value is ≥ its lower bound (1 unless
 * it is 0), every withheld value has at least two values consistent with all that — its true
 * value and that value ± 1. The ≥ 0 outsider knows less, so the same holds for him. Not covered:
 * an outsider who knows the suppression rules themselves and reasons about which cells they
 * would have chosen. The unit tests check the guarantee by brute force for both outsiders.
 */
export function suppress(
  counts: number[][],
  cols = counts[0]?.length ?? 0,
  opts: SuppressOptions = {},
): PublishedTable {
  const rows = counts.length;
  const grid = gridOf(counts, cols);
  const hidden = grid.map((r) => r.map((v) => v > 0 && v < minimumCount));
  // Values known to be free under rule 4's outsider; stays true as more values are withheld.
  const free = grid.map((r) => r.map(() => false));
  const positive = opts.positive ?? true;

  for (let changed = true; changed;) {
    changed = closeLines(grid, hidden) || closeBridge(grid, hidden) || (positive && freePinned(grid, hidden, free));
  }

  const show = (i: number, j: number) => (hidden[i]![j] ? null : grid[i]![j]!);
  return {
    cells: counts.map((r, i) => r.map((_, j) => show(i, j))),
    rowTotals: counts.map((_, i) => show(i, cols)),
    columnTotals: grid[rows]!.slice(0, cols).map((_, j) => show(rows, j)),
    grandTotal: show(rows, cols),
    suppressed: hidden.flat().filter(Boolean).length,
  };
}

/**
 * The withheld values of a published table that the given outsider recovers exactly (the
 * residual-cycle test above; `counts` are the true counts the table was made from).
 */
export function pinnedValues(
  counts: number[][],
  t: PublishedTable,
  knowledge: Knowledge,
): Array<{ row: number; column: number }> {
  const grid = gridOf(counts, t.columnTotals.length);
  const published = [...t.cells.map((r, i) => [...r, t.rowTotals[i]!]), [...t.columnTotals, t.grandTotal]];
  const hidden = published.map((r) => r.map((v) => v === null));
  const g = residual(grid, hidden, knowledge);
  const free = grid.map((r) => r.map(() => false));
  return findPinned(g, grid, hidden, knowledge, free, true).map(([row, column]) => ({ row, column }));
}

/** The grid: cells, row totals in the last column, column totals in the last row. */
function gridOf(counts: number[][], cols: number): number[][] {
  const grid = counts.map((r) => [...r, sum(r)]);
  const totalsRow = Array.from({ length: cols }, (_, j) => sum(counts.map((r) => r[j]!)));
  grid.push([...totalsRow, sum(totalsRow)]);
  return grid;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

type Cell = [number, number];

/** The grid's lines: each grid row and each grid column, as cell coordinates; the total is last. */
function lines(grid: number[][]): Cell[][] {
  const h = grid.length;
  const w = grid[0]!.length;
  const out: Cell[][] = [];
  for (let i = 0; i < h; i++) out.push(Array.from({ length: w }, (_, j): Cell => [i, j]));
  for (let j = 0; j < w; j++) out.push(Array.from({ length: h }, (_, i): Cell => [i, j]));
  return out;
}

/** Rule 2: a line with exactly one withheld value gets a second. Returns whether anything changed. */
function closeLines(grid: number[][], hidden: boolean[][]): boolean {
  let changed = false;
  for (const line of lines(grid)) {
    if (line.filter(([i, j]) => hidden[i]![j]).length !== 1) continue;
    const open = line.filter(([i, j]) => !hidden[i]![j]);
    const total = line[line.length - 1]!;
    const pick =
      smallest(
        grid,
        open.filter((c) => c !== total),
        true,
      ) ??
      (open.includes(total) ? total : null) ??
      smallest(grid, open, false);
    if (!pick) continue;
    hidden[pick[0]]![pick[1]] = true;
    changed = true;
  }
  return changed;
}

function smallest(grid: number[][], cells: Cell[], nonZero: boolean): Cell | null {
  let best: Cell | null = null;
  for (const c of cells) {
    const v = grid[c[0]]![c[1]]!;
    if (nonZero && v === 0) continue;
    if (!best || v < grid[best[0]]![best[1]]!) best = c;
  }
  return best;
}

/**
 * Rule 3: find one withheld value that is a bridge of the withheld-value graph and withhold a
 * cell that closes a cycle through it. Removing the bridge (r, c) splits its component into the
 * side of grid row r and the side of grid column c; a withheld cell (row on c's side, column on
 * r's side) reconnects them, so the bridge then lies on a cycle.
 */
function closeBridge(grid: number[][], hidden: boolean[][]): boolean {
  const h = grid.length;
  const w = grid[0]!.length;
  // Vertices: grid rows 0..h-1, grid columns h..h+w-1.
  const adj: number[][] = Array.from({ length: h + w }, () => []);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      if (!hidden[i]![j]) continue;
      adj[i]!.push(h + j);
      adj[h + j]!.push(i);
    }
  const bridge = findBridge(adj);
  if (!bridge) return false;
  const [a, b] = bridge;
  const [r, c] = a < h ? [a, b] : [b, a];
  const rowSide = reach(adj, r, [r, c]);
  const colSide = reach(adj, c, [r, c]);
  const candidates: Cell[] = [];
  for (const i of colSide) {
    if (i >= h) continue;
    for (const j of rowSide) if (j >= h && !hidden[i]![j - h]) candidates.push([i, j - h]);
  }
  const pick = smallest(grid, candidates, true) ?? smallest(grid, candidates, false);
  if (!pick) return false;
  hidden[pick[0]]![pick[1]] = true;
  return true;
}

/** Vertices reachable from `start` without using the edge `skip`. */
function reach(adj: number[][], start: number, skip: [number, number]): Set<number> {
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length) {
    const v = todo.pop()!;
    for (const u of adj[v]!) {
      if ((v === skip[0] && u === skip[1]) || (v === skip[1] && u === skip[0])) continue;
      if (seen.has(u)) continue;
      seen.add(u);
      todo.push(u);
    }
  }
  return seen;
}

/** One bridge of a simple undirected graph (Tarjan's low-link), or null. */
function findBridge(adj: number[][]): [number, number] | null {
  const order = new Array<number>(adj.length).fill(-1);
  const low = new Array<number>(adj.length).fill(0);
  let counter = 0;
  const visit = (v: number, parent: number): [number, number] | null => {
    order[v] = low[v] = counter++;
    for (const u of adj[v]!) {
      if (u === parent) continue;
      if (order[u] === -1) {
        const found = visit(u, v);
        if (found) return found;
        low[v] = Math.min(low[v]!, low[u]!);
        if (low[u]! > order[v]!) return [v, u];
      } else low[v] = Math.min(low[v]!, order[u]!);
    }
    return null;
  };
  for (let v = 0; v < adj.length; v++) {
    if (order[v] !== -1 || adj[v]!.length === 0) continue;
    const found = visit(v, -1);
    if (found) return found;
  }
  return null;
}

// --- rule 4: the residual digraph of the withheld values (see the comment on `suppress`) ---

/** Arcs between vertices 0..h-1 (grid rows) and h..h+w-1 (grid columns); `edge` is i·w + j. */
interface Residual {
  h: number;
  w: number;
  out: Array<Array<[to: number, edge: number]>>;
  into: Array<Array<[from: number, edge: number]>>;
}

/**
 * The usable orientations [from, to] of grid value (i, j) were it withheld: row → column if it
 * may move by +s, column → row if by −s; moving up is always possible, down only above lb.
 */
function orientations(grid: number[][], i: number, j: number, knowledge: Knowledge): Array<[number, number]> {
  const h = grid.length;
  const w = grid[0]!.length;
  const x = grid[i]![j]!;
  const s = (i === h - 1 ? -1 : 1) * (j === w - 1 ? -1 : 1);
  const down = x - 1 >= (knowledge === 'positive' && x >= 1 ? 1 : 0);
  const out: Array<[number, number]> = [];
  if (s > 0 || down) out.push([i, h + j]);
  if (s < 0 || down) out.push([h + j, i]);
  return out;
}

function residual(grid: number[][], hidden: boolean[][], knowledge: Knowledge): Residual {
  const h = grid.length;
  const w = grid[0]!.length;
  const g: Residual = { h, w, out: [], into: [] };
  for (let v = 0; v < h + w; v++) {
    g.out.push([]);
    g.into.push([]);
  }
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      if (!hidden[i]![j]) continue;
      for (const [from, to] of orientations(grid, i, j, knowledge)) {
        g.out[from]!.push([to, i * w + j]);
        g.into[to]!.push([from, i * w + j]);
      }
    }
  return g;
}

/**
 * Breadth-first search from `start` over the arcs (forward, or backward with `into`), never
 * using edge `skip`. Returns the arc [previous vertex, edge] by which each vertex was reached.
 */
function search(g: Residual, start: number, skip: number, backward = false): Map<number, [number, number]> {
  const via = new Map<number, [number, number]>([[start, [-1, -1]]]);
  const adj = backward ? g.into : g.out;
  for (let k = 0, todo = [start]; k < todo.length; k++) {
    const v = todo[k]!;
    for (const [u, e] of adj[v]!) {
      if (e === skip || via.has(u)) continue;
      via.set(u, [v, e]);
      todo.push(u);
    }
  }
  return via;
}

/**
 * The withheld values on no residual cycle (only the first unless `all`). Values marked in
 * `free` are skipped; a value found on a cycle is marked, with every other value of that cycle.
 */
function findPinned(
  g: Residual,
  grid: number[][],
  hidden: boolean[][],
  knowledge: Knowledge,
  free: boolean[][],
  all: boolean,
): Cell[] {
  const pinned: Cell[] = [];
  for (let i = 0; i < g.h; i++)
    for (let j = 0; j < g.w; j++) {
      if (!hidden[i]![j] || free[i]![j]) continue;
      for (const [from, to] of orientations(grid, i, j, knowledge)) {
        const via = search(g, to, i * g.w + j);
        if (!via.has(from)) continue;
        free[i]![j] = true;
        for (let v = from; v !== to; v = via.get(v)![0]) {
          const e = via.get(v)![1];
          free[Math.floor(e / g.w)]![e % g.w] = true;
        }
        break;
      }
      if (free[i]![j]) continue;
      pinned.push([i, j]);
      if (!all) return pinned;
    }
  return pinned;
}

/**
 * Rule 4: find one value pinned against the `positive` outsider and withhold one more value
 * towards freeing it. A published value c frees the pinned value e (usable as from → to) iff c,
 * once withheld, closes a path to ⇝ from: to ⇝ a without e, over c from a to b, then b ⇝ from.
 * So one search forward from `to` and one backward from `from` test every candidate at once
 * (the same answer as a search per candidate, without its cost).
 */
function freePinned(grid: number[][], hidden: boolean[][], free: boolean[][]): boolean {
  const g = residual(grid, hidden, 'positive');
  const [target] = findPinned(g, grid, hidden, 'positive', free, false);
  if (!target) return false;
  const [ti, tj] = target;
  const { h, w } = g;
  let pick: Cell | null = null;
  let rank = Infinity;
  for (const [from, to] of orientations(grid, ti, tj, 'positive')) {
    const ahead = search(g, to, ti * w + tj);
    const behind = search(g, from, ti * w + tj, true);
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const x = grid[i]![j]!;
        // Non-zero cells first, then non-zero totals, then zeros; the smallest value within each.
        const r = (x === 0 ? 2 : i === h - 1 || j === w - 1 ? 1 : 0) * 1e12 + x;
        if (hidden[i]![j] || r >= rank) continue;
        const frees = orientations(grid, i, j, 'positive').some(([a, b]) => ahead.has(a) && behind.has(b));
        if (frees) [pick, rank] = [[i, j], r];
      }
  }
  if (!pick) {
    // No single value frees it: the totals of its lines, then the grand total, then its lines.
    const open = (c: Cell) => !hidden[c[0]]![c[1]];
    const lineTotals = (
      [
        [ti, w - 1],
        [h - 1, tj],
      ] as Cell[]
    ).filter(open);
    const grand = ([[h - 1, w - 1]] as Cell[]).filter(open);
    const near = lines(grid)
      .filter((l) => l.some(([i, j]) => i === ti && j === tj))
      .flat()
      .filter(open);
    const anywhere = lines(grid).flat().filter(open);
    pick =
      smallest(grid, lineTotals, true) ??
      smallest(grid, grand, true) ??
      smallest(grid, near, true) ??
      smallest(grid, anywhere, true) ??
      smallest(grid, anywhere, false);
  }
  if (!pick) return false;
  hidden[pick[0]]![pick[1]] = true;
  return true;
}

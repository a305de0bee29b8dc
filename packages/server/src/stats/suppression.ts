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
 * Cell suppression for a rows × columns table of counts with its row, column and grand totals.
 *
 * The table and its totals are one (R+1) × (C+1) grid: row i of the grid is row i's cells and
 * its total, the last row is the column totals and the grand total; likewise for columns. Every
 * line of the grid is a published equation (cells sum to the total). With the totals' signs
 * flipped, each line sums to zero, so the withheld values form a bipartite graph (grid rows and
 * grid columns as vertices, withheld values as edges) and the values an outsider cannot pin down
 * are exactly the edges that lie on a cycle: a withheld value on no cycle (a bridge) follows from
 * the published numbers alone. Hence the rules:
 *
 * 1. primary: every value (cell or total) of 1 or 2 cases is withheld;
 * 2. no line may hold exactly one withheld value: the smallest non-zero published cell of that
 *    line is withheld as well, or, if there is none, the line's total;
 * 3. no withheld value may be a bridge: a further cell is withheld that closes a cycle through it,
 *    again the smallest non-zero one available.
 *
 * Rules 2 and 3 repeat until nothing changes. Zero is never withheld where a non-zero choice
 * exists, so every cycle can be shifted by ±1 without a negative count: each withheld value has
 * at least two values consistent with everything published (the unit tests check this by brute
 * force, and that the primary rule alone does not suffice).
 */
export function suppress(counts: number[][], cols = counts[0]?.length ?? 0): PublishedTable {
  const rows = counts.length;
  // The grid: cells, row totals in the last column, column totals in the last row.
  const grid: number[][] = counts.map((r) => [...r, sum(r)]);
  const totalsRow = Array.from({ length: cols }, (_, j) => sum(counts.map((r) => r[j]!)));
  grid.push([...totalsRow, sum(totalsRow)]);
  const hidden = grid.map((r) => r.map((v) => v > 0 && v < minimumCount));

  for (let changed = true; changed;) {
    changed = closeLines(grid, hidden) || closeBridge(grid, hidden);
  }

  const show = (i: number, j: number) => (hidden[i]![j] ? null : grid[i]![j]!);
  return {
    cells: counts.map((r, i) => r.map((_, j) => show(i, j))),
    rowTotals: counts.map((_, i) => show(i, cols)),
    columnTotals: totalsRow.map((_, j) => show(rows, j)),
    grandTotal: show(rows, cols),
    suppressed: hidden.flat().filter(Boolean).length,
  };
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

import { describe, expect, it } from 'vitest';
import { feasibleRanges, recovered, type AttackOptions } from './disclosure.js';
import { pinnedValues, suppress, type Knowledge, type PublishedTable } from './suppression.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Only the primary rule: what a naive implementation would publish. */
function primaryOnly(counts: number[][]): PublishedTable {
  const small = (v: number) => (v > 0 && v < 3 ? null : v);
  const columnTotals = counts[0]!.map((_, j) => sum(counts.map((r) => r[j]!)));
  const t: PublishedTable = {
    cells: counts.map((r) => r.map(small)),
    rowTotals: counts.map((r) => small(sum(r))),
    columnTotals: columnTotals.map(small),
    grandTotal: small(sum(columnTotals)),
    suppressed: 0,
  };
  t.suppressed = [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal].filter((v) => v === null).length;
  return t;
}

/** The true value at a grid position (row `rows` = column totals, column `cols` = row totals). */
function truth(counts: number[][], row: number, column: number): number {
  const rows = counts.length;
  const cols = counts[0]!.length;
  if (row < rows && column < cols) return counts[row]![column]!;
  if (row < rows) return sum(counts[row]!);
  if (column < cols) return sum(counts.map((r) => r[column]!));
  return sum(counts.flat());
}

/**
 * The brute-force attacker for a model of the outsider's knowledge: counts ≥ 0, or in addition
 * every withheld value that is not 0 ≥ 1. The cap lies above every true value (the true grand
 * total plus 3), so a withheld grand total cannot cut the truth off.
 */
function attacker(counts: number[][], knowledge: Knowledge, bounded = false): AttackOptions {
  const lower = (row: number, column: number) => (knowledge === 'positive' && truth(counts, row, column) >= 1 ? 1 : 0);
  // `bounded`: the outsider is even granted "at most one more than the truth" everywhere.
  const upper = bounded ? (row: number, column: number) => truth(counts, row, column) + 1 : undefined;
  return { cap: sum(counts.flat()) + 3, lower, upper };
}

const models: Knowledge[] = ['nonNegative', 'positive'];
const at = (r: { row: number; column: number }) => [r.row, r.column];

/**
 * Everything a published table must satisfy, checked against the true counts. `bounded` grants
 * the brute-force outsider an upper bound (see `attacker`) for tables too big to enumerate.
 */
function expectSafe(counts: number[][], bounded = false): PublishedTable {
  const t = suppress(counts);
  const rows = counts.length;
  const cols = counts[0]!.length;
  const grid = [...t.cells.map((r, i) => [...r, t.rowTotals[i]!]), [...t.columnTotals, t.grandTotal]];
  let withheld = 0;
  grid.forEach((r, i) =>
    r.forEach((v, j) => {
      const real = truth(counts, i, j);
      if (v === null) withheld++;
      else expect(v, `published value at ${i},${j} is the true one`).toBe(real);
      // Primary rule, for cells and totals alike.
      if (real > 0 && real < 3) expect(v, `${real} at ${i},${j} must be withheld`).toBeNull();
    }),
  );
  expect(t.suppressed).toBe(withheld);
  for (const knowledge of models) {
    for (const range of feasibleRanges(t, { ...attacker(counts, knowledge, bounded), full: true })) {
      expect(range.exhaustive).toBe(true);
      const real = truth(counts, range.row, range.column);
      // The attack is sound: the truth is among the tables it considers.
      expect(range.min).toBeLessThanOrEqual(real);
      expect(range.max).toBeGreaterThanOrEqual(real);
      expect(
        range.max > range.min,
        `${knowledge}: withheld value at ${range.row},${range.column} of ${rows}×${cols} table ${JSON.stringify(counts)} is recovered`,
      ).toBe(true);
    }
    expect(pinnedValues(counts, t, knowledge)).toEqual([]);
  }
  return t;
}

/** Seeded PRNG (mulberry32) so a failing random table can be reproduced. */
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

function randomTable(rand: () => number): number[][] {
  const rows = 1 + Math.floor(rand() * 4);
  const cols = 1 + Math.floor(rand() * 5);
  const value = () => {
    const p = rand();
    return p < 0.35 ? 0 : p < 0.7 ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 7);
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, value));
}

describe('cell suppression', () => {
  it('publishes a table without small values unchanged', () => {
    const t = expectSafe([
      [5, 0, 7],
      [3, 9, 0],
    ]);
    expect(t).toEqual({
      cells: [
        [5, 0, 7],
        [3, 9, 0],
      ],
      rowTotals: [12, 12],
      columnTotals: [8, 9, 7],
      grandTotal: 24,
      suppressed: 0,
    });
  });

  it('withholds a second cell in the row and column of a small one', () => {
    const t = expectSafe([
      [1, 10, 12],
      [10, 11, 13],
      [9, 4, 8],
    ]);
    expect(t.cells[0]![0]).toBeNull();
    // Row 0's and column 0's smallest other values go too, and (1,1)... whatever closes the cycle.
    expect(t.cells[0]!.filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    expect(t.cells.map((r) => r[0]).filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    expect(t.grandTotal).toBe(78);
  });

  it('withholds a total when its line has nothing else to hide', () => {
    // One row: every column total equals its cell, so the small cell needs its column total hidden.
    const t = expectSafe([[0, 1, 0, 5, 6]]);
    expect(t.cells[0]![1]).toBeNull();
    expect(t.columnTotals[1]).toBeNull();
  });

  it('closes a bridge between two blocks of small cells (each line already has two)', () => {
    // Two 2×2 blocks of ones joined by one more one: every line holds two withheld cells, yet the
    // joining cell is a bridge and would follow from the totals without rule 3.
    const counts = [
      [1, 1, 1, 0, 20],
      [1, 1, 0, 0, 20],
      [0, 0, 1, 1, 20],
      [0, 0, 1, 1, 20],
      [9, 9, 9, 9, 9],
    ];
    expect(recovered(primaryOnly(counts)).map((r) => [r.row, r.column])).toContainEqual([0, 2]);
    expect(pinnedValues(counts, suppress(counts, 5, { positive: false }), 'nonNegative')).toEqual([]);
    // Under "≥ 1" every one is pinned (each row's ones add up to its published total): rule 4
    // withholds totals, and the cells then run up to the cap; the outsider is granted more.
    expectSafe(counts, true);
  });

  it('handles empty, tiny and all-small tables', () => {
    expect(expectSafe([[0, 0]]).suppressed).toBe(0);
    expect(expectSafe([[1]]).grandTotal).toBeNull();
    expectSafe([
      [1, 1],
      [1, 1],
    ]);
    expectSafe([
      [2, 0],
      [0, 7],
    ]);
    expectSafe([[1], [2], [3], [4]]);
  });

  it('discloses nothing in 400 random small tables (seeded)', () => {
    const rand = prng(20261123);
    let withheld = 0;
    for (let n = 0; n < 400; n++) withheld += expectSafe(randomTable(rand)).suppressed;
    // The random tables are full of small values: the check is about something.
    expect(withheld).toBeGreaterThan(400);
  });

  it('the checker catches a table with only primary suppression', () => {
    const counts = [
      [1, 10, 12],
      [10, 11, 13],
    ];
    const found = recovered(primaryOnly(counts));
    expect(found).toEqual([{ row: 0, column: 0, min: 1, max: 1, exhaustive: true }]);

    // And on random tables it finds the true value of recovered cells again and again.
    const rand = prng(7);
    let caught = 0;
    for (let n = 0; n < 200; n++) {
      const table = randomTable(rand);
      for (const r of recovered(primaryOnly(table))) {
        expect(r.min).toBe(truth(table, r.row, r.column));
        caught++;
      }
    }
    expect(caught).toBeGreaterThan(50);
  });

  it('rule 4: a block of ones is pinned once the outsider knows withheld values are ≥ 1', () => {
    // Every line of the block holds two withheld ones and no bridge: rules 1–3 stop there. Each
    // cycle through the block lowers two of the ones, so under "≥ 1" every one is pinned to 1.
    const counts = [
      [1, 1, 5, 7],
      [1, 1, 6, 4],
      [5, 8, 9, 3],
    ];
    const old = suppress(counts, 4, { positive: false });
    expect(old.suppressed).toBe(4);
    const block = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    expect(recovered(old, attacker(counts, 'nonNegative'))).toEqual([]);
    expect(recovered(old, attacker(counts, 'positive')).map(at)).toEqual(block);
    expect(recovered(old, attacker(counts, 'positive')).every((r) => r.min === 1 && r.max === 1)).toBe(true);
    expect(pinnedValues(counts, old, 'nonNegative')).toEqual([]);
    expect(pinnedValues(counts, old, 'positive').map(at)).toEqual(block);

    const t = expectSafe(counts);
    expect(t.suppressed).toBeGreaterThan(4);
    // The smallest published cells stay: only what opens a cycle goes.
    expect(t.cells[2]![3]).toBe(3);
  });

  it('rule 4 withholds a single cell that frees a pinned value when there is one', () => {
    // Old rules: the block of ones, (2,0) = 2 with (2,3) and (1,3). (0,0) could rise with (2,0)
    // falling, (2,3) rising, (1,3) falling — but the way back into row 0 needs a withheld cell of
    // row 0 that may fall and lies in column 3: the 9 at (0,3). The smaller 3 at (0,2) closes no
    // cycle (nothing else is withheld in column 2), so it stays, and so do all totals.
    const counts = [
      [1, 1, 3, 9],
      [1, 1, 6, 5],
      [2, 7, 8, 4],
    ];
    const old = suppress(counts, 4, { positive: false });
    expect(old.cells[0]![3]).toBe(9);
    expect(pinnedValues(counts, old, 'positive').map(at)).toContainEqual([0, 0]);
    const t = expectSafe(counts);
    expect(t.cells[0]![3]).toBeNull();
    expect(t.cells[0]![2]).toBe(3);
    expect([...t.rowTotals, ...t.columnTotals, t.grandTotal]).not.toContain(null);
  });

  it('the residual-cycle test agrees with the brute-force attacker (both models, seeded)', () => {
    const rand = prng(4711);
    const found = { nonNegative: 0, positive: 0 };
    for (let n = 0; n < 300; n++) {
      const counts = randomTable(rand);
      const cols = counts[0]!.length;
      for (const t of [primaryOnly(counts), suppress(counts, cols, { positive: false }), suppress(counts)])
        for (const knowledge of models) {
          const brute = recovered(t, attacker(counts, knowledge));
          for (const r of brute) expect(r.min, 'the attack recovers the truth').toBe(truth(counts, r.row, r.column));
          const bfs = pinnedValues(counts, t, knowledge);
          expect(bfs, `${knowledge} ${JSON.stringify(counts)}`).toEqual(
            brute.map((r) => ({ row: r.row, column: r.column })),
          );
          found[knowledge] += bfs.length;
        }
    }
    // Both models pin values in the weaker tables: the agreement is about something.
    expect(found.nonNegative).toBeGreaterThan(50);
    expect(found.positive).toBeGreaterThan(found.nonNegative);
  });

  it('the old rules leave values pinned under "≥ 1" in random tables; rule 4 leaves none', () => {
    const rand = prng(99);
    let leaks = 0;
    for (let n = 0; n < 300; n++) {
      const counts = randomTable(rand);
      leaks += pinnedValues(counts, suppress(counts, counts[0]!.length, { positive: false }), 'positive').length;
      expect(pinnedValues(counts, suppress(counts), 'positive')).toEqual([]);
    }
    expect(leaks).toBeGreaterThan(0);
  });

  it('suppresses department × 120 months tables quickly and leaves nothing pinned', () => {
    // Sparse to busy monthly counts for 15 departments over ten years (the largest table served).
    for (const [seed, mean] of [
      [1, 0.3],
      [2, 1.5],
      [3, 4],
    ] as const) {
      const rand = prng(seed);
      const poisson = () => {
        let k = 0;
        for (let p = rand(), l = Math.exp(-mean); p > l; p *= rand()) k++;
        return k;
      };
      const counts = Array.from({ length: 15 }, () => Array.from({ length: 120 }, poisson));
      const t = suppress(counts);
      for (const knowledge of models) expect(pinnedValues(counts, t, knowledge)).toEqual([]);
      expect(t.suppressed).toBeGreaterThan(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { feasibleRanges, recovered } from './disclosure.js';
import { suppress, type PublishedTable } from './suppression.js';

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

/** Everything a published table must satisfy, checked against the true counts. */
function expectSafe(counts: number[][]): PublishedTable {
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
  for (const range of feasibleRanges(t, { full: true })) {
    expect(range.exhaustive).toBe(true);
    const real = truth(counts, range.row, range.column);
    // The attack is sound: the truth is among the tables it considers.
    expect(range.min).toBeLessThanOrEqual(real);
    expect(range.max).toBeGreaterThanOrEqual(real);
    expect(
      range.max > range.min,
      `withheld value at ${range.row},${range.column} of ${rows}×${cols} table ${JSON.stringify(counts)} is recovered`,
    ).toBe(true);
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
    expectSafe(counts);
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
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { StatsTable, StatsTrend } from '@wachsam/protocol';
import { FakeClock } from '../clock.js';
import { departments, incidentFacts, organisations } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { feasibleValuesOf } from './disclosure.js';

/**
 * The outsider of issue 9 row 8: he asks for everything the Lagebild answers about 2026 — the
 * year by department, category and level, the cross tables, the trend, every quarter, the months
 * around the small cells, the before/after quarters of a measure, the CSV — links the values by
 * what they mean (the October total under "Stufe" is the October total under "Abteilung"; the
 * fourth quarter's department a is the sum of its months) and solves for every withheld value.
 */

/** Facts: [month, department, category, level, count]; October is the example. */
const facts: Array<[string, 'A' | 'B' | 'C', string, number, number]> = [
  ['2026-01', 'A', 'insult', 1, 5],
  ['2026-01', 'B', 'threat', 2, 3],
  ['2026-02', 'A', 'insult', 1, 1],
  ['2026-02', 'B', 'threat', 2, 6],
  ['2026-03', 'A', 'bodily_harm', 2, 4],
  ['2026-03', 'B', 'insult', 1, 4],
  ['2026-10', 'A', 'weapon', 3, 1],
  ['2026-10', 'B', 'insult', 1, 4],
  ['2026-10', 'B', 'threat', 2, 2],
  ['2026-11', 'A', 'insult', 1, 3],
  ['2026-11', 'B', 'threat', 2, 5],
  ['2026-11', 'C', 'insult', 1, 2],
  ['2026-12', 'A', 'threat', 2, 6],
  ['2026-12', 'B', 'insult', 1, 3],
];

const quarterOf = (m: string) => `${m.slice(0, 4)}-Q${Math.ceil(Number(m.slice(5, 7)) / 3)}`;

describe.each(backends)('joint suppression against the linked-tables outsider on %s', (backend) => {
  let server: TestServer;
  let security = '';
  const dept: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ backend, clock: new FakeClock() });
    security = await server.login('sicherheit@musterstadt.example');
    const { db } = server.database;
    const [org] = await db.select().from(organisations).where(eq(organisations.name, 'Stadt Musterstadt'));
    const deps = await db
      .select()
      .from(departments)
      .where(eq(departments.orgId, org!.id))
      .orderBy(asc(departments.name));
    (['A', 'B', 'C'] as const).forEach((k, i) => (dept[k] = deps[i]!.id));
    await db.insert(incidentFacts).values(
      facts.flatMap(([month, d, category, level, n]) =>
        Array.from({ length: n }, () => ({
          orgId: org!.id,
          month: `${month}-01`,
          departmentId: dept[d]!,
          mainCategory: category,
          categories: [category],
          level,
        })),
      ),
    );
  });
  afterAll(() => server?.close());

  /** The true count behind a value key `period#dimension` (the outsider's keys, made here). */
  function truth(key: string): number {
    const [period, dimension] = key.split('#') as [string, string];
    const inPeriod = (m: string) => m === period || quarterOf(m) === period || m.slice(0, 4) === period;
    const [kind, value] = dimension.includes(':') ? (dimension.split(':') as [string, string]) : ['', ''];
    const name = Object.fromEntries(Object.entries(dept).map(([k, id]) => [id, k]));
    return facts
      .filter(([m, d, c, l]) => {
        if (!inPeriod(m)) return false;
        if (kind === 'department') return name[value] === d;
        if (kind === 'category') return value === c;
        if (kind === 'level') return value === String(l);
        if (kind === 'department×category') return value === `${dept[d]}|${c}`;
        if (kind === 'level×category') return value === `${l}|${c}`;
        return kind === '';
      })
      .reduce((s, f) => s + f[4], 0);
  }

  it('no withheld value of any answer is pinned by all answers together, and shared values agree', async () => {
    const get = async <T>(path: string): Promise<T> => {
      const res = await api(server.url, 'GET', path, { cookie: security });
      expect(res.status, path).toBe(200);
      return res.body as T;
    };
    const tables: StatsTable[] = [];
    for (const period of ['2026', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2026-02', '2026-10', '2026-11'])
      for (const rows of ['department', 'category', 'level'])
        tables.push(await get<StatsTable>(`/api/stats/table?rows=${rows}&period=${period}`));
    for (const rows of ['department', 'level'])
      tables.push(await get<StatsTable>(`/api/stats/table?rows=${rows}&columns=category&period=2026`));
    const trends = await Promise.all(
      ['2026', '2026-Q4', '2026-10'].map((p) => get<StatsTrend>(`/api/stats/trend?period=${p}`)),
    );
    const measure = await api(server.url, 'POST', '/api/stats/measures', {
      cookie: security,
      body: { departmentId: null, name: 'Schulung', date: '2026-08-10' },
    });
    const beforeAfter = await get<{ table: StatsTable }>(
      `/api/stats/measures/${measure.body.id as string}/before-after?quarters=1`,
    );
    tables.push(beforeAfter.table);

    // Every value by what it means; one unknown per meaning.
    const keys = new Map<string, number>();
    const shown: Array<number | null> = [];
    const seen = new Map<string, Set<number | null>>();
    const at = (key: string, v: number | null | undefined): number => {
      if (v === undefined) return -1;
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)!.add(v);
      if (!keys.has(key)) keys.set(key, shown.push(v) - 1);
      return keys.get(key)!;
    };
    const equations: Array<{ total: number; parts: number[] }> = [];
    const line = (total: number, parts: number[]) => {
      if (total >= 0) equations.push({ total, parts });
    };
    for (const t of tables) {
      const cellKey = (r: string, c: string) =>
        t.columnsDimension === 'category'
          ? `${t.period}#${t.rowsDimension}×category:${r}|${c}`
          : `${c}#${t.rowsDimension}:${r}`;
      const colKey = (c: string) => (t.columnsDimension === 'category' ? `${t.period}#category:${c}` : `${c}#`);
      const cells = t.rows.map((r) => t.columns.map((c, j) => at(cellKey(r.key, c.key), r.cells[j])));
      const rowTotals = t.rows.map((r) => at(`${t.period}#${t.rowsDimension}:${r.key}`, r.total));
      const colTotals = t.columns.map((c, j) => at(colKey(c.key), t.columnTotals[j]));
      const grand = at(`${t.period}#`, t.grandTotal);
      rowTotals.forEach((rt, i) => line(rt, cells[i]!));
      colTotals.forEach((ct, j) =>
        line(
          ct,
          cells.map((r) => r[j]!),
        ),
      );
      line(grand, colTotals);
      line(grand, rowTotals);
    }
    for (const tr of trends) tr.points.forEach((p) => at(`${p.month}#`, p.count));

    // A value shared by several answers is withheld in all or shown alike in all.
    for (const [key, values] of seen) expect([...values], key).toHaveLength(1);
    // Every published value is the true count.
    for (const [key, i] of keys) if (shown[i] !== null) expect(shown[i], key).toBe(truth(key));

    const real = [...keys.keys()].map(truth);
    const withheld = shown.flatMap((v, i) => (v === null ? [i] : []));
    // The small cells of the example are among them, so the attack is about something.
    expect(shown[keys.get(`2026-10#department:${dept.A}`)!]).toBeNull();
    expect(shown[keys.get('2026-10#level:3')!]).toBeNull();
    expect(withheld.length).toBeGreaterThan(10);
    for (const positive of [false, true]) {
      // Granted "within one of the truth" on top of what he knows: a stronger outsider.
      const lower = real.map((v) => Math.max(v - 1, positive && v >= 1 ? 1 : 0));
      const upper = real.map((v) => v + 1);
      const names = [...keys.keys()];
      const pinned = withheld.filter((i) => {
        const values = feasibleValuesOf(shown, equations, lower, upper, i);
        expect(values).toContain(real[i]);
        return values.length < 2;
      });
      expect(
        pinned.map((i) => names[i]),
        positive ? 'knows withheld values are ≥ 1' : 'knows ≥ 0',
      ).toEqual([]);
    }
  });
});

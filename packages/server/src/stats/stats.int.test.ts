import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { extractText, getDocumentProxy } from 'unpdf';
import { suppressedMark, type StatsTable } from '@wachsam/protocol';
import { FakeClock } from '../clock.js';
import { departments, incidentFacts, organisations } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { recovered } from './disclosure.js';
import type { PublishedTable } from './suppression.js';

/** Cases per department and month (the clock stands in November 2026). */
const facts: Record<'A' | 'B' | 'C', Record<string, number>> = {
  A: { '2026-01': 5, '2026-02': 4, '2026-03': 1, '2026-04': 6 },
  B: { '2026-01': 3, '2026-02': 2, '2026-03': 7, '2026-04': 5 },
  C: { '2026-05': 1 },
};
const categories = ['insult', 'threat', 'bodily_harm'] as const;

const asPublished = (t: StatsTable): PublishedTable => ({
  cells: t.rows.map((r) => r.cells),
  rowTotals: t.rows.map((r) => r.total ?? null),
  columnTotals: t.columnTotals,
  grandTotal: t.grandTotal ?? null,
  suppressed: t.suppressed,
});

/** Read the CSV back into a published table: "•" is a withheld value. */
function parseCsv(csv: string): { header: string[]; table: PublishedTable } {
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
  const end = lines.indexOf('');
  const header = lines[0]!.split(';');
  const value = (s: string) => (s === suppressedMark ? null : Number(s));
  const body = lines.slice(1, end).map((l) => l.split(';').slice(1).map(value));
  const totals = body.pop()!;
  return {
    header,
    table: {
      cells: body.map((r) => r.slice(0, -1)),
      rowTotals: body.map((r) => r[r.length - 1]!),
      columnTotals: totals.slice(0, -1),
      grandTotal: totals[totals.length - 1]!,
      suppressed: 0,
    },
  };
}

describe.each(backends)('statistics on %s', (backend) => {
  let server: TestServer;
  let security = '';
  const dept: Record<'A' | 'B' | 'C', { id: string; name: string }> = {} as never;
  let foreignDepartment = '';

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
    (['A', 'B', 'C'] as const).forEach((k, i) => (dept[k] = deps[i]!));
    let n = 0;
    const rows = Object.entries(facts).flatMap(([k, months]) =>
      Object.entries(months).flatMap(([month, count]) =>
        Array.from({ length: count }, () => {
          const category = categories[n++ % categories.length]!;
          return {
            orgId: org!.id,
            month: `${month}-01`,
            departmentId: dept[k as 'A'].id,
            mainCategory: category,
            categories: [category],
            level: category === 'insult' ? 1 : 2,
          };
        }),
      ),
    );
    await db.insert(incidentFacts).values(rows);
    // Another organisation with many cases in the same months: none of them may count here.
    const [other] = await db.insert(organisations).values({ slug: 'andere', name: 'Stadt Anderswo' }).returning();
    const [od] = await db.insert(departments).values({ orgId: other!.id, name: 'Bürgerbüro Anderswo' }).returning();
    foreignDepartment = od!.id;
    await db.insert(incidentFacts).values(
      Array.from({ length: 50 }, () => ({
        orgId: other!.id,
        month: '2026-03-01',
        departmentId: od!.id,
        mainCategory: 'threat',
        categories: ['threat'],
        level: 2,
      })),
    );
  });
  afterAll(() => server?.close());

  it('counts by department and month with small cells withheld and not recoverable', async () => {
    const res = await api(server.url, 'GET', '/api/stats/table?rows=department', { cookie: security });
    expect(res.status).toBe(200);
    const t = res.body as StatsTable;
    // Default: the current calendar year (the clock stands in November 2026).
    expect(t.period).toBe('2026');
    expect(t.from).toBe('2026-01');
    expect(t.to).toBe('2026-12');
    expect(t.columns.map((c) => c.key)).toContain('2026-03');
    // All 34 cases of this organisation, none of the other's 50.
    expect(t.grandTotal).toBe(34);
    const row = (k: 'A' | 'B' | 'C') => t.rows.find((r) => r.key === dept[k].id)!;
    const col = (m: string) => t.columns.findIndex((c) => c.key === m);
    expect(row('A').cells[col('2026-03')]).toBeNull();
    expect(row('B').cells[col('2026-02')]).toBeNull();
    expect(row('C').cells[col('2026-05')]).toBeNull();
    expect(row('C').total).toBeNull();
    // Every published number is the true count.
    for (const k of ['A', 'B', 'C'] as const)
      t.columns.forEach((c, j) => {
        const v = row(k).cells[j];
        if (v !== null) expect(v).toBe(facts[k][c.key] ?? 0);
      });
    expect(t.suppressed).toBeGreaterThanOrEqual(4);
    expect(recovered(asPublished(t))).toEqual([]);
  });

  it('other dimensions, trend and period checks', async () => {
    for (const q of ['rows=category', 'rows=level', 'rows=department&columns=category']) {
      const res = await api(server.url, 'GET', `/api/stats/table?${q}&period=2026`, { cookie: security });
      expect(res.status).toBe(200);
      expect(res.body.grandTotal).toBe(34);
      expect(recovered(asPublished(res.body))).toEqual([]);
    }
    const trend = await api(server.url, 'GET', '/api/stats/trend?period=2026-Q2', { cookie: security });
    expect(trend.body.period).toBe('2026-Q2');
    const truth = { '2026-04': 11, '2026-05': 1, '2026-06': 0 };
    expect(trend.body.points.map((p: { month: string }) => p.month)).toEqual(Object.keys(truth));
    for (const p of trend.body.points as Array<{ month: keyof typeof truth; count: number | null }>)
      if (p.count !== null) expect(p.count).toBe(truth[p.month]);
    // May holds a single case: it is never published.
    expect(trend.body.points[1].count).toBeNull();
    // Free ranges are gone: a clear message says what to ask instead.
    const range = await api(server.url, 'GET', '/api/stats/table?from=2026-01&to=2026-03', { cookie: security });
    expect(range.status).toBe(400);
    expect(JSON.stringify(range.body)).toContain('Freie Zeiträume (von/bis) gibt es nicht');
    for (const bad of ['2026-Q5', '2026-13', '26', '2026-1'])
      expect((await api(server.url, 'GET', `/api/stats/table?period=${bad}`, { cookie: security })).status).toBe(400);
    const crossQuarter = await api(server.url, 'GET', '/api/stats/table?columns=category&period=2026-Q1', {
      cookie: security,
    });
    expect(crossQuarter.status).toBe(400);
    const same = await api(server.url, 'GET', '/api/stats/table?rows=category&columns=category', { cookie: security });
    expect(same.status).toBe(400);
  });

  it('exports CSV for Excel with the same withheld cells', async () => {
    const res = await fetch(`${server.url}/api/stats/table.csv?rows=department&period=2026-Q1`, {
      headers: { cookie: security },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await res.text();
    const { header, table } = parseCsv(csv);
    expect(header).toEqual(['Abteilung / Monat', '01/2026', '02/2026', '03/2026', 'Summe']);
    // Row A: 5, 4, 1 — the 1 is withheld, what is shown is true.
    const rowA = csv
      .split('\r\n')
      .find((l) => l.startsWith(`${dept.A.name};`))!
      .split(';');
    expect(rowA[3]).toBe(suppressedMark);
    [5, 4, 1, 10].forEach((v, k) => {
      if (rowA[k + 1] !== suppressedMark) expect(rowA[k + 1]).toBe(String(v));
    });
    expect(table.grandTotal).toBe(22);
    expect(recovered(table)).toEqual([]);
    expect(csv).toContain('geheim gehalten');
  });

  it('renders the Lagebild PDF with title, organisation, period, tables and the note', async () => {
    const res = await fetch(`${server.url}/api/stats/lagebild.pdf?period=2026`, {
      headers: { cookie: security },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
    const { text } = await extractText(pdf, { mergePages: true });
    expect(text).toContain('Lagebild Gewalt gegen Beschäftigte');
    expect(text).toContain('Stadt Musterstadt');
    expect(text).toContain('Zeitraum: 2026');
    expect(text).toContain('Fälle nach Abteilung und Monat');
    expect(text).toContain('Fälle nach Stufe');
    expect(text).toContain(dept.A.name);
    expect(text).toContain('Körperverletzung');
    expect(text).toContain('geheim gehalten');
    expect(text).not.toContain('Anderswo');
  });

  it('measures: before and after, suppressed, org-scoped, central unit only', async () => {
    const created = await api(server.url, 'POST', '/api/stats/measures', {
      cookie: security,
      body: { departmentId: null, name: 'Deeskalationsschulung', date: '2026-03-15' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Measure in 2026-Q1: one whole quarter before (2025-Q4) and one after (2026-Q2).
    const ba = await api(server.url, 'GET', `/api/stats/measures/${id}/before-after?quarters=1`, { cookie: security });
    expect(ba.status).toBe(200);
    expect(ba.body.before).toEqual(['2025-Q4']);
    expect(ba.body.after).toEqual(['2026-Q2']);
    const t = ba.body.table as StatsTable;
    expect(t.columns.map((c) => c.label)).toEqual(['Vorher: 4. Quartal 2025', 'Nachher: 2. Quartal 2026']);
    const row = (k: 'A' | 'B' | 'C') => t.rows.find((r) => r.key === dept[k].id)!;
    // True counts: A 0 → 6, B 0 → 5, C 0 → 1; the single case is withheld (and so is what would
    // give it away), and no row total (a sum over quarters of two years) is published.
    const truth = { A: [0, 6], B: [0, 5], C: [0, 1] };
    for (const k of ['A', 'B', 'C'] as const) row(k).cells.forEach((v, j) => v !== null && expect(v).toBe(truth[k][j]));
    expect(row('A').cells[0]).toBe(0);
    expect(row('C').cells[1]).toBeNull();
    expect(row('A').total).toBeUndefined();
    expect(t.grandTotal).toBeUndefined();
    // Each quarter shows exactly what the quarter's own answer shows.
    const q2 = (await api(server.url, 'GET', '/api/stats/table?period=2026-Q2', { cookie: security }))
      .body as StatsTable;
    for (const k of ['A', 'B', 'C'] as const)
      expect(row(k).cells[1]).toBe(q2.rows.find((r) => r.key === dept[k].id)!.total);
    expect(t.columnTotals[1]).toBe(q2.grandTotal);

    const foreign = await api(server.url, 'POST', '/api/stats/measures', {
      cookie: security,
      body: { departmentId: foreignDepartment, name: 'fremd', date: '2026-03-01' },
    });
    expect(foreign.status).toBe(404);

    const dp = await server.login('datenschutz@musterstadt.example');
    expect((await api(server.url, 'GET', '/api/stats/measures', { cookie: dp })).body).toHaveLength(1);
    const dpWrite = await api(server.url, 'PUT', `/api/stats/measures/${id}`, {
      cookie: dp,
      body: { departmentId: null, name: 'x', date: '2026-01-01' },
    });
    expect(dpWrite.status).toBe(403);
    const updated = await api(server.url, 'PUT', `/api/stats/measures/${id}`, {
      cookie: security,
      body: { departmentId: dept.A.id, name: 'Alarm eingeführt', date: '2026-04-01' },
    });
    expect(updated.body).toMatchObject({ department: dept.A.name, name: 'Alarm eingeführt', date: '2026-04-01' });
    expect((await api(server.url, 'DELETE', `/api/stats/measures/${id}`, { cookie: security })).status).toBe(204);
    expect((await api(server.url, 'DELETE', `/api/stats/measures/${id}`, { cookie: security })).status).toBe(404);
  });

  it('refuses everyone but the central unit and data protection', async () => {
    for (const who of ['anna.schmidt', 'claudia.hartmann', 'personal', 'stefan.neumann', 'it', 'pforte']) {
      const cookie = await server.login(`${who}@musterstadt.example`);
      for (const path of ['/api/stats/table', '/api/stats/table.csv', '/api/stats/lagebild.pdf', '/api/stats/trend'])
        expect((await api(server.url, 'GET', path, { cookie })).status, `${who} ${path}`).toBe(403);
    }
    const dp = await server.login('datenschutz@musterstadt.example');
    expect((await api(server.url, 'GET', '/api/stats/table', { cookie: dp })).status).toBe(200);
  });
});

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { migrationsBefore, openUnmigrated } from '../db/migration.testing.js';
import { migrationsFolder } from '../db/pglite.js';
import { departments, incidentFactCounts, incidentFacts, organisations } from '../db/schema.js';
import { backends, startTestServer, type TestServer } from '../testing.js';
import { countCube } from './repository.js';

// The Lagebild reads the counts the triggers keep (incident_fact_counts), not the facts: they
// must equal a GROUP BY over the facts after every kind of change a fact can see.

describe.each(backends)('fact counts on %s', (backend) => {
  let server: TestServer;
  let orgId = '';
  let other = '';
  const deps: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ backend, demo: false });
    const { db } = server.database;
    const [org] = await db.insert(organisations).values({ slug: 'zaehl', name: 'Stadt Zählheim' }).returning();
    const [o2] = await db.insert(organisations).values({ slug: 'nachbar', name: 'Stadt Nachbar' }).returning();
    orgId = org!.id;
    other = o2!.id;
    for (const name of ['Bürgerbüro', 'Jobcenter', 'Ordnungsamt'])
      deps.push((await db.insert(departments).values({ orgId, name }).returning())[0]!.id);
  });
  afterAll(() => server?.close());

  /** The cube as the facts give it, and as the counts give it (keys with n = 0 left out). */
  async function both(org: string) {
    const { db } = server.database;
    const grouped = await db
      .select({
        month: incidentFacts.month,
        department: incidentFacts.departmentId,
        category: incidentFacts.mainCategory,
        level: incidentFacts.level,
        n: sql<number>`count(*)::int`,
      })
      .from(incidentFacts)
      .where(eq(incidentFacts.orgId, org))
      .groupBy(incidentFacts.month, incidentFacts.departmentId, incidentFacts.mainCategory, incidentFacts.level);
    const key = (r: { month: string; department: string | null; category: string; level: number | string }) =>
      `${String(r.month).slice(0, 7)}|${r.department ?? 'none'}|${r.category}|${r.level}`;
    const fromFacts = Object.fromEntries(grouped.map((r) => [key(r), Number(r.n)]));
    const cube = await countCube(db, org, '2000-01-01', '2100-12-01');
    const fromCounts = Object.fromEntries(cube.map((r) => [key(r), r.n]));
    return { fromFacts, fromCounts };
  }

  const fact = (org: string, month: string, dep: string | null, category: string, level: number) => ({
    orgId: org,
    month,
    departmentId: dep,
    mainCategory: category,
    categories: [category],
    level,
  });

  it('equal a GROUP BY over the facts after inserts, bulk inserts, updates, deletes and a removed department', async () => {
    const { db } = server.database;
    // One statement with many rows and repeated keys, then single rows, and another organisation.
    await db
      .insert(incidentFacts)
      .values(
        Array.from({ length: 300 }, (_, i) =>
          fact(orgId, `2026-0${1 + (i % 6)}-01`, deps[i % 3]!, ['threat', 'insult', 'bodily_harm'][i % 3]!, i % 4),
        ),
      );
    await db.insert(incidentFacts).values(fact(orgId, '2026-02-01', null, 'threat', 2));
    await db
      .insert(incidentFacts)
      .values(Array.from({ length: 40 }, () => fact(other, '2026-02-01', null, 'threat', 2)));
    let { fromFacts, fromCounts } = await both(orgId);
    expect(Object.values(fromCounts).reduce((a, b) => a + b, 0)).toBe(301);
    expect(fromCounts).toEqual(fromFacts);

    // A resubmitted report changes its fact's department, category and level.
    await db
      .update(incidentFacts)
      .set({ departmentId: deps[2]!, mainCategory: 'robbery', level: 3 })
      .where(and(eq(incidentFacts.orgId, orgId), eq(incidentFacts.month, '2026-01-01')));
    ({ fromFacts, fromCounts } = await both(orgId));
    expect(fromCounts).toEqual(fromFacts);
    expect(Object.keys(fromCounts).some((k) => k.includes('robbery'))).toBe(true);

    // A department removed: its facts move to "no department" through the facts' foreign key.
    await db.delete(departments).where(eq(departments.id, deps[0]!));
    ({ fromFacts, fromCounts } = await both(orgId));
    expect(fromCounts).toEqual(fromFacts);
    expect(Object.keys(fromCounts).some((k) => k.includes(deps[0]!))).toBe(false);

    // Facts deleted: their keys drop out (n = 0 is not read).
    await db.delete(incidentFacts).where(and(eq(incidentFacts.orgId, orgId), eq(incidentFacts.month, '2026-03-01')));
    ({ fromFacts, fromCounts } = await both(orgId));
    expect(fromCounts).toEqual(fromFacts);
    expect(Object.keys(fromCounts).some((k) => k.startsWith('2026-03'))).toBe(false);

    // The other organisation is counted apart and was never touched.
    const theirs = await both(other);
    expect(theirs.fromCounts).toEqual({ [`2026-02|none|threat|2`]: 40 });

    // A removed organisation takes its counts with it.
    await db.delete(organisations).where(eq(organisations.id, other));
    const left = await db.select().from(incidentFactCounts).where(eq(incidentFactCounts.orgId, other));
    expect(left).toEqual([]);
  });

  it('stay right when two transactions add facts under the same keys at once', async () => {
    const { db } = server.database;
    const add = () =>
      db.transaction(async (tx) => {
        for (let i = 0; i < 20; i++)
          await tx
            .insert(incidentFacts)
            .values([fact(orgId, '2026-11-01', deps[1]!, 'threat', 1), fact(orgId, '2026-11-01', null, 'insult', 0)]);
      });
    await Promise.all([add(), add(), add()]);
    const { fromFacts, fromCounts } = await both(orgId);
    expect(fromCounts).toEqual(fromFacts);
    expect(fromCounts[`2026-11|${deps[1]}|threat|1`]).toBe(60);
  });
});

describe.each(backends)('the fact-counts migration on %s', (backend) => {
  const before = migrationsBefore('0018_fact_counts');
  afterAll(() => rmSync(before, { recursive: true, force: true }));

  it('counts the facts that were there before, once', async () => {
    const db = await openUnmigrated(backend);
    try {
      await db.migrate(before);
      const [org] = await db.query(`insert into organisations (slug, name) values ('alt', 'Alt') returning id`);
      await db.query(
        `insert into incident_facts (org_id, month, main_category, categories, level)
         select $1, ('2025-0' || (1 + g % 3) || '-01')::date, 'threat', '{threat}', g % 2 from generate_series(1, 30) g`,
        [org!.id],
      );
      await db.migrate(migrationsFolder);
      const counts = await db.query(
        `select to_char(month, 'YYYY-MM') as month, level, n from incident_fact_counts order by 1, 2`,
      );
      expect(counts).toEqual([
        { month: '2025-01', level: 0, n: 5 },
        { month: '2025-01', level: 1, n: 5 },
        { month: '2025-02', level: 0, n: 5 },
        { month: '2025-02', level: 1, n: 5 },
        { month: '2025-03', level: 0, n: 5 },
        { month: '2025-03', level: 1, n: 5 },
      ]);
      // And the triggers run from then on.
      await db.query(
        `insert into incident_facts (org_id, month, main_category, categories, level)
                      values ($1, '2025-01-01', 'threat', '{threat}', 0)`,
        [org!.id],
      );
      const [{ n }] = (await db.query(
        `select n from incident_fact_counts where month = '2025-01-01' and level = 0`,
      )) as [{ n: number }];
      expect(n).toBe(6);
    } finally {
      await db.close();
    }
  });
});

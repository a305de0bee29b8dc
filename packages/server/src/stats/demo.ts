import { eq } from 'drizzle-orm';
import {
  incidentCategories,
  mainCategory,
  suggestLevel,
  defaultLevelMapping,
  type IncidentCategory,
} from '@wachsam/protocol';
import type { Db } from '../db/client.js';
import { departments, incidentFacts, organisations, protectionMeasures } from '../db/schema.js';

/**
 * Sample anonymous facts for the demo's Lagebild: two years of incidents per department, so the
 * statistics page shows trends and suppression on first start. Only anonymous facts (month,
 * department, categories, level) — no reports, no people. Deterministic (seeded), so every demo
 * looks the same; a dated measure in the Bürgerbüro lowers its rate afterwards, for the
 * before/after comparison. Called by `npm start` only, never by tests.
 */
export async function seedDemoStatistics(db: Db, slug: string, now: Date): Promise<void> {
  const [org] = await db.select().from(organisations).where(eq(organisations.slug, slug));
  if (!org) return;
  const existing = await db
    .select({ id: incidentFacts.id })
    .from(incidentFacts)
    .where(eq(incidentFacts.orgId, org.id))
    .limit(1);
  if (existing.length) return;
  const depts = await db.select().from(departments).where(eq(departments.orgId, org.id)).orderBy(departments.name);
  let seed = 20261125;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rates: Record<string, number> = { Bürgerbüro: 5, Sozialamt: 4, Ordnungsamt: 3.5, Stadtkasse: 1 };
  const weights: Array<[IncidentCategory, number]> = [
    ['insult', 40],
    ['threat', 22],
    ['coercion', 8],
    ['property_damage', 12],
    ['bodily_harm', 8],
    ['weapon', 3],
    ['bomb_threat', 1],
    ['hostage_robbery', 1],
    ['other', 5],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const pick = (): IncidentCategory => {
    let r = random() * total;
    for (const [c, w] of weights) if ((r -= w) < 0) return c;
    return 'other';
  };
  const measureMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 8, 15));
  const rows: Array<typeof incidentFacts.$inferInsert> = [];
  for (let back = 23; back >= 0; back--) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    for (const d of depts) {
      let rate = rates[d.name] ?? 0.3;
      if (d.name === 'Bürgerbüro' && month > measureMonth) rate *= 0.5;
      // Poisson by inversion: small counts, as real departments have.
      let n = 0;
      for (let p = Math.exp(-rate), s = p, u = random(); u > s; n++) s += p *= rate / (n + 1);
      for (let i = 0; i < n; i++) {
        const categories = random() < 0.2 ? [pick(), pick()] : [pick()];
        const unique = [...new Set(categories)].sort(
          (a, b) => incidentCategories.indexOf(a) - incidentCategories.indexOf(b),
        );
        rows.push({
          orgId: org.id,
          month: month.toISOString().slice(0, 10),
          departmentId: d.id,
          mainCategory: mainCategory(unique, defaultLevelMapping),
          categories: unique,
          level: suggestLevel(unique, defaultLevelMapping),
        });
      }
    }
  }
  if (rows.length) await db.insert(incidentFacts).values(rows);
  const buergerbuero = depts.find((d) => d.name === 'Bürgerbüro');
  await db.insert(protectionMeasures).values({
    orgId: org.id,
    departmentId: buergerbuero?.id ?? null,
    name: 'Deeskalationstraining und Alarmtaster am Schalter',
    date: measureMonth.toISOString().slice(0, 10),
  });
}

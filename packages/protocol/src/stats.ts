import { z } from 'zod';
import { Id, IdParams, IsoDate, Name, monthOnly, type Role } from './common.js';
import type { RouteDef } from './routes.js';

// Anonymised statistics and situation picture (Lagebild). Every number comes from the anonymous
// incident facts, never from the reports; every published table is suppressed (cells under
// `minimumCount`, plus secondary suppression so totals do not reveal them).

/** Cells with 1 or 2 cases are withheld; so is every total under this. */
export const minimumCount = 3;
/** How a withheld value is printed in CSV and PDF (Destatis: "Zahlenwert unbekannt oder geheimzuhalten"). */
export const suppressedMark = '•';
export const suppressionNote =
  '• = geheim gehalten: Werte unter 3 Fällen werden nicht veröffentlicht. Weitere Werte (auch Summen) sind ' +
  'unterdrückt, damit sich die kleinen Werte weder aus Zeilen- und Spaltensummen noch aus anderen Tabellen ' +
  'oder Zeiträumen (Jahr, Quartal, Monat) errechnen lassen.';

export const Month = monthOnly();
export type Month = z.infer<typeof Month>;

/**
 * A fixed period: one calendar year (`2026`), one quarter (`2026-Q3`) or one month (`2026-10`).
 * There are no free ranges: two answers never overlap partially (a month lies inside its quarter
 * and year, and all three are views of the same suppressed year), so no withheld value can be
 * recovered by subtracting one period from another (Jan–Mar minus Jan–Feb).
 */
export const Period = z
  .string()
  .max(7, 'Zeitraum als Jahr (2026), Quartal (2026-Q3) oder Monat (2026-10)')
  .regex(
    /^(19|2\d)\d{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/,
    'Zeitraum als Jahr (2026), Quartal (2026-Q3) oder Monat (2026-10)',
  );
export type Period = z.infer<typeof Period>;

/** The kind of a period, by its spelling. */
export function periodKind(p: Period): 'year' | 'quarter' | 'month' {
  return p.length === 4 ? 'year' : p[5] === 'Q' ? 'quarter' : 'month';
}

/** German label: "2026", "3. Quartal 2026", "10/2026". */
export function periodLabel(p: Period): string {
  const kind = periodKind(p);
  if (kind === 'year') return p;
  if (kind === 'quarter') return `${p[6]}. Quartal ${p.slice(0, 4)}`;
  return `${p.slice(5, 7)}/${p.slice(0, 4)}`;
}

export const periodKindLabels = { year: 'Jahr', quarter: 'Quartal', month: 'Monat' } as const;

/** The old free range parameters: refused with a message that says what to use instead. */
const noFreeRange = z
  .never({
    error:
      'Freie Zeiträume (von/bis) gibt es nicht: wählen Sie ein Jahr, ein Quartal oder einen Monat, z. B. period=2026, period=2026-Q3 oder period=2026-10',
  })
  .optional();

export const StatsRows = z.enum(['department', 'category', 'level']);
export type StatsRows = z.infer<typeof StatsRows>;
export const StatsColumns = z.enum(['month', 'category']);
export type StatsColumns = z.infer<typeof StatsColumns>;

export const statsRowLabels: Record<StatsRows, string> = {
  department: 'Abteilung',
  category: 'Kategorie',
  level: 'Stufe',
};

export const StatsQuery = z
  .object({
    rows: StatsRows.default('department'),
    columns: StatsColumns.default('month'),
    /** The fixed period; default: the current calendar year. */
    period: Period.optional(),
    from: noFreeRange,
    to: noFreeRange,
  })
  .strict();
export type StatsQuery = z.infer<typeof StatsQuery>;

export const PeriodQuery = z.object({ period: Period.optional(), from: noFreeRange, to: noFreeRange }).strict();
export type PeriodQuery = z.infer<typeof PeriodQuery>;

/** A published value: a count, or null where it is withheld. */
const Published = z.number().int().min(0).nullable();

export const StatsTable = z.object({
  rowsDimension: StatsRows,
  columnsDimension: z.enum(['month', 'category', 'quarter']),
  /** The fixed period the table covers (for before/after: the first quarter shown). */
  period: Period,
  from: Month,
  to: Month,
  columns: z.array(z.object({ key: z.string(), label: z.string() })),
  /**
   * `total` and `grandTotal` are absent where a sum over the columns is no published value of
   * any period (the before/after table's quarters may span two years): such a sum would be a new
   * margin beside the suppressed ones.
   */
  rows: z.array(
    z.object({ key: z.string(), label: z.string(), cells: z.array(Published), total: Published.optional() }),
  ),
  columnTotals: z.array(Published),
  grandTotal: Published.optional(),
  /** How many values (cells and totals) are withheld. */
  suppressed: z.number().int().min(0),
});
export type StatsTable = z.infer<typeof StatsTable>;

/** The trend: cases per month for the whole organisation (monthly totals, suppressed under 3). */
export const StatsTrend = z.object({
  period: Period,
  from: Month,
  to: Month,
  points: z.array(z.object({ month: Month, count: Published })),
});
export type StatsTrend = z.infer<typeof StatsTrend>;

export const MeasureInput = z
  .object({
    /** Null: the whole organisation. */
    departmentId: Id.nullable(),
    name: Name,
    date: IsoDate,
  })
  .strict();
export type MeasureInput = z.infer<typeof MeasureInput>;

export const Measure = MeasureInput.extend({ id: Id, department: z.string().nullable() });
export type Measure = z.infer<typeof Measure>;

export const BeforeAfterQuery = z
  .object({
    quarters: z.coerce.number().int().min(1, 'mindestens 1 Quartal').max(4, 'höchstens 4 Quartale').default(2),
  })
  .strict();

/**
 * Cases per department in the N whole quarters before the measure's quarter and the N quarters
 * after it (the measure's own quarter mixes both and is left out). Each column is a quarter of
 * the suppressed year it belongs to, so the comparison shows nothing the quarters do not.
 */
export const BeforeAfter = z.object({
  measure: Measure,
  quarters: z.number().int(),
  before: z.array(Period),
  after: z.array(Period),
  table: StatsTable,
});
export type BeforeAfter = z.infer<typeof BeforeAfter>;

/** The central unit works with the statistics; data protection may read them for its control. */
const readers: readonly Role[] = ['security_management', 'data_protection'];
const central: readonly Role[] = ['security_management'];

export const statsRouteDefs = {
  statsTable: {
    method: 'GET',
    url: '/api/stats/table',
    summary:
      'Lagebild: Fälle eines Jahres, Quartals oder Monats nach Abteilung, Kategorie oder Stufe (kleine Werte unterdrückt)',
    tag: 'Statistik',
    auth: { kind: 'session', roles: readers },
    querystring: StatsQuery,
    status: 200,
    response: StatsTable,
  },
  statsTrend: {
    method: 'GET',
    url: '/api/stats/trend',
    summary: 'Lagebild: Fälle je Monat (Trend)',
    tag: 'Statistik',
    auth: { kind: 'session', roles: readers },
    querystring: PeriodQuery,
    status: 200,
    response: StatsTrend,
  },
  /** Answered as `text/csv` (semicolon separated, UTF-8 with BOM for Excel), not JSON. */
  statsCsv: {
    method: 'GET',
    url: '/api/stats/table.csv',
    summary: 'Lagebild als CSV (Excel, Semikolon)',
    tag: 'Statistik',
    auth: { kind: 'session', roles: readers },
    querystring: StatsQuery,
    status: 200,
    response: z.string(),
  },
  /** Answered as `application/pdf`: the bytes of the document. */
  statsPdf: {
    method: 'GET',
    url: '/api/stats/lagebild.pdf',
    summary: 'Lagebild als PDF für die Sicherheitskonferenz',
    tag: 'Statistik',
    auth: { kind: 'session', roles: readers },
    querystring: PeriodQuery,
    status: 200,
    response: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
  },
  listMeasures: {
    method: 'GET',
    url: '/api/stats/measures',
    summary: 'Schutzmaßnahmen mit Datum (Schulung, Einführung des Alarms)',
    tag: 'Statistik',
    auth: { kind: 'session', roles: readers },
    status: 200,
    response: z.array(Measure),
  },
  createMeasure: {
    method: 'POST',
    url: '/api/stats/measures',
    summary: 'Schutzmaßnahme anlegen',
    tag: 'Statistik',
    auth: { kind: 'session', roles: central },
    body: MeasureInput,
    status: 201,
    response: Measure,
  },
  updateMeasure: {
    method: 'PUT',
    url: '/api/stats/measures/:id',
    summary: 'Schutzmaßnahme ändern',
    tag: 'Statistik',
    auth: { kind: 'session', roles: central },
    params: IdParams,
    body: MeasureInput,
    status: 200,
    response: Measure,
  },
  deleteMeasure: {
    method: 'DELETE',
    url: '/api/stats/measures/:id',
    summary: 'Schutzmaßnahme löschen',
    tag: 'Statistik',
    auth: { kind: 'session', roles: central },
    params: IdParams,
    status: 204,
    response: null,
  },
  beforeAfter: {
    method: 'GET',
    url: '/api/stats/measures/:id/before-after',
    summary: 'Vorher/nachher: Fälle je Abteilung vor und nach einer Maßnahme',
    tag: 'Statistik',
    auth: { kind: 'session', roles: readers },
    params: IdParams,
    querystring: BeforeAfterQuery,
    status: 200,
    response: BeforeAfter,
  },
} as const satisfies Record<string, RouteDef>;

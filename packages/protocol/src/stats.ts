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
  'unterdrückt, damit sich die kleinen Werte nicht aus Zeilen- und Spaltensummen errechnen lassen.';

export const Month = monthOnly();
export type Month = z.infer<typeof Month>;

export const StatsRows = z.enum(['department', 'category', 'level']);
export type StatsRows = z.infer<typeof StatsRows>;
export const StatsColumns = z.enum(['month', 'category']);
export type StatsColumns = z.infer<typeof StatsColumns>;

export const statsRowLabels: Record<StatsRows, string> = {
  department: 'Abteilung',
  category: 'Kategorie',
  level: 'Stufe',
};

/** At most ten years in one table: enough for trends, small enough to render. */
export const maxStatsMonths = 120;

export const StatsQuery = z
  .object({
    rows: StatsRows.default('department'),
    columns: StatsColumns.default('month'),
    /** First month (inclusive); default: 11 months before `to`. */
    from: Month.optional(),
    /** Last month (inclusive); default: the current month. */
    to: Month.optional(),
  })
  .strict();
export type StatsQuery = z.infer<typeof StatsQuery>;

export const PeriodQuery = z.object({ from: Month.optional(), to: Month.optional() }).strict();
export type PeriodQuery = z.infer<typeof PeriodQuery>;

/** A published value: a count, or null where it is withheld. */
const Published = z.number().int().min(0).nullable();

export const StatsTable = z.object({
  rowsDimension: StatsRows,
  columnsDimension: z.enum(['month', 'category', 'period']),
  from: Month,
  to: Month,
  columns: z.array(z.object({ key: z.string(), label: z.string() })),
  rows: z.array(z.object({ key: z.string(), label: z.string(), cells: z.array(Published), total: Published })),
  columnTotals: z.array(Published),
  grandTotal: Published,
  /** How many values (cells and totals) are withheld. */
  suppressed: z.number().int().min(0),
});
export type StatsTable = z.infer<typeof StatsTable>;

/** The trend: cases per month for the whole organisation (monthly totals, suppressed under 3). */
export const StatsTrend = z.object({
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
  .object({ months: z.coerce.number().int().min(1, 'mindestens 1 Monat').max(36, 'höchstens 36 Monate').default(6) })
  .strict();

/**
 * Cases per department in the N full months before the measure's month and the N months after
 * it (the month of the measure itself mixes both and is left out).
 */
export const BeforeAfter = z.object({
  measure: Measure,
  months: z.number().int(),
  before: z.object({ from: Month, to: Month }),
  after: z.object({ from: Month, to: Month }),
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
    summary: 'Lagebild: Fälle nach Monat, Abteilung, Kategorie oder Stufe (kleine Werte unterdrückt)',
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

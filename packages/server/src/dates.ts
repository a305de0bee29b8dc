/** Calendar days in the organisations' time zone, for review, deletion and retention dates. */

const berlinDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in the organisation's time zone: review and deletion dates are days, not instants. */
export const dayOf = (d: Date): string => berlinDay.format(d);

/** Add months to an ISO day, clamping to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/**
 * The one date format of letters and of what is handed to a person: TT.MM.JJJJ. An ISO day is
 * taken as it is; an instant as its calendar day in Europe/Berlin.
 */
export function germanDate(v: string | Date): string {
  const day = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : dayOf(new Date(v));
  const [y, m, d] = day.split('-');
  return `${d}.${m}.${y}`;
}

const berlinClock = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });

/** The wall-clock time in Europe/Berlin, "HH:MM". */
export const berlinTime = (d: Date): string => berlinClock.format(d);

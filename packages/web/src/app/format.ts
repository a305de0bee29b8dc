/** Clock time in the UI language, with the date when not today. */
function formatAt(iso: string, lang: string, seconds: boolean): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(lang, {
    ...(today ? {} : { day: '2-digit', month: '2-digit', year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
  }).format(date);
}

/** Clock time of an ISO timestamp with seconds ("10:03:12"). */
export function formatTime(iso: string | null | undefined, lang: string): string {
  return iso ? formatAt(iso, lang, true) : '–';
}

export function fullName(p: { firstName: string; lastName: string }): string {
  return `${p.firstName} ${p.lastName}`.trim();
}

/** Seconds between two instants, for "raised 12 s ago". */
export function secondsBetween(fromIso: string, now: number): number {
  return Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
}

/** Hours and minutes ("10:03"), with the date when not today: for "Ihr Alarm von 10:03 Uhr". */
export function formatClock(iso: string, lang: string): string {
  return formatAt(iso, lang, false);
}

/** A calendar day ("2026-03-12") in the UI language ("12.03.2026"), never shifted by the time zone. */
export function formatDay(day: string | null | undefined, lang: string): string {
  if (!day) return '–';
  return new Intl.DateTimeFormat(lang, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

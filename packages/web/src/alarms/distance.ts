/** "850 m" below one kilometre (rounded to 10 m), "1,2 km" above, in the UI language. */
export function formatDistance(meters: number, lang: string): string {
  if (meters < 1000) return `${new Intl.NumberFormat(lang).format(Math.round(meters / 10) * 10)} m`;
  return `${new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(meters / 1000)} km`;
}

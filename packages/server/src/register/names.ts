import cologne from 'talisman/phonetics/german/cologne.js';
import { limited } from 'talisman/metrics/damerau-levenshtein.js';

/**
 * Names as the register compares them. A lookup must find "Müller, Jürgen" whether the
 * counter types "Mueller, Juergen", "MÜLLER  jürgen", "Muller, Jurgen" or "Mül-ler, Jür gen": the
 * same fold runs on stored and queried names, so only its being identical on both sides matters.
 * Umlauts and their two-letter spellings both become the base letter (ä/ae → a, ö/oe → o,
 * ü/ue → u, ß/ss → s), accents are dropped, and spaces, hyphens and punctuation vanish. The fold
 * is coarse on purpose ("Manuel" → "manul" on both sides): a missed hint endangers staff, a
 * namesake hint only costs the central unit a look at the birth date.
 */
export function normaliseName(s: string): string {
  return s
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[ıł]/g, (c) => (c === 'ı' ? 'i' : 'l'))
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ø/g, 'o')
    .replace(/đ/g, 'd')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .replace(/([aou])e/g, '$1')
    .replace(/ss/g, 's');
}

/** The key of one name, "last|first": the lookup compares these, never the spelling. */
export const nameKey = (lastName: string, firstName: string): string =>
  `${normaliseName(lastName)}|${normaliseName(firstName)}`;

/**
 * The key of an alias as written in the entry: "Last, First" when it has a comma, otherwise the
 * last word is taken as the last name ("Kalle Krawall"), a single word as a last name alone.
 */
export function aliasKey(alias: string): string {
  const comma = alias.indexOf(',');
  if (comma >= 0) return nameKey(alias.slice(0, comma), alias.slice(comma + 1));
  const words = alias.trim().split(/\s+/);
  const last = words.pop() ?? '';
  return nameKey(last, words.join(' '));
}

/** Every key an entry is found by (`register_entries_keys`, GIN): its name and each alias. */
export const entryKeys = (lastName: string, firstName: string, aliases: string[]): string[] => [
  ...new Set([nameKey(lastName, firstName), ...aliases.map(aliasKey)]),
];

/**
 * How close a queried name is to a name of the register, from the strongest to the weakest:
 * `exact` (the same after the fold above), `phonetic` (the same Kölner Phonetik code: Meier/Mayer,
 * Schmidt/Schmitt), `typo` (Damerau–Levenshtein distance within `typoTolerance`: Musterman,
 * Mustremann). A name this loose only ever makes a candidate "prüfen"; what tells namesakes apart
 * is the birth date or the address (service.ts).
 */
export type NameMatch = 'exact' | 'phonetic' | 'typo';
const strength: Record<NameMatch, number> = { exact: 3, phonetic: 2, typo: 1 };

/** Typos allowed by length: none for up to 3 letters, one up to 7, two beyond. */
export const typoTolerance = (length: number): number => (length <= 3 ? 0 : length <= 7 ? 1 : 2);

/** Compare two folded name parts (`normaliseName`). */
function partMatch(a: string, b: string): NameMatch | null {
  if (a === b) return 'exact';
  // No cache of codes across lookups: it would keep names of deleted entries in memory.
  const code = cologne(a);
  if (code !== '' && code === cologne(b)) return 'phonetic';
  const max = typoTolerance(Math.min(a.length, b.length));
  // Lengths further apart than the tolerance cannot be within it.
  return max > 0 && Math.abs(a.length - b.length) <= max && limited(max, a, b) <= max ? 'typo' : null;
}

/**
 * Match a queried key ("last|first", `nameKey`) against one key of an entry: the last names must
 * match, the first names too where both sides have one; the weaker of the two is the result.
 */
export function keyMatch(query: string, key: string): NameMatch | null {
  const [ql = '', qf = ''] = query.split('|');
  const [kl = '', kf = ''] = key.split('|');
  if (!ql || !kl) return null;
  const last = partMatch(ql, kl);
  if (!last) return null;
  if (!qf || !kf) return last;
  const first = partMatch(qf, kf);
  if (!first) return null;
  return strength[first] < strength[last] ? first : last;
}

/** The best match of a query among an entry's keys (its name and aliases), or null. */
export function bestMatch(query: string, keys: string[]): NameMatch | null {
  let best: NameMatch | null = null;
  for (const k of keys) {
    const m = keyMatch(query, k);
    if (m && (!best || strength[m] > strength[best])) best = m;
  }
  return best;
}

/** An address as compared: words folded like names, "Straße/Strasse/Str." as "str", one space between. */
export const normaliseAddress = (s: string): string =>
  s
    .replace(/stra(ß|ss)e\b|str\b\.?/gi, 'str')
    .split(/[\s,;/]+/)
    .map(normaliseName)
    .filter(Boolean)
    .join(' ');

/**
 * Do two addresses name the same place? The shorter, folded, must be at least 5 characters and
 * whole words of the longer ("Hafenstr. 9" in "Hafenstraße 9, 12345 Musterstadt", not in
 * "Hafenstraße 19").
 */
export function sameAddress(a: string, b: string): boolean {
  const x = normaliseAddress(a);
  const y = normaliseAddress(b);
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 5 && ` ${long} `.includes(` ${short} `);
}

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

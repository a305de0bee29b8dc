// talisman ships no types; these are the two functions the register uses.
declare module 'talisman/phonetics/german/cologne.js' {
  /** Kölner Phonetik (Postel 1969): the code of a German word. */
  export default function cologne(word: string): string;
}
declare module 'talisman/metrics/damerau-levenshtein.js' {
  /** Damerau–Levenshtein distance of two strings. */
  export default function damerauLevenshtein(a: string, b: string): number;
  /** The distance, or Infinity once it exceeds `max`. */
  export function limited(max: number, a: string, b: string): number;
}

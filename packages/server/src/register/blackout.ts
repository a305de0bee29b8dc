import { nameKey, normaliseName } from './names.js';

/**
 * What an Art. 14/15 answer must not reveal in free text (§ 12 DSG NRW): who of the staff was
 * involved and where they sit. The person learns what is held about them; the colleague at desk
 * E.01 is not named or located for them.
 */

export const blackedOut = '[geschwärzt]';

export interface BlackoutSubject {
  lastName: string;
  firstName: string;
  aliases?: readonly string[];
}

export interface BlackoutSources {
  /** Everybody in the organisation. */
  staff: ReadonlyArray<{ firstName: string; lastName: string; login: string | null; phone: string }>;
  /** The organisation's rooms as named in the administration, e.g. "E.01 Bürgerbüro Schalter 1". */
  rooms: readonly string[];
  /** The person the answer is for: their own name and aliases stay, even where a colleague shares a part. */
  subject: BlackoutSubject;
}

/** `names`: names, logins, known phone numbers and rooms. `text` adds desk/room phrases and phone numbers of any kind. */
export interface Blackout {
  names: (s: string) => string;
  text: (s: string) => string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

/** Spellings a name is written in by hand: as stored, without diacritics, and with German ae/oe/ue/ss. */
function spellings(name: string): string[] {
  const plain = name
    .replace(/ß/g, 'ss')
    .replace(/[ıİ]/g, (c) => (c === 'ı' ? 'i' : 'I'))
    .replace(/[łŁ]/g, (c) => (c === 'ł' ? 'l' : 'L'))
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[øØ]/g, (c) => (c === 'ø' ? 'o' : 'O'))
    .replace(/[æÆ]/g, (c) => (c === 'æ' ? 'ae' : 'Ae'));
  const german = plain.replace(/[äöüÄÖÜ]/g, (c) => ({ ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' })[c]!);
  const bare = plain.normalize('NFKD').replace(/\p{M}/gu, '');
  return [...new Set([name, german, bare])];
}

/** A phone number in any usual spelling: separators anywhere, +49 / 0049 / 0 for the country code. */
function phonePattern(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return null;
  const national = phone.trim().startsWith('+49') || digits.startsWith('0049') ? digits.replace(/^(00)?49/, '') : null;
  const sep = '[\\s/().-]*';
  const spaced = (d: string) => [...d].join(sep);
  if (national === null) return spaced(digits);
  return `(?:(?:\\+|00)49${sep}(?:\\(0\\))?${sep}|0)${spaced(national.replace(/^0/, ''))}`;
}

/** A word is "whole" when no letter or digit touches it (a trailing ". 2" of a date does not count). */
const whole = (alternatives: string) => `(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}]|[.,]\\p{N})`;

/** One regular expression of alternatives (regex sources), the longest tried first. */
function compile(patterns: Iterable<string>): RegExp | null {
  const list = [...new Set(patterns)].filter((p) => p.trim() !== '');
  if (list.length === 0) return null;
  return new RegExp(whole(list.sort((a, b) => b.length - a.length).join('|')), 'giu');
}

/** Desk, room and line words followed by a number or code: "Schalter E.01", "Raum 1.12", "Durchwahl 122". */
const placeWords =
  'Schalter|Tresen|Theke|Arbeitsplatz|Platz|Zimmer|Raum|Büro|Sprechzimmer|Besprechungsraum|Kasse|Etage|Geschoss|Apparat|Durchwahl|Nebenstelle|Telefon|Tel\\.|Tel|Fax|Mobil|Handy';
const placeCode = '(?:Nr\\.?\\s*)?:?\\s*(?:[A-ZÄÖÜ]{1,3}[.-]?)?\\d[\\p{L}\\p{N}./-]*';
/** A phone number: + or 0, then at least six more digits in groups. */
const anyPhone = '(?:\\+\\d{1,3}|0)(?:[\\s/()-]*\\d){6,}';
const generic = new RegExp(whole(`(?:${placeWords})\\s*(?:${anyPhone}|${placeCode})|${anyPhone}`), 'giu');

/** Lower-case words of a text, split where neither a letter nor a digit is (also in NFKC form). */
function wordsOf(s: string): Set<string> {
  const out = new Set<string>();
  for (const form of [s, s.normalize('NFKC')])
    for (const w of form.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w) out.add(w);
  return out;
}

/** Windows of six digits in a text's digits (every other character dropped): a phone's trigger. */
function digitWindows(s: string): Set<string> {
  const digits = s.replace(/\D/g, '');
  const out = new Set<string>();
  for (let i = 0; i + 6 <= digits.length; i++) out.add(digits.slice(i, i + 6));
  return out;
}

/**
 * What a part of the blackout looks for, and the words or digits a text must hold
 * for any of them to match: every alternative contains one of its `words` as a whole word, or
 * its phone's last six digits in the text's digits. So a text is checked only against the staff
 * it can name: with 20,000 staff one expression of all their names took a second to build and
 * ten to run over a page of text, on the thread that sends alarms.
 */
interface Part {
  /** Literal text (escaped when an expression is built: most parts never are). */
  literals: string[];
  /** A regex source (a phone number in any spelling). */
  pattern: string | null;
  words: string[];
  digits: string | null;
}

/**
 * The blackout for one answer. Names: "First Last", "Last, First", and first or last name alone
 * (three letters or more), each also without diacritics and with ae/oe/ue — but never a part of the
 * subject's own name or aliases. Logins: in full, and their local part where it is a handle
 * ("anna.schmidt"). Rooms: the full name and every code in it ("E.01"). Case-insensitive.
 * `prefilter: false` looks for everyone in every text (the slow way, the tests' reference).
 */
export function blackoutFor(src: BlackoutSources, opts: { prefilter: boolean } = { prefilter: true }): Blackout {
  const own = nameKey(src.subject.lastName, src.subject.firstName);
  const ownWords = new Set(
    [src.subject.lastName, src.subject.firstName, ...(src.subject.aliases ?? [])]
      .flatMap((n) => n.split(/[\s,]+/))
      .map(normaliseName)
      .filter((w) => w !== ''),
  );
  const parts: Part[] = [];
  const wordsIn = (names: string[]) => [...new Set(names.flatMap((n) => [...wordsOf(n)]))];
  for (const p of src.staff) {
    const first = p.firstName.trim();
    const last = p.lastName.trim();
    if (last && nameKey(last, first) !== own) {
      const words: string[] = [];
      for (const l of spellings(last)) {
        for (const f of first ? spellings(first) : []) words.push(`${f} ${l}`, `${l}, ${f}`);
      }
      for (const single of [first, last])
        if ([...single].length >= 3 && !ownWords.has(normaliseName(single))) words.push(...spellings(single));
      parts.push({
        literals: words,
        pattern: null,
        words: wordsIn([...spellings(last), ...(first ? spellings(first) : [])]),
        digits: null,
      });
    }
    if (p.login) {
      const logins = [p.login];
      const local = p.login.split('@')[0]!;
      if (/[._\d-]/.test(local)) logins.push(local);
      parts.push({ literals: logins, pattern: null, words: wordsIn([local]), digits: null });
    }
    const phone = phonePattern(p.phone);
    if (phone) parts.push({ literals: [], pattern: phone, words: [], digits: p.phone.replace(/\D/g, '').slice(-6) });
  }
  // The organisation's rooms are few: always looked for.
  const always: string[] = [];
  for (const room of src.rooms) {
    always.push(escape(room.trim()));
    for (const token of room.split(/\s+/)) if (/\d/.test(token) && token.length >= 2) always.push(escape(token));
  }
  const byWord = new Map<string, number[]>();
  const byDigits = new Map<string, number[]>();
  const index = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  parts.forEach((part, i) => {
    for (const w of part.words) index(byWord, w, i);
    if (part.digits) index(byDigits, part.digits, i);
  });
  const compiled = new Map<string, RegExp | null>();
  const names = (s: string) => {
    const hit = new Set<number>();
    if (!opts.prefilter) parts.forEach((_, i) => hit.add(i));
    for (const w of wordsOf(s)) for (const i of byWord.get(w) ?? []) hit.add(i);
    if (byDigits.size > 0) for (const d of digitWindows(s)) for (const i of byDigits.get(d) ?? []) hit.add(i);
    const key = [...hit].sort((a, b) => a - b).join(',');
    let named = compiled.get(key);
    if (named === undefined) {
      named = compile([
        ...[...hit].flatMap((i) => [
          ...parts[i]!.literals.map(escape),
          ...(parts[i]!.pattern ? [parts[i]!.pattern!] : []),
        ]),
        ...always,
      ]);
      compiled.set(key, named);
    }
    return named ? s.replace(named, blackedOut) : s;
  };
  return { names, text: (s: string) => names(s.replace(generic, blackedOut)) };
}

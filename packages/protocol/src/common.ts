import { z } from 'zod';

// --- what every input is checked against ---------------------------------------------------
// One definition of each kind of input, used by every schema of the API, so that a new field
// cannot take what the database or the domain cannot hold. (`routeInputs.test` in the server
// walks every route's schemas and fails when a string, date or number escapes these.)

/**
 * Text the database and every client can hold: no U+0000 (PostgreSQL text refuses it) and
 * well-formed UTF-16, no lone surrogate (not Unicode at all: jsonb refuses its `\ud800` escape,
 * and UTF-8 would silently turn it into U+FFFD). A loop, not a regex with lookbehind: the web app
 * imports this too, in browsers that may not know lookbehind.
 */
export function isSafeText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}
export const unsafeTextMessage = 'enthält unzulässige Zeichen (Nullzeichen oder unvollständige Unicode-Zeichen)';

/** A string taken as sent (passwords, secrets): only made safe, not trimmed. Give it a max. */
export const safeString = () => z.string().refine(isSafeText, unsafeTextMessage);

/** Text a person types: trimmed, at most `max` characters, safe. Chain `.min(1, …)` where it is required. */
export const text = (max: number) =>
  z.string().trim().max(max, `höchstens ${max} Zeichen`).refine(isSafeText, unsafeTextMessage);

/**
 * The years a date may name: birth dates, incidents, deadlines, device clocks (a phone that lost
 * its clock says 1970). Year 0000 does not exist in PostgreSQL, and statistics reach back ten
 * years from the month asked: nothing before 1900 or after 2999 is a date of this domain.
 */
export const minYear = 1900;
export const maxYear = 2999;
const yearsMessage = `Jahr ${minYear} bis ${maxYear}`;
/** Judged only where the text starts with a year; anything else is the format check's to name. */
const inYears = (s: string): boolean => {
  if (!/^\d{4}-/.test(s)) return true;
  const year = Number(s.slice(0, 4));
  return year >= minYear && year <= maxYear;
};

/** A real calendar date (2026-02-30 is none; leap years count), `JJJJ-MM-TT`, in the domain's years. */
export const dateOnly = (message = 'Datum im Format JJJJ-MM-TT') => z.iso.date(message).refine(inYears, yearsMessage);
export const IsoDate = dateOnly();

/** A calendar month, `JJJJ-MM`, in the domain's years. */
export const monthOnly = (message = 'Monat im Format JJJJ-MM') =>
  z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, message)
    .refine(inYears, yearsMessage);

/** A point in time with its offset (ISO 8601), a real date in the domain's years. */
export const timestamp = (message?: string) =>
  z.iso.datetime({ offset: true, ...(message ? { message } : {}) }).refine(inYears, yearsMessage);
export const Timestamp = timestamp();

/** The largest value of PostgreSQL's bigint. */
export const maxBigint = 9223372036854775807n;
/**
 * A database bigint sent as a decimal string (event ids, access-log sequence numbers, cursors of
 * numbered lists): 0 … 2^63−1. Larger numbers are refused here, never handed to the database.
 */
export const serialId = (message: string) =>
  z
    .string()
    .regex(/^\d{1,19}$/, message)
    .refine((s) => /^\d{1,19}$/.test(s) && BigInt(s) <= maxBigint, message);

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

/** Realtime event ids: a monotonic bigint per installation, sent as a decimal string. */
export const EventId = serialId('Ereignis-ID muss eine Zahl sein');
export type EventId = z.infer<typeof EventId>;

/** Short human text: names, labels. Trimmed, never empty. */
export const Name = text(200).min(1, 'darf nicht leer sein');
export const Phone = z
  .string()
  .trim()
  .max(40, 'höchstens 40 Zeichen')
  .regex(/^[+0-9 ()/-]*$/, 'nur Ziffern, Leerzeichen und + ( ) / -');

export const roles = [
  'employee',
  'helper',
  'security_desk',
  'control_centre',
  'admin',
  // ZeMAG (reports and register)
  'supervisor',
  'hr',
  'security_management',
  'lookup',
  'data_protection',
] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;
/** Every role: routes any logged-in person may call. */
export const everyRole: readonly Role[] = roles;

/** German labels of the roles, as the UI shows them. */
export const roleLabels: Record<Role, string> = {
  employee: 'Beschäftigte/r',
  helper: 'Helfer/in',
  security_desk: 'Sicherheitsdienst / Pforte',
  control_centre: 'Leitstelle',
  admin: 'Administration',
  supervisor: 'Vorgesetzte/r',
  hr: 'Personalmanagement',
  security_management: 'Sicherheitsmanagement (zentrale Stelle)',
  lookup: 'Abfragende Stelle',
  data_protection: 'Datenschutz',
};

export const IdParams = z.object({ id: Id }).strict();
export type IdParams = z.infer<typeof IdParams>;

/**
 * Opaque position in a list that pages (`?cursor=`); the answer's `nextCursor` fetches the next
 * page, null when there is none. Clients never build or read one.
 */
export const Cursor = z
  .string()
  .max(300, 'ungültige Listenposition')
  .regex(/^[A-Za-z0-9_-]{1,300}$/, 'ungültige Listenposition');
export type Cursor = z.infer<typeof Cursor>;

import { createHash, randomBytes, randomInt } from 'node:crypto';

export const newToken = (): string => randomBytes(32).toString('base64url');
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

// No 0/O, 1/I/L: the code is read off a screen and typed on another machine.
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newEnrolmentCode(): string {
  const pick = () => Array.from({ length: 4 }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join('');
  return `${pick()}-${pick()}-${pick()}`;
}
/** The short code naming a phone in its alarm SMS: typed by nobody, but read aloud on the phone to support. */
export const newSmsCode = (): string =>
  Array.from({ length: 6 }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join('');

/** Codes are compared case- and dash-insensitively. */
export const normaliseCode = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

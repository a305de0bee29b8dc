import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Cursors of the lists that page: the position of the last item of a page, as base64url JSON.
 * Opaque to clients; a cursor that does not decode is a validation error, never a 500.
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, schema: T): z.output<T> | null {
  if (cursor === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AppError('validation_failed', 'Ungültige Listenposition', [
      { path: 'querystring.cursor', message: 'unbekannte Listenposition' },
    ]);
  return parsed.data;
}

/**
 * One page: ask for one more than the page holds; if it came, there is a next page, whose
 * cursor is the position of the last item shown.
 */
export function pageOf<R>(
  rows: R[],
  limit: number,
  position: (last: R) => unknown,
): { items: R[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(position(items[items.length - 1]!)) };
}

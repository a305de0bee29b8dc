import type { FastifyInstance } from 'fastify';
import { isSafeText, unsafeTextMessage } from '@wachsam/protocol';
import { AppError } from './errors.js';

/** Parsed JSON and query objects; a raw upload (a Buffer) is bytes, not text, and is not looked into. */
const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null && !ArrayBuffer.isView(v);

/**
 * The first string (value or key) in a parsed request part that the database could not hold:
 * U+0000, or a lone surrogate from a `\ud800` escape (JSON.parse keeps those as they are).
 * Walked with a stack, not recursion: 64 KB of `[[[[…` must not overflow the call stack.
 */
export function firstUnsafeText(root: unknown, where: string): string | null {
  const stack: Array<[unknown, string]> = [[root, where]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isSafeText(value)) return path;
      continue;
    }
    if (!isContainer(value)) continue;
    for (const [key, child] of Object.entries(value)) {
      if (!isSafeText(key)) return path;
      stack.push([child, `${path}.${key}`]);
    }
  }
  return null;
}

/**
 * Is the query string of `url` valid percent-encoding of UTF-8? The query parser keeps what it
 * cannot decode as it was sent (`%E0%A4%A`, or `%ED%A0%80`, a lone surrogate's bytes); such a
 * query is refused instead of being read as some other text.
 */
export function queryDecodes(url: string): boolean {
  const at = url.indexOf('?');
  if (at < 0) return true;
  try {
    for (const part of url.slice(at + 1).split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * The safety net under the schemas: every body, query and path of every request (the realtime
 * handshake included) is refused with 400 `validation_failed` when any string in it carries
 * U+0000 or a lone surrogate, before a route's own validation runs. The protocol's `text()`
 * refuses the same in every field; this catches a field or a route that forgot it. Installed
 * before any route, so it applies to all of them.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (!queryDecodes(req.url))
      throw new AppError('bad_request', 'Die Adresse ist nicht gültig kodiert', [
        { path: 'querystring', message: 'ungültige Prozent-Kodierung' },
      ]);
    for (const [part, value] of [
      ['params', req.params],
      ['querystring', req.query],
      ['body', req.body],
    ] as const) {
      const path = firstUnsafeText(value, part);
      if (path)
        throw new AppError('validation_failed', 'Die Eingaben sind ungültig', [{ path, message: unsafeTextMessage }]);
    }
  });
}

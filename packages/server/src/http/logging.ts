import type { FastifyRequest } from 'fastify';
import { deskPhonePath } from '@wachsam/protocol';

/**
 * What the application log may say about a request and an error. The log is read by whoever
 * runs the server (and shipped to wherever they ship logs); it is no place for the register's
 * or a report's personal data. So:
 *
 * - a request is logged by its path only: query strings (`?name=Mustermann` on a register
 *   search, a file name on an upload) never reach the log, on any route, and bodies are not
 *   logged at all;
 * - an error is logged by its type, message, stack and database codes, never with the SQL
 *   parameters, the query text or the database's `detail` ("Key (login)=(…)", "Failing row
 *   contains (…)"), at any depth of its `cause` chain.
 */

/** The address without its query string. Paths carry ids only, never names. */
export const pathOnly = (url: string | undefined): string => (url ?? '').split('?')[0]!;

/**
 * A desk phone's secret is in its path (phones call a fixed URL): the log never has it, whatever
 * spelling of the path the router took for that route (`%2D` for `-` included).
 */
const withoutSecrets = (req: FastifyRequest, path: string): string =>
  path.startsWith(`${deskPhonePath}/`) || req.routeOptions?.url === `${deskPhonePath}/:secret`
    ? `${deskPhonePath}/(Geheimnis)`
    : path;

export function requestForLog(req: FastifyRequest) {
  return {
    method: req.method,
    url: withoutSecrets(req, pathOnly(req.url)),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * Fields of database errors (pg's DatabaseError, PGlite's, Drizzle's DrizzleQueryError) that
 * say nothing personal: the SQLSTATE and where in the schema it happened.
 */
const keptFields = ['code', 'severity', 'schema', 'table', 'column', 'constraint', 'dataType', 'routine'] as const;

interface LoggedError {
  type: string;
  message: string;
  stack: string;
  cause?: LoggedError;
  [field: string]: unknown;
}

/** Drizzle puts the query and its parameters into the message ("Failed query: …\nparams: …"). */
const carriesQuery = (err: Record<string, unknown>): boolean => 'params' in err || 'query' in err;

/**
 * A data exception (SQLSTATE class 22) quotes the value it could not take
 * (`invalid input syntax for type uuid: "Mustermann"`): the quoted part is left out.
 */
const dataException = (code: unknown): boolean => typeof code === 'string' && code.startsWith('22');

function messageOf(err: Record<string, unknown>, message: string): string {
  if (carriesQuery(err)) return 'Failed query (query text and parameters are not logged)';
  if (dataException(err.code)) return message.replace(/"[^"]*"/g, '"…"');
  return message;
}

/** The stack's frames under the safe message: the first lines of a stack repeat the message. */
function stackOf(type: string, message: string, stack: unknown): string {
  const frames = typeof stack === 'string' ? stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return [`${type}: ${message}`, ...frames].join('\n');
}

/** A cause that is no Error (a string, an object) may be anything: only its kind is logged. */
export function errorForLog(value: Error, depth = 0): LoggedError {
  const err = value as Error & Record<string, unknown>;
  const type = err.constructor?.name ?? 'Error';
  const message = messageOf(err, typeof err.message === 'string' ? err.message : '');
  const out: LoggedError = { type, message, stack: stackOf(type, message, err.stack) };
  for (const field of keptFields) if (err[field] !== undefined) out[field] = err[field];
  if (typeof err.statusCode === 'number') out.statusCode = err.statusCode;
  if (err.cause instanceof Error && depth < 5) out.cause = errorForLog(err.cause, depth + 1);
  else if (err.cause !== undefined) out.cause = { type: typeof err.cause, message: '(not logged)', stack: '' };
  return out;
}

/** The logger's serializers: every `req` and every `err` (and `error`) goes through them. */
export const logSerializers = {
  req: requestForLog,
  err: errorForLog,
  error: errorForLog,
};

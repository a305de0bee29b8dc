import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ApiError, ErrorCode } from '@wachsam/protocol';
import { isDatabaseUnavailable, uniqueViolation } from '../db/errors.js';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  body_too_large: 413,
  uri_too_long: 414,
  headers_too_large: 431,
  request_timeout: 408,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  token_revoked: 401,
  forbidden: 403,
  origin_mismatch: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  enrolment_code_invalid: 400,
  push_endpoint_refused: 400,
  rate_limited: 429,
  invalid_transition: 409,
  legal_basis_missing: 422,
  privacy_contacts_missing: 422,
  service_unavailable: 503,
  register_log_unavailable: 503,
  internal_error: 500,
};

/** A failure the client caused or may see: stable code, German message, right status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const unknownRoute = (method: string, url: string): ApiError =>
  body('not_found', `Unbekannte Adresse: ${method} ${url.split('?')[0]!.slice(0, 200)}`);

export const notFound = (what: string) => new AppError('not_found', `${what} nicht gefunden`);

const body = (code: ErrorCode, message: string, issues?: ApiError['error']['issues']): ApiError => ({
  error: issues ? { code, message, issues } : { code, message },
});

const fastifyCodes: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'unsupported_media_type',
    'Dieser Inhaltstyp wird nicht unterstützt; bitte JSON senden',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'Die Anfrage ist zu groß'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed_json', 'Der Inhalt ist kein gültiges JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed_json', 'Der Inhalt ist leer'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'Ungültige Inhaltslänge'],
  // Answered by the router before any route or hook runs (see `frameworkErrors`).
  FST_ERR_BAD_URL: ['bad_request', 'Die Adresse ist nicht gültig kodiert'],
  FST_ERR_MAX_PARAM_LENGTH: ['uri_too_long', 'Ein Wert in der Adresse ist länger als jede gültige Kennung'],
};

/**
 * One error handler for the whole API: every failure leaves as `{error:{code,message}}`.
 * A 5xx is logged with its stack and answered with a generic message: no internals to clients.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) return reply.status(err.status).send(body(err.code, err.message, err.issues));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const issues = err.validation.map((v) => ({
        path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'ungültig',
      }));
      return reply.status(400).send(body('validation_failed', 'Die Eingaben sind ungültig', issues));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
      return reply.status(500).send(body('internal_error', 'Interner Fehler'));
    }
    const mapped = err.code ? fastifyCodes[err.code] : undefined;
    if (mapped) return reply.status(statusOf[mapped[0]]).send(body(mapped[0], mapped[1]));
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return reply.status(400).send(body('malformed_json', 'Der Inhalt ist kein gültiges JSON'));
    }
    if (err.statusCode === 429)
      return reply.status(429).send(body('rate_limited', 'Zu viele Versuche; bitte kurz warten'));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(body('bad_request', 'Ungültige Anfrage'));
    }
    const taken = uniqueViolation(err);
    if (taken)
      return reply
        .status(409)
        .send(body('conflict', taken.message, taken.path ? [{ path: taken.path, message: 'vergeben' }] : undefined));
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ err }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', '1')
        .send(body('service_unavailable', 'Die Datenbank ist kurz nicht erreichbar; bitte gleich erneut senden'));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body('internal_error', 'Interner Fehler'));
  });
}

/**
 * Errors Fastify's router meets before a route is chosen (an address that is not valid
 * percent-encoding, a path value longer than any id): the same `{error:{code,message}}` as
 * everything else, never Fastify's own body. Passed as the `frameworkErrors` option.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const [code, message] = fastifyCodes[err.code] ?? ['bad_request', 'Ungültige Anfrage'];
  void reply.status(statusOf[code]).send(body(code, message));
}

const clientErrors: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['headers_too_large', 'Adresse und Kopfzeilen der Anfrage sind zu lang'],
  ERR_HTTP_REQUEST_TIMEOUT: ['request_timeout', 'Die Anfrage kam nicht rechtzeitig an; bitte erneut senden'],
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (an address of 20 000 characters,
 * a broken request line): answered on the socket with the API's error body, then closed.
 * Passed as the `clientErrorHandler` option.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = clientErrors[err.code ?? ''] ?? ['bad_request', 'Ungültige Anfrage'];
  const status = statusOf[code];
  const json = JSON.stringify(body(code, message));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  socket.destroy(err);
}

import { z } from 'zod';

/**
 * Every error the API returns has a stable `code` a client can switch on and a German
 * `message` a person can read. No stack traces ever leave the server.
 */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'malformed_json',
  'body_too_large',
  /** A value in the address is longer than any id (414). */
  'uri_too_long',
  /** The address and headers together are larger than the server reads (431). */
  'headers_too_large',
  /** The request did not arrive in time (408); sending it again is safe. */
  'request_timeout',
  'unsupported_media_type',
  'unauthenticated',
  'invalid_credentials',
  'invalid_token',
  'token_revoked',
  'forbidden',
  /**
   * A state-changing request (or the realtime handshake) from a page of another site: its
   * `Origin` is not this installation's (PUBLIC_URL, else the address it was sent to), 403.
   */
  'origin_mismatch',
  'not_found',
  'conflict',
  'idempotency_conflict',
  'enrolment_code_invalid',
  /**
   * A Web Push subscription whose endpoint is not an https address of a public host (a local,
   * private or reserved address, or a name that resolves to one), 400. `issues` says why.
   */
  'push_endpoint_refused',
  'rate_limited',
  'invalid_transition',
  /** A register entry without a Hausverbot, Strafanzeige or Strafantrag on record (§ 3 (2) BSchG NRW). */
  'legal_basis_missing',
  /**
   * An Art. 14 or Art. 15 letter without the controller's or the data-protection officer's contact
   * details (Art. 14 (1) a, b GDPR): refused rather than sent incomplete. `issues` names each gap.
   */
  'privacy_contacts_missing',
  /**
   * A dependency (the database) is briefly unavailable: nothing was committed. Retry the same
   * request with the same idempotency key; the answer carries `Retry-After`.
   */
  'service_unavailable',
  /**
   * The register's access-log key cannot be read: no register access can be logged, so none is
   * made (503, until the operator restores the key file; retrying does not help before that).
   */
  'register_log_unavailable',
  'internal_error',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    /** Field-level problems for validation errors: path and message. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/**
 * The one retry rule of every client (agent, console, phone): is this answer a final "no"?
 * Only a 4xx other than 408/409/429 is, and only when the Wachsam server said so in its own words
 * (an `{error: {code}}` body, `fromServer`): a bare 404 or 403 from a reverse proxy or captive
 * portal in between says nothing about the alarm, so it is retried. Never a 409 either: retries
 * carry the identical body under the same key, so a conflict means an earlier attempt with this
 * key is still being committed. Retrying is safe; giving up is not.
 */
export function isFinalRejection(answer: { status: number | null; fromServer: boolean }): boolean {
  const { status } = answer;
  if (status === null || status < 400 || status >= 500) return false;
  if (status === 408 || status === 409 || status === 429) return false;
  return answer.fromServer;
}

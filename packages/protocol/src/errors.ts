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
  'unsupported_media_type',
  'unauthenticated',
  'invalid_credentials',
  'invalid_token',
  'token_revoked',
  'forbidden',
  'not_found',
  'conflict',
  'idempotency_conflict',
  'enrolment_code_invalid',
  'rate_limited',
  'invalid_transition',
  /** A register entry without a Hausverbot, Strafanzeige or Strafantrag on record (§ 3 (2) BSchG NRW). */
  'legal_basis_missing',
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

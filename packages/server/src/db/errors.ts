/**
 * Is this error the database being unreachable for a moment (connection refused, reset or
 * terminated, PostgreSQL shutting down or starting, a client-side timeout)? Then nothing was
 * committed and the same request may succeed in a moment: the API answers 503
 * `service_unavailable` with Retry-After, which every sender's outbox retries with the same key.
 */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown (pg_terminate_backend, restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '57014', // query_canceled (statement_timeout)
  '55P03', // lock_not_available (lock_timeout)
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const connectionMessages =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end|terminating connection/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const code = 'code' in e ? (e as { code: unknown }).code : undefined;
    if (typeof code === 'string' && connectionCodes.has(code)) return true;
    const message = 'message' in e ? (e as { message: unknown }).message : undefined;
    if (typeof message === 'string' && connectionMessages.test(message)) return true;
    e = 'cause' in e ? (e as { cause: unknown }).cause : undefined;
  }
  return false;
}

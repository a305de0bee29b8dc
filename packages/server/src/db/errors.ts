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
  for (const e of causes(err)) {
    const code = 'code' in e ? e.code : undefined;
    if (typeof code === 'string' && connectionCodes.has(code)) return true;
    const message = 'message' in e ? e.message : undefined;
    if (typeof message === 'string' && connectionMessages.test(message)) return true;
  }
  return false;
}

/** The causes of an error, outermost first (drizzle wraps the driver's error in `cause`). */
function* causes(err: unknown): Generator<object> {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    yield e;
    e = 'cause' in e ? (e as { cause: unknown }).cause : undefined;
  }
}

/**
 * What a person is told when a unique index refuses a row, by index name. The services check
 * the usual cases first with a friendlier answer; this is the net under them for the rest (and
 * for two requests racing past the same check).
 */
const uniqueIndexes: Record<string, { message: string; path?: string }> = {
  devices_external: {
    message: 'Diese Geräte-Kennung ist in der Organisation schon vergeben',
    path: 'body.externalId',
  },
  people_login: { message: 'Dieser Anmeldename ist schon vergeben', path: 'body.login' },
};

/**
 * A unique violation (SQLSTATE 23505, the same from PostgreSQL and PGlite): the request names
 * something that exists already. The API answers 409 `conflict` with what was taken, in one
 * place for every route; null for any other error.
 */
export function uniqueViolation(err: unknown): { message: string; path?: string } | null {
  for (const e of causes(err)) {
    if (!('code' in e) || e.code !== '23505') continue;
    const index = 'constraint' in e && typeof e.constraint === 'string' ? e.constraint : '';
    return uniqueIndexes[index] ?? { message: 'Diese Angabe ist schon vergeben' };
  }
  return null;
}

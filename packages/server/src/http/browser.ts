import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from './errors.js';

/**
 * What a browser needs to be told so that another site cannot act with a person's session, and
 * so that nothing the API answered stays in a cache. One place for all routes (the realtime
 * upgrade included), installed before any route.
 */

const readOnly = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The origin the console is served from: PUBLIC_URL's when it is configured (behind a reverse
 * proxy the Host header may be the proxy's idea), else the scheme and Host of the request
 * itself (with TRUST_PROXY, the scheme the proxy says it received).
 */
export function expectedOrigin(req: FastifyRequest, config: Config): string {
  if (config.publicUrl) return new URL(config.publicUrl).origin;
  return `${req.protocol}://${req.host}`.toLowerCase();
}

/**
 * Is the browser on https? When the request came in over https (with TRUST_PROXY, when the
 * proxy says so), or when it is addressed to an https PUBLIC_URL's host: a TLS proxy that does
 * not forward the scheme still serves that name over https only. A request to the server's own
 * address over plain http (`http://10.0.0.5:3000`) is not.
 */
export function isSecure(req: FastifyRequest, config: Config): boolean {
  if (req.protocol === 'https') return true;
  if (!config.publicUrl?.startsWith('https:')) return false;
  return new URL(config.publicUrl).host === req.host.toLowerCase();
}

const originMismatch = () =>
  new AppError(
    'origin_mismatch',
    'Diese Anfrage kam von einer fremden Seite und wurde abgelehnt; bitte Wachsam direkt aufrufen',
  );

/**
 * A request from another site: its `Origin` is not ours, or it has no `Origin` and the browser
 * says it is cross-site (`Sec-Fetch-Site`). A request with neither header comes from no browser
 * (the agent, curl, a desk phone, the SMS gateway): it carries no ambient credential of a
 * person and is not a cross-site forgery.
 */
function fromAnotherSite(req: FastifyRequest, config: Config): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin.toLowerCase() !== expectedOrigin(req, config);
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

const changesState = (req: FastifyRequest): boolean =>
  !readOnly.has(req.method) || req.headers.upgrade?.toLowerCase() === 'websocket';

/** Is the body's declared type JSON (parameters such as a charset aside)? */
export const isJson = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';

/**
 * A state-changing request that a person's session cookie authenticates must say it sends JSON
 * (or the route's own upload type): a page of another site can send a form, `text/plain` or an
 * empty POST without asking, but never `application/json` without a CORS preflight, which this
 * server never grants. A bearer token is no ambient credential and is not checked here.
 */
export function requireOwnContentType(req: FastifyRequest, accepts: RegExp | undefined): void {
  if (readOnly.has(req.method)) return;
  const type = req.headers['content-type'];
  if (isJson(type) || (accepts && type !== undefined && accepts.test(type))) return;
  throw new AppError(
    'unsupported_media_type',
    'Angemeldete Anfragen, die etwas ändern, müssen JSON senden (Content-Type: application/json)',
  );
}

export function installBrowserGuards(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') || !changesState(req)) return;
    if (fromAnotherSite(req, config)) throw originMismatch();
  });

  app.addHook('onSend', async (req, reply) => {
    // No API answer (a register entry, a report, a person's roles) stays in a browser's or a
    // proxy's cache; the static assets carry their hash in the name and stay cacheable.
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    // Upgrading to https and HSTS only where the browser is on https: on a plain-http
    // intranet name they would send the scripts to an https that does not exist, and a
    // browser ignores HSTS over http anyway (RFC 6797 § 8.1). Behind a TLS proxy, TRUST_PROXY
    // lets X-Forwarded-Proto say so.
    if (isSecure(req, config)) {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string' && !csp.includes('upgrade-insecure-requests'))
        reply.header('content-security-policy', `${csp};upgrade-insecure-requests`);
    }
  });
}

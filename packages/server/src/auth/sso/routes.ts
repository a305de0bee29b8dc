import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routes, sessionCookie, ssoCallbackPath, ssoErrorParam, type SsoErrorCode } from '@wachsam/protocol';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import type { RoleRequests } from '../../org/role-requests.js';
import { expectedOrigin, isSecure } from '../../http/browser.js';
import { authenticate, register } from '../../http/register.js';
import type { AuthService } from '../service.js';
import { AttemptCounter, tooManyAttempts } from '../throttle.js';
import { sha256 } from '../tokens.js';
import { SsoAdmin } from './admin.js';
import { OidcClients, readTrustedCa } from './oidc.js';
import { SsoService } from './service.js';

/** The state of a started login, for the callback only; SameSite=Lax: the provider's redirect back is cross-site. */
const stateCookie = 'wachsam_sso_state';
/**
 * Marks a session that came from single sign-on, so logging out also ends the provider's
 * session. It names the session (a prefix of its hash), so a later password login in the same
 * browser is not taken for one.
 */
const viaSsoCookie = 'wachsam_sso';
const ssoMark = (sessionHash: string) => sessionHash.slice(0, 16);

/** Wire single sign-on into the server (OIDC_CA_FILE is read here, at start). */
export function useSso(
  app: FastifyInstance,
  auth: AuthService,
  requests: RoleRequests,
  db: Db,
  clock: Clock,
  config: Config,
): SsoService {
  const clients = new OidcClients(readTrustedCa(config.oidcCaFile));
  const sso = new SsoService(db, clock, auth, requests, clients, app.log);
  ssoRoutes(app, auth, sso, new SsoAdmin(db, clock, clients), config);
  return sso;
}

/**
 * Single sign-on in the browser: start (→ provider), callback (← provider, → console), logout,
 * and the administration's settings. Start and callback are top-level navigations, answered with
 * redirects; what goes wrong is told to the login page as `?sso_error=<code>` and written to the
 * audit log, never as a page of JSON.
 */
export function ssoRoutes(
  app: FastifyInstance,
  auth: AuthService,
  sso: SsoService,
  admin: SsoAdmin,
  config: Config,
): void {
  const attempts = new AttemptCounter();
  const secure = (req: FastifyRequest) => config.cookieSecure || isSecure(req, config);
  const sessionAttributes = (req: FastifyRequest) =>
    ({ httpOnly: true, sameSite: 'strict', secure: secure(req), path: '/' }) as const;
  const stateAttributes = (req: FastifyRequest) =>
    ({ httpOnly: true, sameSite: 'lax', secure: secure(req), path: ssoCallbackPath }) as const;
  const toLogin = (reply: FastifyReply, code: SsoErrorCode) => reply.redirect(`/?${ssoErrorParam}=${code}`, 303);

  register(app, auth, routes.ssoOptions, async ({ query }) => sso.options(query.org));

  app.get<{ Params: { org: string }; Querystring: { test?: string } }>(
    '/api/auth/sso/:org/start',
    { schema: { hide: true } as object },
    async (req, reply) => {
      // Each start writes a row (its state): one address may not start more than it could log in.
      if (!attempts.take(`sso:${req.ip}`, config.loginAttemptsPerAddressPerMinute)) throw tooManyAttempts();
      const test = req.query.test === '1';
      const actor = test ? await authenticate(req, auth) : null;
      if (test && !actor) throw new AppError('unauthenticated', 'Bitte anmelden');
      const started = await sso.start(req.params.org, expectedOrigin(req, config), actor);
      if (!started.ok) return toLogin(reply, started.code);
      reply.setCookie(stateCookie, started.state, { ...stateAttributes(req), maxAge: 600 });
      return reply.redirect(started.url, 303);
    },
  );

  app.get(ssoCallbackPath, { schema: { hide: true } as object }, async (req, reply) => {
    // Each refused callback is an audit entry: as limited as the starts.
    if (!attempts.take(`sso:${req.ip}`, config.loginAttemptsPerAddressPerMinute)) throw tooManyAttempts();
    const query = new URL(req.url, 'http://callback').searchParams;
    const outcome = await sso.callback(query, req.cookies[stateCookie]);
    reply.clearCookie(stateCookie, stateAttributes(req));
    if (outcome.kind === 'refused') return toLogin(reply, outcome.code);
    if (outcome.kind === 'test') return reply.redirect('/admin/sso?test=done', 303);
    reply.setCookie(sessionCookie, outcome.token, { ...sessionAttributes(req), expires: outcome.expiresAt });
    reply.setCookie(viaSsoCookie, ssoMark(sha256(outcome.token)), {
      ...sessionAttributes(req),
      expires: outcome.expiresAt,
    });
    return reply.redirect('/', 303);
  });

  register(app, auth, routes.ssoLogout, async ({ actor, req, reply }) => {
    const viaSso = actor.kind === 'person' && req.cookies[viaSsoCookie] === ssoMark(actor.sessionHash);
    const redirectTo = await sso.logout(actor, viaSso, expectedOrigin(req, config));
    reply.clearCookie(sessionCookie, sessionAttributes(req));
    reply.clearCookie(viaSsoCookie, sessionAttributes(req));
    return { redirectTo };
  });
  register(app, auth, routes.getSsoSettings, async ({ actor, req }) =>
    admin.settings(actor, expectedOrigin(req, config)),
  );
  register(app, auth, routes.saveSsoSettings, async ({ actor, body, req }) =>
    admin.save(actor, body, expectedOrigin(req, config)),
  );
  register(app, auth, routes.checkSso, async ({ actor }) => admin.check(actor));
}

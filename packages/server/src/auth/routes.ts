import type { FastifyInstance, FastifyRequest } from 'fastify';
import { routes, sessionCookie } from '@wachsam/protocol';
import type { Config } from '../config.js';
import { isSecure } from '../http/browser.js';
import { register } from '../http/register.js';
import type { AuthService } from './service.js';
import { AttemptCounter, tooManyAttempts } from './throttle.js';

export function authRoutes(app: FastifyInstance, auth: AuthService, config: Config): void {
  const attempts = new AttemptCounter();
  // The session cookie is set and cleared with the same attributes: a browser only replaces a
  // cookie whose name, path and domain match, and the clearing one is as protected as the first.
  const cookieAttributes = (req: FastifyRequest) =>
    ({
      httpOnly: true,
      sameSite: 'strict',
      secure: config.cookieSecure || isSecure(req, config),
      path: '/',
    }) as const;
  register(
    app,
    auth,
    routes.login,
    async ({ body, req, reply }) => {
      const { token, me, expiresAt } = await auth.login(body.login, body.password);
      reply.setCookie(sessionCookie, token, { ...cookieAttributes(req), expires: expiresAt });
      return me;
    },
    // After the body is parsed, so the login is known: guessing one account's password is
    // limited per account (wherever the guesses come from), and one address gets a far larger
    // budget for all logins together, so ten wrong passwords for one person never lock out a
    // colleague behind the same address. With TRUST_PROXY the address is the client's.
    {
      preHandler: [
        async (req) => {
          const perLogin = attempts.take(`login:${loginOf(req.body)}`, config.loginAttemptsPerMinute);
          const perAddress = attempts.take(`address:${req.ip}`, config.loginAttemptsPerAddressPerMinute);
          if (!perLogin || !perAddress) throw tooManyAttempts();
        },
      ],
    },
  );
  register(app, auth, routes.logout, async ({ actor, req, reply }) => {
    await auth.logout(actor);
    reply.clearCookie(sessionCookie, cookieAttributes(req));
  });
  register(app, auth, routes.me, async ({ actor }) => auth.me(actor.personId!));
  register(app, auth, routes.changePassword, async ({ actor, body }) => {
    // A stolen session must not become a password oracle: guesses of the current password
    // count against the same per-account budget as logins.
    if (!attempts.take(`login:${actor.kind === 'person' ? actor.login : ''}`, config.loginAttemptsPerMinute))
      throw tooManyAttempts();
    await auth.changePassword(actor, body.currentPassword, body.newPassword);
  });
}

const loginOf = (body: unknown): string => {
  const login = typeof body === 'object' && body !== null && 'login' in body ? body.login : '';
  return typeof login === 'string' ? login.trim().toLowerCase() : '';
};

import type { FastifyInstance } from 'fastify';
import { routes, sessionCookie } from '@wachsam/protocol';
import type { Config } from '../config.js';
import { register } from '../http/register.js';
import type { AuthService } from './service.js';
import { AttemptCounter, tooManyAttempts } from './throttle.js';

export function authRoutes(app: FastifyInstance, auth: AuthService, config: Config): void {
  const attempts = new AttemptCounter();
  register(
    app,
    auth,
    routes.login,
    async ({ body, reply }) => {
      const { token, me, expiresAt } = await auth.login(body.login, body.password);
      reply.setCookie(sessionCookie, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.cookieSecure,
        path: '/',
        expires: expiresAt,
      });
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
  register(app, auth, routes.logout, async ({ actor, reply }) => {
    await auth.logout(actor);
    reply.clearCookie(sessionCookie, { path: '/' });
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

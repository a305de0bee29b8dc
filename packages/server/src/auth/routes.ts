import type { FastifyInstance } from 'fastify';
import { routes, sessionCookie } from '@wachsam/protocol';
import type { Config } from '../config.js';
import { register } from '../http/register.js';
import type { AuthService } from './service.js';

export function authRoutes(app: FastifyInstance, auth: AuthService, config: Config): void {
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
    // Per address and login, so one attacker cannot lock everybody out.
    {
      config: {
        rateLimit: {
          max: config.loginAttemptsPerMinute,
          timeWindow: 60_000,
          keyGenerator: (req: { ip: string; body?: unknown }) => {
            const login = (req.body as { login?: unknown } | undefined)?.login;
            return `${req.ip}|${typeof login === 'string' ? login.toLowerCase() : ''}`;
          },
        },
      },
    },
  );
  register(app, auth, routes.logout, async ({ actor, reply }) => {
    await auth.logout(actor);
    reply.clearCookie(sessionCookie, { path: '/' });
  });
  register(app, auth, routes.me, async ({ actor }) => auth.me(actor.personId!));
}

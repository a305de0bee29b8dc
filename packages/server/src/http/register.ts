import { createHash, timingSafeEqual } from 'node:crypto';
import { heavyWorkOf } from './heavy.js';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { z } from 'zod';
import { sessionCookie, smsGatewaySecretHeader, type RouteDef } from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../auth/service.js';
import { requireOwnContentType } from './browser.js';
import { AppError } from './errors.js';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface Call<D extends RouteDef> {
  body: Infer<D['body']>;
  params: Infer<D['params']>;
  query: Infer<D['querystring']>;
  actor: D['auth'] extends { kind: 'public' } | { kind: 'gateway' } ? null : Actor;
  req: FastifyRequest;
  reply: FastifyReply;
}

type Result<D extends RouteDef> = D['response'] extends z.ZodType ? z.input<D['response']> : void;

export const bearer = (req: FastifyRequest): string | null => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
};

/** Resolve the caller from the bearer token (devices) or the session cookie (people). */
export async function authenticate(req: FastifyRequest, auth: AuthService): Promise<Actor | null> {
  const token = bearer(req);
  if (token) return auth.deviceActor(token);
  const cookie = req.cookies[sessionCookie];
  return cookie ? auth.sessionActor(cookie) : null;
}

/** Check the caller against the route's rule from the protocol's route table. */
export function authorise(def: RouteDef, actor: Actor | null): Actor | null {
  const rule = def.auth;
  if (rule.kind === 'public') return null;
  // Gateway routes are checked by `authoriseGateway` before this; a person or device is no gateway.
  if (rule.kind === 'gateway') throw new AppError('forbidden', 'Nur für das SMS-Gateway');
  if (!actor) throw new AppError('unauthenticated', 'Bitte anmelden');
  if (rule.kind === 'device' && actor.kind !== 'device') throw new AppError('forbidden', 'Nur für registrierte Geräte');
  if (rule.kind === 'session') {
    if (actor.kind !== 'person') throw new AppError('forbidden', 'Nur für angemeldete Personen');
    if (!actor.roles.some((r) => rule.roles.includes(r)))
      throw new AppError('forbidden', 'Dafür fehlt die Berechtigung');
  }
  return actor;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The SMS gateway proves itself with the shared secret in its header; cookies and bearer tokens
 * do not count here. Both sides are hashed first so the comparison takes the same time whatever
 * the length; without a configured secret nothing gets in (the webhook is off).
 */
export function authoriseGateway(req: FastifyRequest, secret: string | null): void {
  const given = req.headers[smsGatewaySecretHeader];
  if (typeof given !== 'string' || given === '') throw new AppError('unauthenticated', 'Gateway-Geheimnis fehlt');
  if (!secret || !timingSafeEqual(digest(given), digest(secret)))
    throw new AppError('forbidden', 'Gateway-Geheimnis ist falsch oder der SMS-Eingang ist nicht eingerichtet');
}

/** The OpenAPI security requirement of a route, so clients see which credential it takes. */
function securityOf(rule: RouteDef['auth']): Array<Record<string, string[]>> | null {
  switch (rule.kind) {
    case 'public':
      return null;
    case 'session':
      return [{ session: [] }];
    case 'device':
      return [{ device: [] }];
    case 'sender':
      return [{ session: [] }, { device: [] }];
    case 'gateway':
      return [{ gateway: [] }];
  }
}

/**
 * Register one route of the protocol's table: the route is a pipeline of
 * authenticate → authorise → validate (zod, from the shared schema) → handler → serialise.
 */
export function register<D extends RouteDef>(
  app: FastifyInstance,
  auth: AuthService,
  def: D,
  handler: (call: Call<D>) => Promise<Result<D>>,
  extra: {
    config?: Record<string, unknown>;
    gatewaySecret?: string | null;
    /** Hooks after the body is parsed (e.g. rate limits keyed on a body field). */
    preHandler?: preHandlerAsyncHookHandler[];
    /** The content types the route takes instead of JSON (an upload's raw bytes). */
    accepts?: RegExp;
    /** A heavy request (a PDF, an export, an upload): it waits for its turn (see `HeavyWork`). */
    heavy?: boolean;
  } = {},
): void {
  const gate = extra.heavy ? heavyWorkOf(app) : null;
  const schema: Record<string, unknown> = {
    summary: def.summary,
    tags: [def.tag],
    response: def.response ? { [def.status]: def.response } : undefined,
  };
  const security = securityOf(def.auth);
  if (security) schema.security = security;
  if (def.body) schema.body = def.body;
  if (def.params) schema.params = def.params;
  if (def.querystring) schema.querystring = def.querystring;
  const actors = new WeakMap<FastifyRequest, Actor | null>();
  app.route({
    method: def.method,
    url: def.url,
    schema,
    config: extra.config ?? {},
    ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
    ...(extra.preHandler ? { preHandler: extra.preHandler } : {}),
    // Who is calling is settled before the body is even parsed: the anonymous learn nothing
    // about a route's schema, and a wrong role is told so, not that a field is missing.
    onRequest: async (req) => {
      if (def.auth.kind === 'gateway') return authoriseGateway(req, extra.gatewaySecret ?? null);
      const actor = authorise(def, def.auth.kind === 'public' ? null : await authenticate(req, auth));
      // A person's actor comes from the session cookie, which a browser sends on its own.
      if (actor?.kind === 'person') requireOwnContentType(req, extra.accepts);
      actors.set(req, actor);
    },
    handler: async (req, reply) => {
      const actor = actors.get(req) ?? null;
      const call = () =>
        handler({
          body: req.body as Infer<D['body']>,
          params: req.params as Infer<D['params']>,
          query: req.query as Infer<D['querystring']>,
          actor: actor as Call<D>['actor'],
          req,
          reply,
        });
      const result = gate ? await gate.run(call) : await call();
      reply.status(def.status);
      return def.response ? result : reply.send();
    },
  });
}

import { z } from 'zod';
import { Id, IdParams, Name, Timestamp } from './common.js';
import type { RouteDef } from './routes.js';

// SCIM 2.0 provisioning (Entra ID): the endpoint itself speaks SCIM at /scim/v2 (its own JSON
// shapes, RFC 7643/7644); administration creates and revokes its bearer tokens here.

export const scimBasePath = '/scim/v2';

export const ScimTokenInput = z.object({ name: Name }).strict();
export const ScimToken = z.object({
  id: Id,
  name: z.string(),
  createdAt: Timestamp,
  createdBy: z.string(),
  revokedAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
});
export type ScimToken = z.infer<typeof ScimToken>;
/** The secret is shown once; the server keeps only its hash. */
export const ScimTokenCreated = ScimToken.extend({ secret: z.string() });
export type ScimTokenCreated = z.infer<typeof ScimTokenCreated>;

const admin = ['admin'] as const;

export const scimRouteDefs = {
  listScimTokens: {
    method: 'GET',
    url: '/api/admin/scim-tokens',
    summary: 'SCIM-Zugänge (Bereitstellung aus Entra ID)',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    status: 200,
    response: z.array(ScimToken),
  },
  createScimToken: {
    method: 'POST',
    url: '/api/admin/scim-tokens',
    summary: 'SCIM-Zugang erzeugen (geheimes Token für Entra ID)',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    body: ScimTokenInput,
    status: 201,
    response: ScimTokenCreated,
  },
  revokeScimToken: {
    method: 'POST',
    url: '/api/admin/scim-tokens/:id/revoke',
    summary: 'SCIM-Zugang widerrufen',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 200,
    response: ScimToken,
  },
} as const satisfies Record<string, RouteDef>;

import { z } from 'zod';
import { Role, Timestamp, everyRole, safeString, text } from './common.js';
import type { RouteDef } from './routes.js';

// Single sign-on with OpenID Connect: one identity provider per organisation (Entra ID, ADFS,
// Keycloak, …). The browser part of the code flow (start, callback) is a redirect, not JSON, and
// is not in this table: `GET /api/auth/sso/<slug>/start` and `GET /api/auth/sso/callback`.

/** Where the browser starts the login of an organisation at its identity provider. */
export const ssoStartPath = (orgSlug: string): string => `/api/auth/sso/${encodeURIComponent(orgSlug)}/start`;
/** The redirect URI to register at the identity provider (after PUBLIC_URL). */
export const ssoCallbackPath = '/api/auth/sso/callback';

/**
 * Why a single sign-on did not log anyone in: the callback sends the browser back to the login
 * page with `?sso_error=<code>`, and the page says it in words.
 */
export const ssoErrorCodes = [
  /** The login was started elsewhere, took longer than 10 minutes, or its answer came twice. */
  'sso_state',
  /** The identity provider's answer did not hold (signature, audience, expiry, nonce, PKCE). */
  'sso_failed',
  /** The identity provider could not be reached. */
  'sso_unavailable',
  /** The person cancelled at the identity provider or it refused them. */
  'sso_denied',
  /** The person is deactivated in Wachsam (left, or disabled in the directory). */
  'sso_deactivated',
  /** Nobody in this organisation has this account, and it may not create people. */
  'sso_unknown_person',
  /** The organisation has no single sign-on (or it is switched off). */
  'sso_not_configured',
] as const;
export const SsoErrorCode = z.enum(ssoErrorCodes);
export type SsoErrorCode = z.infer<typeof SsoErrorCode>;
export const ssoErrorParam = 'sso_error';

export const SsoOptionsQuery = z.object({ org: text(100).min(1).optional() }).strict();

/** An organisation whose people may log in with their service account. */
export const SsoOption = z.object({
  slug: z.string(),
  name: z.string(),
  /** False: password login is switched off except for the break-glass administrator. */
  localPasswords: z.boolean(),
});
export type SsoOption = z.infer<typeof SsoOption>;

/** Claim value (a group's object id or name, an app role) → Wachsam roles. */
export const SsoRoleMapping = z
  .record(text(500).min(1, 'Wert fehlt'), z.array(Role).max(20))
  .refine((m) => Object.keys(m).length <= 500, 'höchstens 500 Zuordnungen');

const Issuer = text(500)
  .min(1, 'Aussteller fehlt')
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 'https:', 'muss eine https-Adresse sein');

export const SsoSettingsInput = z
  .object({
    enabled: z.boolean(),
    /** The issuer as the provider names itself (its discovery document is under `/.well-known/openid-configuration`). */
    issuer: Issuer,
    clientId: text(500).min(1, 'Client-ID fehlt'),
    /** Write-only: left out keeps the stored secret; null removes it (a public client, PKCE only). */
    clientSecret: safeString().min(1).max(2000).nullable().optional(),
    rolesClaim: text(100).min(1, 'Claim fehlt').default('groups'),
    roleMapping: SsoRoleMapping.default({}),
    /** A first login may create the person, unless a directory sync owns the organisation's people. */
    createPeople: z.boolean().default(false),
    /** False: only the break-glass administrator logs in with a password. */
    localPasswords: z.boolean().default(true),
    breakGlassLogin: text(200).toLowerCase().min(1).nullable().default(null),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.localPasswords && !v.breakGlassLogin)
      ctx.addIssue({
        code: 'custom',
        path: ['breakGlassLogin'],
        message: 'Ohne Passwörter ist ein Notfall-Zugang (Administration) nötig, falls der Anmeldedienst ausfällt',
      });
  });
export type SsoSettingsInput = z.input<typeof SsoSettingsInput>;

/** What the last test login showed (it logs nobody in). */
export const SsoTestOutcome = z.object({
  at: Timestamp,
  ok: z.boolean(),
  message: z.string(),
  /** The claims Wachsam read (login, roles claim), for comparing with the mapping. */
  claims: z.record(z.string(), z.unknown()),
});
export type SsoTestOutcome = z.infer<typeof SsoTestOutcome>;

export const SsoSettings = z.object({
  /** False: nothing stored yet (the other fields are defaults). */
  configured: z.boolean(),
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  rolesClaim: z.string(),
  roleMapping: z.record(z.string(), z.array(Role)),
  createPeople: z.boolean(),
  /** A directory sync (LDAP source or SCIM token) owns the people: no creation at login. */
  directoryManaged: z.boolean(),
  localPasswords: z.boolean(),
  breakGlassLogin: z.string().nullable(),
  /** Register these at the identity provider. */
  redirectUri: z.string(),
  postLogoutRedirectUri: z.string(),
  updatedAt: Timestamp.nullable(),
  lastTest: SsoTestOutcome.nullable(),
});
export type SsoSettings = z.infer<typeof SsoSettings>;

/** The stored provider's discovery document, checked: reachable, code flow with PKCE, logout. */
export const SsoCheck = z.object({
  ok: z.boolean(),
  message: z.string(),
  authorizationEndpoint: z.string().nullable(),
  pkceS256: z.boolean(),
  endSession: z.boolean(),
});
export type SsoCheck = z.infer<typeof SsoCheck>;

export const SsoLogoutResult = z.object({
  /** The identity provider's logout page (RP-initiated logout), or null: only Wachsam's session ended. */
  redirectTo: z.string().nullable(),
});
export type SsoLogoutResult = z.infer<typeof SsoLogoutResult>;

const admin = ['admin'] as const;

export const ssoRouteDefs = {
  ssoOptions: {
    method: 'GET',
    url: '/api/auth/sso',
    summary: 'Organisationen mit Anmeldung über den Dienstkonto-Anmeldedienst (Single Sign-on)',
    tag: 'Anmeldung',
    auth: { kind: 'public' },
    querystring: SsoOptionsQuery,
    status: 200,
    response: z.array(SsoOption),
  },
  ssoLogout: {
    method: 'POST',
    url: '/api/auth/sso/logout',
    summary: 'Abmelden, nach Single Sign-on auch beim Anmeldedienst (Adresse zum Weiterleiten)',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: everyRole },
    status: 200,
    response: SsoLogoutResult,
  },
  getSsoSettings: {
    method: 'GET',
    url: '/api/admin/sso',
    summary: 'Anmeldung (SSO): Einstellungen (ohne Client-Geheimnis)',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: admin },
    status: 200,
    response: SsoSettings,
  },
  saveSsoSettings: {
    method: 'PUT',
    url: '/api/admin/sso',
    summary: 'Anmeldung (SSO): Einstellungen speichern',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: admin },
    body: SsoSettingsInput,
    status: 200,
    response: SsoSettings,
  },
  checkSso: {
    method: 'POST',
    url: '/api/admin/sso/check',
    summary: 'Anmeldung (SSO): Anmeldedienst erreichen und seine Angaben prüfen',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: admin },
    status: 200,
    response: SsoCheck,
  },
} as const satisfies Record<string, RouteDef>;

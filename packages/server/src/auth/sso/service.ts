import type { FastifyBaseLogger } from 'fastify';
import * as client from 'openid-client';
import {
  roleLabels,
  ssoCallbackPath,
  type Role,
  type SsoErrorCode,
  type SsoOption,
  type SsoTestOutcome,
} from '@wachsam/protocol';
import { appendAudit } from '../../audit/repository.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import type { RoleRequests } from '../../org/role-requests.js';
import type { Actor } from '../actor.js';
import type { AuthService } from '../service.js';
import { sha256 } from '../tokens.js';
import type { OidcClients } from './oidc.js';
import { identityOf, claimValues, provision, ssoActor, type Claims } from './provision.js';
import {
  organisationBySlug,
  organisationsWithSso,
  providerOf,
  storeFlow,
  storeTestOutcome,
  takeFlow,
  type Provider,
} from './repository.js';

/** A started login is valid this long: enough to type a password and a second factor. */
const flowMinutes = 10;

export type CallbackOutcome =
  { kind: 'session'; token: string; expiresAt: Date } | { kind: 'test' } | { kind: 'refused'; code: SsoErrorCode };

/** Rolled back on purpose: a test login shows what would happen and keeps nothing of it. */
class DryRun extends Error {}

/**
 * The identity provider could not be reached (refused, timed out, no answer), as opposed to an
 * answer that did not hold: the first is "try later", the second a refusal.
 */
function unreachable(err: unknown): boolean {
  if (err instanceof client.ClientError)
    return err.code === undefined || err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT';
  return err instanceof TypeError && !('code' in err);
}

/**
 * Single sign-on with OpenID Connect, one provider per organisation: authorization code flow
 * with PKCE, state and nonce; the ID token is checked by openid-client (signature from the
 * provider's keys, issuer, audience = our client id, expiry, nonce). After that the session is an
 * ordinary Wachsam session (`AuthService.startSession`): nothing of the alarm path, the realtime
 * connections or the devices ever asks the provider again.
 */
export class SsoService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly requests: RoleRequests,
    private readonly clients: OidcClients,
    private readonly log: FastifyBaseLogger,
  ) {}

  options = async (slug: string | undefined): Promise<SsoOption[]> => organisationsWithSso(this.db, slug);

  /**
   * Start a login at the organisation's provider: the state, nonce and PKCE verifier are kept
   * server-side; the browser gets the state in a cookie and is sent to the provider.
   * `testBy`: an administrator's test login (also while single sign-on is switched off).
   */
  async start(
    slug: string,
    origin: string,
    testBy: Actor | null,
  ): Promise<{ ok: true; url: string; state: string } | { ok: false; code: SsoErrorCode }> {
    const org = await organisationBySlug(this.db, slug);
    const provider = org ? await providerOf(this.db, org.id) : null;
    if (!org || !provider || (!provider.enabled && !testBy)) return { ok: false, code: 'sso_not_configured' };
    if (testBy && (testBy.kind !== 'person' || testBy.orgId !== org.id || !testBy.roles.includes('admin')))
      throw new AppError('forbidden', 'Die Test-Anmeldung ist der Administration dieser Organisation vorbehalten');
    let config: client.Configuration;
    try {
      config = await this.clients.configuration(provider);
    } catch (err) {
      this.log.warn({ err, orgId: org.id }, 'identity provider unavailable');
      return { ok: false, code: 'sso_unavailable' };
    }
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const redirectUri = `${origin}${ssoCallbackPath}`;
    const now = this.clock.now();
    await storeFlow(
      this.db,
      sha256(state),
      {
        orgId: org.id,
        nonce,
        verifier,
        redirectUri,
        expiresAt: new Date(now.getTime() + flowMinutes * 60_000).toISOString(),
        testBy: testBy?.kind === 'person' ? `${testBy.name} (${testBy.login})` : null,
      },
      now,
    );
    // ADFS puts the issuance claims (UPN, groups) into the ID token only for this scope.
    const scopes = config.serverMetadata().scopes_supported ?? [];
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: ['openid', 'profile', 'email', ...(scopes.includes('allatclaims') ? ['allatclaims'] : [])].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(testBy ? { prompt: 'login' } : {}),
    });
    return { ok: true, url: url.href, state };
  }

  /**
   * The provider sent the browser back. The state must be one this installation started, not
   * older than 10 minutes, not used before (taking it deletes it) and the one in this browser's
   * cookie (a login started elsewhere cannot be finished here).
   */
  async callback(query: URLSearchParams, cookieState: string | undefined): Promise<CallbackOutcome> {
    const now = this.clock.now();
    const state = query.get('state');
    const flow = state ? await takeFlow(this.db, sha256(state)) : null;
    if (!state || !flow || cookieState !== state || new Date(flow.expiresAt) < now) {
      await appendAudit(this.db, {
        orgId: flow?.orgId ?? null,
        at: now,
        actor: ssoActor,
        action: 'login.sso_refused',
        subject: 'Anmeldung (Single Sign-on)',
        detail: {
          code: 'sso_state',
          reason: !flow
            ? 'Anmeldevorgang unbekannt, abgelaufen oder schon verwendet'
            : cookieState !== state
              ? 'in einem anderen Browser begonnen'
              : 'abgelaufen',
        },
      });
      return { kind: 'refused', code: 'sso_state' };
    }
    const provider = await providerOf(this.db, flow.orgId);
    if (!provider || (!provider.enabled && !flow.testBy)) return { kind: 'refused', code: 'sso_not_configured' };
    const refuse = async (code: SsoErrorCode, reason: string, personId: string | null = null) => {
      await appendAudit(this.db, {
        orgId: flow.orgId,
        at: now,
        actor: ssoActor,
        action: 'login.sso_refused',
        subject: personId ? `Person ${personId}` : 'Anmeldung (Single Sign-on)',
        detail: { code, reason, ...(flow.testBy ? { testBy: flow.testBy } : {}) },
      });
      if (flow.testBy) await this.keepTestOutcome(flow.orgId, { ok: false, message: reason, claims: {} });
      return { kind: 'refused', code } as const;
    };

    let claims: Claims;
    try {
      const config = await this.clients.configuration(provider);
      const callbackUrl = new URL(flow.redirectUri);
      callbackUrl.search = query.toString();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
      claims = await this.withUserInfo(config, provider, tokens.access_token, claims);
    } catch (err) {
      if (err instanceof client.AuthorizationResponseError)
        return refuse(
          'sso_denied',
          `Anmeldedienst: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
        );
      if (unreachable(err)) {
        this.log.warn({ err, orgId: flow.orgId }, 'identity provider unavailable at the callback');
        return refuse('sso_unavailable', 'Anmeldedienst nicht erreichbar');
      }
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      const reason = err instanceof Error ? `${err.message}${cause}` : String(err);
      return refuse('sso_failed', `Antwort des Anmeldedienstes ungültig: ${reason}`);
    }

    if (flow.testBy) return this.testLogin(provider, claims, flow.testBy);
    const result = await this.db.transaction(async (tx) => {
      const provisioned = await provision(tx, provider, claims, this.requests, now);
      if (!provisioned.ok) return provisioned;
      return { ok: true as const, session: await this.auth.startSession(provisioned.person, { via: 'sso', tx }) };
    });
    if (!result.ok) return refuse(result.code, result.reason, result.personId);
    return { kind: 'session', token: result.session.token, expiresAt: result.session.expiresAt };
  }

  /** Groups are in the ID token for most providers; where they are not, the userinfo answer may hold them. */
  private async withUserInfo(config: client.Configuration, provider: Provider, accessToken: string, claims: Claims) {
    if (provider.rolesClaim in claims || !config.serverMetadata().userinfo_endpoint) return claims;
    try {
      const info = await client.fetchUserInfo(config, accessToken, String(claims.sub));
      return { ...info, ...claims };
    } catch (err) {
      this.log.warn({ err, orgId: provider.orgId }, 'userinfo of the identity provider failed; roles unchanged');
      return claims;
    }
  }

  /** Everything a login would do, in a transaction that is rolled back; the outcome is kept for the admin page. */
  private async testLogin(provider: Provider, claims: Claims, testBy: string): Promise<CallbackOutcome> {
    const shown = pick(claims, ['sub', 'oid', 'preferred_username', 'upn', 'email', 'name', provider.rolesClaim]);
    let message = '';
    let ok = false;
    try {
      await this.db.transaction(async (tx) => {
        const p = await provision(tx, provider, claims, this.requests, this.clock.now());
        ok = p.ok;
        message = p.ok
          ? [
              `${p.created ? 'Würde angelegt' : 'Gefunden'}: ${p.person.firstName} ${p.person.lastName} (${p.person.login})`,
              `Rollen danach: ${labels(p.person.roles)}`,
              ...(p.rolesRequested.length ? [`Zur Freigabe (Vier-Augen): ${labels(p.rolesRequested)}`] : []),
              ...(claimValues(claims, provider.rolesClaim) === null
                ? [`Claim „${provider.rolesClaim}“ fehlt im Token: Rollen bleiben unverändert`]
                : []),
            ].join('. ')
          : `Abgelehnt: ${p.reason}`;
        throw new DryRun();
      });
    } catch (err) {
      if (!(err instanceof DryRun)) throw err;
    }
    await this.keepTestOutcome(provider.orgId, { ok, message, claims: shown });
    await appendAudit(this.db, {
      orgId: provider.orgId,
      at: this.clock.now(),
      actor: { system: testBy },
      action: 'sso.tested',
      subject: 'Anmeldung (Single Sign-on)',
      detail: { ok, login: identityOf(claims).logins[0] ?? null },
    });
    return { kind: 'test' };
  }

  private keepTestOutcome(orgId: string, outcome: Omit<SsoTestOutcome, 'at'>): Promise<void> {
    return storeTestOutcome(this.db, orgId, { at: this.clock.now().toISOString(), ...outcome });
  }

  /**
   * End the Wachsam session; after a single sign-on also say where the provider ends its own
   * (RP-initiated logout), when it has such an endpoint. A provider that is down makes this a
   * local logout only: leaving never waits for it.
   */
  async logout(actor: Actor, viaSso: boolean, origin: string): Promise<string | null> {
    await this.auth.logout(actor);
    if (!viaSso || actor.kind !== 'person') return null;
    const provider = await providerOf(this.db, actor.orgId);
    if (!provider?.enabled) return null;
    try {
      const config = await this.clients.configuration(provider);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(config, { client_id: provider.clientId, post_logout_redirect_uri: `${origin}/` })
        .href;
    } catch (err) {
      this.log.warn({ err, orgId: actor.orgId }, 'identity provider unavailable at logout; local logout only');
      return null;
    }
  }
}

const labels = (roles: readonly Role[]) => roles.map((r) => roleLabels[r]).join(', ');

function pick(claims: Claims, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => n in claims).map((n) => [n, claims[n]]));
}

import {
  ssoCallbackPath,
  type Role,
  type SsoCheck,
  type SsoSettings,
  type SsoSettingsInput,
  type SsoTestOutcome,
} from '@wachsam/protocol';
import { appendAudit } from '../../audit/repository.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import type { Actor } from '../actor.js';
import type { OidcClients } from './oidc.js';
import { directoryOwnsPeople, personOfOrgByLogin, providerOf, saveProvider, testOutcome } from './repository.js';

/**
 * The administration's side of single sign-on: the settings (the client secret write-only: only
 * whether one is stored leaves the server, and only whether it changed reaches the audit log)
 * and the check of the provider's discovery document.
 */
export class SsoAdmin {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly clients: OidcClients,
  ) {}

  async settings(actor: Actor, origin: string): Promise<SsoSettings> {
    const p = await providerOf(this.db, actor.orgId);
    const lastTest = (await testOutcome(this.db, actor.orgId)) as SsoTestOutcome | null;
    return {
      configured: p !== null,
      enabled: p?.enabled ?? false,
      issuer: p?.issuer ?? '',
      clientId: p?.clientId ?? '',
      hasClientSecret: !!p?.clientSecret,
      rolesClaim: p?.rolesClaim ?? 'groups',
      roleMapping: p?.roleMapping ?? {},
      createPeople: p?.createPeople ?? false,
      directoryManaged: await directoryOwnsPeople(this.db, actor.orgId),
      localPasswords: p?.localPasswords ?? true,
      breakGlassLogin: p?.breakGlassLogin ?? null,
      redirectUri: `${origin}${ssoCallbackPath}`,
      postLogoutRedirectUri: `${origin}/`,
      updatedAt: p?.updatedAt.toISOString() ?? null,
      lastTest,
    };
  }

  async save(actor: Actor, input: SsoSettingsInput, origin: string): Promise<SsoSettings> {
    const breakGlass = input.breakGlassLogin ?? null;
    if (breakGlass) {
      // The way in while the provider is down: an active administrator of this organisation
      // with a password of their own.
      const p = await personOfOrgByLogin(this.db, actor.orgId, breakGlass);
      if (!p || p.deactivatedAt || !p.roles.includes('admin') || !p.passwordHash)
        throw new AppError(
          'validation_failed',
          'Der Notfall-Zugang muss eine aktive Administration dieser Organisation mit Passwort sein',
          [{ path: 'body.breakGlassLogin', message: 'keine aktive Administration mit Passwort' }],
        );
    }
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const before = await providerOf(tx, actor.orgId);
      // The stored secret goes only to the provider it was entered for.
      if (before?.clientSecret && input.clientSecret === undefined && before.issuer !== input.issuer)
        throw new AppError('validation_failed', 'Neuer Anbieter (Issuer): bitte das Client-Geheimnis neu eingeben', [
          { path: 'body.clientSecret', message: 'Geheimnis erneut eingeben' },
        ]);
      await saveProvider(tx, {
        orgId: actor.orgId,
        enabled: input.enabled,
        issuer: input.issuer,
        clientId: input.clientId,
        ...(input.clientSecret !== undefined
          ? { clientSecret: input.clientSecret }
          : { clientSecret: before?.clientSecret ?? null }),
        rolesClaim: input.rolesClaim ?? 'groups',
        roleMapping: (input.roleMapping ?? {}) as Record<string, Role[]>,
        createPeople: input.createPeople ?? false,
        localPasswords: input.localPasswords ?? true,
        breakGlassLogin: breakGlass,
        updatedAt: now,
      });
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'sso.settings_saved',
        subject: 'Anmeldung (Single Sign-on)',
        // Never the secret: only whether it changed.
        detail: {
          enabled: input.enabled,
          issuer: input.issuer,
          clientId: input.clientId,
          secretChanged: input.clientSecret !== undefined,
          createPeople: input.createPeople ?? false,
          localPasswords: input.localPasswords ?? true,
          breakGlassLogin: breakGlass,
        },
      });
    });
    this.clients.forget(actor.orgId);
    return this.settings(actor, origin);
  }

  /** Reach the stored provider and read what it offers (the discovery document), fresh. */
  async check(actor: Actor): Promise<SsoCheck> {
    const p = await providerOf(this.db, actor.orgId);
    if (!p)
      return {
        ok: false,
        message: 'Noch kein Anmeldedienst eingetragen',
        authorizationEndpoint: null,
        pkceS256: false,
        endSession: false,
      };
    this.clients.forget(actor.orgId);
    try {
      const meta = (await this.clients.configuration(p)).serverMetadata();
      const pkceS256 = meta.code_challenge_methods_supported?.includes('S256') ?? false;
      const endSession = !!meta.end_session_endpoint;
      return {
        ok: true,
        message: [
          `Anmeldedienst erreicht: ${meta.issuer}`,
          pkceS256 ? 'PKCE (S256) angeboten' : 'PKCE (S256) nicht angekündigt – Wachsam sendet es trotzdem',
          endSession ? 'Abmelden beim Anmeldedienst möglich' : 'kein Abmelde-Endpunkt: Abmelden nur in Wachsam',
        ].join('; '),
        authorizationEndpoint: meta.authorization_endpoint ?? null,
        pkceS256,
        endSession,
      };
    } catch (err) {
      return {
        ok: false,
        message: `Anmeldedienst nicht erreichbar oder Angaben ungültig: ${err instanceof Error ? err.message : String(err)}`,
        authorizationEndpoint: null,
        pkceS256: false,
        endSession: false,
      };
    }
  }
}

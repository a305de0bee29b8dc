import { and, eq, isNull, like, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { directorySources, identityProviders, organisations, people, scimTokens, settings } from '../../db/schema.js';

export type Provider = typeof identityProviders.$inferSelect;
export type PersonRow = typeof people.$inferSelect;

/** The message a person sees when their organisation only lets them in through single sign-on. */
export const ssoOnlyMessage =
  'In dieser Organisation meldet man sich mit dem Dienstkonto an: bitte „Mit Dienstkonto anmelden (Single Sign-on)“ wählen. Das Passwort gilt hier nur für den Notfall-Zugang der Administration.';

/**
 * Why a correct password must not log this person in, or null when it may: the organisation
 * switched local passwords off, and this is not its break-glass login (the one way in while the
 * identity provider is down or misconfigured).
 */
export async function passwordLoginRefusal(ex: Executor, orgId: string, login: string): Promise<string | null> {
  const [p] = await ex
    .select({
      enabled: identityProviders.enabled,
      local: identityProviders.localPasswords,
      breakGlass: identityProviders.breakGlassLogin,
    })
    .from(identityProviders)
    .where(eq(identityProviders.orgId, orgId));
  if (!p || !p.enabled || p.local) return null;
  return p.breakGlass !== null && p.breakGlass.toLowerCase() === login.toLowerCase() ? null : ssoOnlyMessage;
}

export async function providerOf(ex: Executor, orgId: string): Promise<Provider | null> {
  const [p] = await ex.select().from(identityProviders).where(eq(identityProviders.orgId, orgId));
  return p ?? null;
}

export async function organisationBySlug(ex: Executor, slug: string) {
  const [o] = await ex.select().from(organisations).where(eq(organisations.slug, slug));
  return o ?? null;
}

/** Organisations whose people may log in through their identity provider (one, by slug, or all). */
export async function organisationsWithSso(ex: Executor, slug: string | undefined) {
  return ex
    .select({ slug: organisations.slug, name: organisations.name, localPasswords: identityProviders.localPasswords })
    .from(identityProviders)
    .innerJoin(organisations, eq(organisations.id, identityProviders.orgId))
    .where(and(eq(identityProviders.enabled, true), slug === undefined ? undefined : eq(organisations.slug, slug)))
    .orderBy(organisations.name);
}

export async function saveProvider(
  ex: Executor,
  values: Omit<typeof identityProviders.$inferInsert, 'clientSecret'> & { clientSecret?: string | null },
): Promise<Provider> {
  const { orgId, ...rest } = values;
  const [row] = await ex
    .insert(identityProviders)
    .values({ orgId, ...rest, clientSecret: rest.clientSecret ?? null })
    .onConflictDoUpdate({ target: identityProviders.orgId, set: rest })
    .returning();
  return row!;
}

/**
 * A directory sync owns the organisation's people (an LDAP source, or a SCIM token that is not
 * revoked): a first login then never creates a person; the directory decides who exists.
 */
export async function directoryOwnsPeople(ex: Executor, orgId: string): Promise<boolean> {
  const [ldap] = await ex
    .select({ id: directorySources.id })
    .from(directorySources)
    .where(eq(directorySources.orgId, orgId))
    .limit(1);
  if (ldap) return true;
  const [scim] = await ex
    .select({ id: scimTokens.id })
    .from(scimTokens)
    .where(and(eq(scimTokens.orgId, orgId), isNull(scimTokens.revokedAt)))
    .limit(1);
  return scim !== undefined;
}

export async function personByExternalId(ex: Executor, orgId: string, externalId: string): Promise<PersonRow | null> {
  const [p] = await ex
    .select()
    .from(people)
    .where(and(eq(people.orgId, orgId), eq(people.externalId, externalId)))
    .for('update');
  return p ?? null;
}

/** Logins are unique across the installation: the row may belong to another organisation. */
export async function personByLogin(ex: Executor, login: string): Promise<PersonRow | null> {
  const [p] = await ex.select().from(people).where(eq(people.login, login)).for('update');
  return p ?? null;
}

export async function personOfOrgByLogin(ex: Executor, orgId: string, login: string): Promise<PersonRow | null> {
  const [p] = await ex
    .select()
    .from(people)
    .where(and(eq(people.orgId, orgId), eq(people.login, login)));
  return p ?? null;
}

// --- the login flows in flight ------------------------------------------------------------------
// A started login (state, nonce, PKCE verifier) is kept server-side in the key-value `settings`
// table under `sso-login:<sha256 of the state>`, so every instance of the installation can finish
// it, and taking it deletes it: a state is accepted once, whichever instance sees it again.

const flowPrefix = 'sso-login:';

export interface Flow {
  orgId: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  expiresAt: string;
  /** A test login of the administration: shows what would happen, logs nobody in. */
  testBy: string | null;
}

export async function storeFlow(ex: Executor, stateHash: string, flow: Flow, now: Date): Promise<void> {
  // Started logins nobody finished go when the next one starts: the table never grows.
  await ex
    .delete(settings)
    .where(
      and(
        like(settings.key, `${flowPrefix}%`),
        sql`(${settings.value}->>'expiresAt')::timestamptz < ${now.toISOString()}::timestamptz`,
      ),
    );
  await ex.insert(settings).values({ key: `${flowPrefix}${stateHash}`, value: flow });
}

/** The flow of this state, removed in the same statement: a second take finds nothing. */
export async function takeFlow(ex: Executor, stateHash: string): Promise<Flow | null> {
  const [row] = await ex
    .delete(settings)
    .where(eq(settings.key, `${flowPrefix}${stateHash}`))
    .returning({ value: settings.value });
  return row ? (row.value as Flow) : null;
}

const testKey = (orgId: string) => `sso-test:${orgId}`;

export async function storeTestOutcome(ex: Executor, orgId: string, outcome: unknown): Promise<void> {
  await ex
    .insert(settings)
    .values({ key: testKey(orgId), value: outcome })
    .onConflictDoUpdate({ target: settings.key, set: { value: outcome } });
}

export async function testOutcome(ex: Executor, orgId: string): Promise<unknown> {
  const [row] = await ex
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, testKey(orgId)));
  return row?.value ?? null;
}

import { eq } from 'drizzle-orm';
import type { Role, SsoErrorCode } from '@wachsam/protocol';
import { appendAudit } from '../../audit/repository.js';
import type { Tx } from '../../db/client.js';
import { people } from '../../db/schema.js';
import { endAccess } from '../../delivery/access.js';
import { splitRoles, type RoleRequests } from '../../org/role-requests.js';
import { directoryOwnsPeople, personByExternalId, personByLogin, type PersonRow, type Provider } from './repository.js';

/** How single sign-on appears in the audit log and as the one who asked for a four-eyes role. */
export const ssoActor = { system: 'Anmeldung (Single Sign-on)' } as const;

export type Claims = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * Who the identity provider says this is, in the order Wachsam matches people:
 * 1. `oid` (Entra ID's object id, immutable) against the person's `externalId` — what a
 *    directory sync from Entra sets, and what the first single sign-on records for a person
 *    entered by hand;
 * 2. else the login, lower-cased, from `preferred_username` (Entra's UPN, Keycloak's user name),
 *    then `upn` (ADFS), then `email` (only when the provider says it is verified): the first of
 *    these that names a person of the organisation not linked to another account.
 */
export function identityOf(claims: Claims): { externalId: string | null; logins: string[] } {
  const logins = [str(claims.preferred_username), str(claims.upn)];
  // An e-mail address counts only when the provider vouches for it (Entra and ADFS do not say,
  // and let users change theirs).
  if (claims.email_verified === true) logins.push(str(claims.email));
  return {
    externalId: str(claims.oid),
    logins: [...new Set(logins.filter((l): l is string => l !== null).map((l) => l.toLowerCase()))],
  };
}

/** The values of the roles claim (a list of groups, or one app role as a string); null when absent. */
export function claimValues(claims: Claims, claim: string): string[] | null {
  const v = claims[claim];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return null;
}

/**
 * The roles the mapping gives a person: the roles the mapping names at all are the provider's to
 * decide (granted when a claim value maps to them, taken away when none does); roles the mapping
 * never names stay as the administration set them. A token without the claim changes nothing, so
 * a provider that stops sending groups does not strip everyone to "Beschäftigte/r".
 */
export function mappedRoles(before: readonly Role[], mapping: Record<string, Role[]>, values: string[] | null): Role[] {
  const managed = new Set(Object.values(mapping).flat());
  if (values === null || managed.size === 0) return [...before];
  const granted = new Set(values.flatMap((v) => mapping[v] ?? []));
  return [...new Set([...before.filter((r) => !managed.has(r)), ...granted])];
}

export type Provisioned =
  | { ok: true; person: PersonRow; created: boolean; rolesAdded: Role[]; rolesRemoved: Role[]; rolesRequested: Role[] }
  | { ok: false; code: SsoErrorCode; reason: string; personId: string | null };

/**
 * Find (or, where allowed, create) the person the identity provider vouches for and bring their
 * roles in line with the mapping. A four-eyes role (register roles, administration) is never
 * granted by a claim: it becomes a role request that a second person confirms under "Freigaben",
 * exactly as when an administrator asks for it.
 */
export async function provision(
  tx: Tx,
  provider: Provider,
  claims: Claims,
  requests: RoleRequests,
  now: Date,
): Promise<Provisioned> {
  const orgId = provider.orgId;
  const who = identityOf(claims);
  let person = who.externalId ? await personByExternalId(tx, orgId, who.externalId) : null;
  for (const login of who.logins) {
    if (person) break;
    const found = await personByLogin(tx, login);
    if (found && found.orgId !== orgId)
      return {
        ok: false,
        code: 'sso_unknown_person',
        reason: 'Anmeldename gehört zu einer anderen Organisation',
        personId: null,
      };
    // A person already linked to another account of the provider is not this one (a reused or
    // renamed user name): the login alone never moves a person to another account.
    if (found?.externalId && who.externalId && found.externalId !== who.externalId)
      return {
        ok: false,
        code: 'sso_unknown_person',
        reason: 'Anmeldename gehört in Wachsam einem anderen Konto des Anbieters',
        personId: found.id,
      };
    person = found;
  }
  const values = claimValues(claims, provider.rolesClaim);

  if (!person) {
    const login = who.logins[0];
    if (!login) return { ok: false, code: 'sso_unknown_person', reason: 'Token ohne Anmeldenamen', personId: null };
    if (!provider.createPeople)
      return {
        ok: false,
        code: 'sso_unknown_person',
        reason: 'Person unbekannt, Anlegen bei Anmeldung aus',
        personId: null,
      };
    if (await directoryOwnsPeople(tx, orgId))
      return {
        ok: false,
        code: 'sso_unknown_person',
        reason: 'Person unbekannt; die Verzeichnis-Synchronisation legt Personen an, nicht die Anmeldung',
        personId: null,
      };
    const roles = splitRoles([], mappedRoles(['employee'], provider.roleMapping, values));
    const name = str(claims.name)?.split(/\s+/) ?? [];
    const [created] = await tx
      .insert(people)
      .values({
        orgId,
        login,
        firstName: str(claims.given_name) ?? (name.length > 1 ? name.slice(0, -1).join(' ') : login),
        lastName: str(claims.family_name) ?? (name.length > 1 ? name.at(-1)! : ''),
        email: str(claims.email),
        externalId: who.externalId,
        roles: roles.now,
      })
      .returning();
    await requests.file(tx, { ...ssoActor, orgId }, created!, roles.requested);
    await appendAudit(tx, {
      orgId,
      at: now,
      actor: ssoActor,
      action: 'person.created',
      subject: `Person ${created!.firstName} ${created!.lastName}`,
      detail: { personId: created!.id, via: 'sso', rolesAdded: roles.now, rolesRequested: roles.requested },
    });
    return {
      ok: true,
      person: created!,
      created: true,
      rolesAdded: roles.now,
      rolesRemoved: [],
      rolesRequested: roles.requested,
    };
  }

  if (person.deactivatedAt)
    return { ok: false, code: 'sso_deactivated', reason: 'Person ist deaktiviert', personId: person.id };
  if (!person.login)
    return {
      ok: false,
      code: 'sso_unknown_person',
      reason: 'Person ohne Anmeldenamen (kein Zugang)',
      personId: person.id,
    };

  const before = person.roles;
  const roles = splitRoles(before, mappedRoles(before, provider.roleMapping, values));
  const rolesAdded = roles.now.filter((r) => !before.includes(r));
  const rolesRemoved = before.filter((r) => !roles.now.includes(r));
  // A person entered by hand is bound to their Entra account at the first login, so a renamed UPN
  // still finds them; a directory-managed person keeps the id their directory gave them.
  const linkExternalId = who.externalId !== null && person.externalId === null && person.managedBy === null;
  if (rolesAdded.length || rolesRemoved.length || linkExternalId) {
    const [updated] = await tx
      .update(people)
      .set({ roles: roles.now, ...(linkExternalId ? { externalId: who.externalId } : {}) })
      .where(eq(people.id, person.id))
      .returning();
    person = updated!;
  }
  // Open sockets were authorised with the old roles: they reconnect with the new ones.
  if (rolesAdded.length || rolesRemoved.length) {
    await endAccess(tx, { scope: 'sessions-of', personId: person.id }, 'roles_changed');
    await appendAudit(tx, {
      orgId,
      at: now,
      actor: ssoActor,
      action: 'person.updated',
      subject: `Person ${person.firstName} ${person.lastName}`,
      detail: { personId: person.id, via: 'sso', rolesAdded, rolesRemoved, rolesRequested: roles.requested },
    });
  }
  await requests.file(tx, { ...ssoActor, orgId }, person, roles.requested);
  return { ok: true, person, created: false, rolesAdded, rolesRemoved, rolesRequested: roles.requested };
}

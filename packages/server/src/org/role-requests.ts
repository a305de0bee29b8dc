import { and, arrayOverlaps, eq, isNotNull, isNull } from 'drizzle-orm';
import { approverRoles, needsFourEyes, roleLabels, type Role, type RoleRequest } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { people, roleRequests } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { AppError, notFound } from '../http/errors.js';

type Person = typeof people.$inferSelect;
const nameOf = (p: Pick<Person, 'firstName' | 'lastName'>) => `${p.firstName} ${p.lastName}`;

/**
 * What an administrator's save does to the roles: roles taken away and roles that need nobody
 * else take effect at once; a four-eyes role the person does not hold yet only becomes a request.
 */
export function splitRoles(before: readonly Role[], wanted: readonly Role[]): { now: Role[]; requested: Role[] } {
  const requested = wanted.filter((r) => needsFourEyes(r) && !before.includes(r));
  const now = wanted.filter((r) => !requested.includes(r));
  // Every person keeps at least one role: without one they could not even log out.
  return { now: now.length ? now : ['employee'], requested };
}

/**
 * Four eyes for the roles that open the register (and for the administration): a grant by one
 * administrator is a request until a second, different person with the right to approve
 * (`approverRoles`: another administrator or the data-protection officer) confirms it. Nobody
 * confirms their own request or a request for themselves. Both steps are audited.
 */
export class RoleRequests {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Inside the transaction that saves the person: file a request per role (asking twice is one request). */
  async file(
    tx: Tx,
    actor: Actor | { system: string; orgId: string },
    person: Person,
    requested: readonly Role[],
  ): Promise<void> {
    const now = this.clock.now();
    for (const role of requested) {
      const [created] = await tx
        .insert(roleRequests)
        .values({
          orgId: actor.orgId,
          personId: person.id,
          role,
          requestedById: 'kind' in actor && actor.kind === 'person' ? actor.personId : null,
          requestedBy: 'system' in actor ? actor.system : actorLabel(actor),
          requestedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: roleRequests.id });
      if (!created) continue;
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor: 'system' in actor ? { system: actor.system } : actor,
        action: 'role_request.created',
        subject: `Person ${nameOf(person)}: Rolle ${roleLabels[role]}`,
        detail: { requestId: created.id, personId: person.id, role },
      });
    }
  }

  /** The open requests of the organisation, each with whether the caller may confirm it. */
  async listOpen(actor: Actor): Promise<RoleRequest[]> {
    const rows = await this.db
      .select({
        r: roleRequests,
        firstName: people.firstName,
        lastName: people.lastName,
        passwordSetBy: people.passwordSetBy,
      })
      .from(roleRequests)
      .innerJoin(people, eq(people.id, roleRequests.personId))
      .where(and(eq(roleRequests.orgId, actor.orgId), isNull(roleRequests.decidedAt)))
      .orderBy(roleRequests.requestedAt);
    const approvers = await approversOf(this.db, actor.orgId);
    const me = actor.kind === 'person' ? actor.personId : null;
    return rows.map(({ r, firstName, lastName, passwordSetBy }) => ({
      id: r.id,
      personId: r.personId,
      personName: `${firstName} ${lastName}`,
      role: r.role,
      requestedById: r.requestedById,
      requestedByName: r.requestedBy,
      requestedAt: r.requestedAt.toISOString(),
      mayApprove: me !== null && me !== r.requestedById && me !== r.personId,
      otherApprovers: approvers.filter((id) => id !== r.requestedById && id !== r.personId).length,
      waitsForOwnPassword: passwordSetBy !== null,
    }));
  }

  /** The second person confirms: the role takes effect, and the person's connections reconnect with it. */
  approve = (actor: Actor, id: string): Promise<void> =>
    this.decide(actor, id, 'approved', async (tx, request, person) => {
      if (actor.kind !== 'person' || actor.personId === request.requestedById)
        throw new AppError('forbidden', 'Den eigenen Antrag muss eine zweite Person freigeben (Vier-Augen-Prinzip)');
      if (actor.personId === request.personId)
        throw new AppError('forbidden', 'Eine Rolle für sich selbst kann man nicht freigeben (Vier-Augen-Prinzip)');
      // Whoever set this person's password knows it and could act with the role: the holder
      // chooses their own first (Mein Konto → Passwort ändern).
      if (person.passwordSetBy !== null)
        throw new AppError(
          'conflict',
          `Erst muss ${nameOf(person)} das Passwort selbst ändern: es wurde von ${person.passwordSetBy} gesetzt und ist dort bekannt`,
        );
      if (person.roles.includes(request.role)) return;
      await tx
        .update(people)
        .set({ roles: [...person.roles, request.role] })
        .where(eq(people.id, person.id));
      await endAccess(tx, { scope: 'sessions-of', personId: person.id }, 'roles_changed');
    });

  /** Rejected by an approver, or withdrawn by whoever asked: nothing changes for the person. */
  reject = (actor: Actor, id: string): Promise<void> => this.decide(actor, id, 'rejected', async () => undefined);

  private decide(
    actor: Actor,
    id: string,
    decision: 'approved' | 'rejected',
    apply: (tx: Tx, request: typeof roleRequests.$inferSelect, person: Person) => Promise<void>,
  ): Promise<void> {
    return this.db.transaction(async (tx) => {
      // Two approvers at once: the second waits for the first and finds it decided.
      const [request] = await tx
        .select()
        .from(roleRequests)
        .where(and(eq(roleRequests.orgId, actor.orgId), eq(roleRequests.id, id)))
        .for('update');
      if (!request) throw notFound('Antrag');
      if (request.decidedAt)
        throw new AppError('conflict', `Dieser Antrag wurde schon entschieden (${request.decidedBy ?? ''})`);
      const [person] = await tx.select().from(people).where(eq(people.id, request.personId)).for('update');
      if (!person) throw notFound('Person');
      await apply(tx, request, person);
      const now = this.clock.now();
      await tx
        .update(roleRequests)
        .set({
          decision,
          decidedById: actor.kind === 'person' ? actor.personId : null,
          decidedBy: actorLabel(actor),
          decidedAt: now,
        })
        .where(eq(roleRequests.id, id));
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: `role_request.${decision}`,
        subject: `Person ${nameOf(person)}: Rolle ${roleLabels[request.role]}`,
        detail: {
          requestId: request.id,
          personId: person.id,
          role: request.role,
          requestedBy: request.requestedBy,
          requestedAt: request.requestedAt.toISOString(),
        },
      });
    });
  }
}

/** People of the organisation who could confirm a request: a login and an approving role. */
export async function approversOf(ex: Executor, orgId: string): Promise<string[]> {
  const rows = await ex
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.orgId, orgId), isNotNull(people.login), arrayOverlaps(people.roles, [...approverRoles])));
  return rows.map((r) => r.id);
}

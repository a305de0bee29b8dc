import { and, eq } from 'drizzle-orm';
import { needsFourEyes, roleLabels, type Person, type PersonInput, type Role } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { hashPassword, replacePassword } from '../auth/passwords.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { departments, people, rooms, sessions } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { AppError, notFound } from '../http/errors.js';
import { splitRoles, type RoleRequests } from './role-requests.js';
import { owned } from './service.js';

type PersonRow = typeof people.$inferSelect;

const presentPerson = (p: PersonRow): Person => ({
  id: p.id,
  firstName: p.firstName,
  lastName: p.lastName,
  phone: p.phone,
  departmentId: p.departmentId,
  roomId: p.roomId,
  login: p.login,
  roles: p.roles,
  email: p.email,
  managedBy: p.managedBy,
  active: p.deactivatedAt === null,
});

/**
 * The people of the organisation and their access: accounts, roles (four eyes for the roles
 * that open the register, see `RoleRequests`) and passwords. Every change is audited with who
 * did it and, for roles, which were added, taken away and requested.
 */
export class PeopleService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly requests: RoleRequests,
  ) {}

  list = async (orgId: string): Promise<Person[]> =>
    (await this.db.select().from(people).where(eq(people.orgId, orgId)).orderBy(people.lastName, people.firstName)).map(
      presentPerson,
    );

  save = (actor: Actor, id: string | null, input: PersonInput): Promise<Person> =>
    this.db.transaction(async (tx) => {
      await owned(tx, departments, actor.orgId, input.departmentId, 'departmentId', 'Abteilung');
      await owned(tx, rooms, actor.orgId, input.roomId, 'roomId', 'Raum');
      if (input.login) {
        const [taken] = await tx.select({ id: people.id }).from(people).where(eq(people.login, input.login));
        if (taken && taken.id !== id)
          throw new AppError('conflict', 'Dieser Anmeldename ist schon vergeben', [
            { path: 'body.login', message: 'vergeben' },
          ]);
      }
      const [before] = id
        ? await tx
            .select()
            .from(people)
            .where(and(eq(people.orgId, actor.orgId), eq(people.id, id)))
            .for('update')
        : [];
      if (id && !before) throw notFound('Person');
      const roles = splitRoles(before?.roles ?? [], [...new Set(input.roles)]);
      // Where a person comes from and whether they are active is the directory's to say, not a form's.
      const { managedBy: _managedBy, active: _active, ...fields } = input;
      const values = { ...fields, roles: roles.now };
      const [saved] = before
        ? await tx.update(people).set(values).where(eq(people.id, before.id)).returning()
        : await tx
            .insert(people)
            .values({ ...values, orgId: actor.orgId })
            .returning();
      await this.requests.file(tx, actor, saved!, roles.requested);
      if (before) await accessChanged(tx, before, saved!);
      const was = before?.roles ?? [];
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: before ? 'person.updated' : 'person.created',
        subject: `Person ${saved!.firstName} ${saved!.lastName}`,
        detail: {
          personId: saved!.id,
          rolesAdded: saved!.roles.filter((r) => !was.includes(r)),
          rolesRemoved: was.filter((r) => !saved!.roles.includes(r)),
          rolesRequested: roles.requested,
        },
      });
      return presentPerson(saved!);
    });

  /**
   * An administrator sets someone's password. Not their own (that is a change with the current
   * password, `AuthService.changePassword`), and not that of a person holding a four-eyes role:
   * whoever knows that password acts as that person, and could confirm their own requests with
   * it. Such a person changes it themselves, or the operator resets it (`wachsam reset-password`).
   */
  setPassword = async (actor: Actor, id: string, password: string): Promise<void> => {
    if (actor.kind === 'person' && actor.personId === id)
      throw new AppError(
        'forbidden',
        'Das eigene Passwort bitte unter „Mein Konto“ ändern (mit dem bisherigen Passwort)',
      );
    const [target] = await this.db
      .select({ roles: people.roles })
      .from(people)
      .where(and(eq(people.orgId, actor.orgId), eq(people.id, id)));
    if (!target) throw notFound('Person');
    const guarded = target.roles.filter(needsFourEyes);
    if (guarded.length)
      throw new AppError(
        'forbidden',
        `Das Passwort einer Person mit der Rolle ${guarded.map((r) => roleLabels[r]).join(', ')} ändert nur sie selbst; ` +
          'vergessen: der Betrieb setzt es mit „wachsam reset-password“ zurück',
      );
    const hash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      if (!(await replacePassword(tx, actor.orgId, id, hash, { setBy: actorLabel(actor) }))) throw notFound('Person');
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'person.password_set',
        subject: `Person ${id}`,
      });
    });
  };
}

/**
 * A person's rights or login changed: their sessions must not go on receiving with the old
 * rights. Losing the login ends the sessions; other role changes make them reconnect.
 */
async function accessChanged(tx: Tx, before: PersonRow, after: PersonRow): Promise<void> {
  if (before.login && !after.login) {
    await tx.delete(sessions).where(eq(sessions.personId, after.id));
    await endAccess(tx, { scope: 'sessions-of', personId: after.id }, 'session_ended');
    return;
  }
  const same = (a: readonly Role[], b: readonly Role[]) => a.length === b.length && a.every((r) => b.includes(r));
  if (!same(before.roles, after.roles))
    await endAccess(tx, { scope: 'sessions-of', personId: after.id }, 'roles_changed');
}

import { and, eq, isNull } from 'drizzle-orm';
import { roleLabels, type Role } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { hashPassword, replacePassword } from '../auth/passwords.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { people, roleRequests } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { AppError } from '../http/errors.js';

/*
 * What the operator of the server does from its command line (`wachsam reset-password`,
 * `wachsam grant-role`). Whoever runs these already holds the database; the commands add no
 * power, they make the two ways out of a four-eyes dead end (a forgotten password of a person
 * with a register role, an organisation with no second approver) a recorded step instead of SQL.
 */

async function personByLogin(tx: Tx, login: string) {
  const [person] = await tx.select().from(people).where(eq(people.login, login.trim().toLowerCase())).for('update');
  if (!person) throw new AppError('not_found', `Keine Person mit dem Anmeldenamen ${login} / no such login`);
  return person;
}

/** A new password chosen by the operator (for the person to change at once); every session of the person ends. */
export async function operatorResetPassword(db: Db, clock: Clock, login: string, password: string, by: string) {
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const person = await personByLogin(tx, login);
    await replacePassword(tx, person.orgId, person.id, hash, { setBy: null });
    await appendAudit(tx, {
      orgId: person.orgId,
      at: clock.now(),
      actor: { system: by },
      action: 'person.password_set',
      subject: `Person ${person.firstName} ${person.lastName}`,
      detail: { personId: person.id, byOperator: true },
    });
    return person;
  });
}

/** A role granted by the operator; an open request for it counts as decided by them. */
export async function operatorGrantRole(db: Db, clock: Clock, login: string, role: Role, by: string) {
  return db.transaction(async (tx) => {
    const person = await personByLogin(tx, login);
    const now = clock.now();
    if (!person.roles.includes(role)) {
      await tx
        .update(people)
        .set({ roles: [...person.roles, role] })
        .where(eq(people.id, person.id));
      await endAccess(tx, { scope: 'sessions-of', personId: person.id }, 'roles_changed');
    }
    await tx
      .update(roleRequests)
      .set({ decision: 'approved', decidedBy: by, decidedAt: now })
      .where(and(eq(roleRequests.personId, person.id), eq(roleRequests.role, role), isNull(roleRequests.decidedAt)));
    await appendAudit(tx, {
      orgId: person.orgId,
      at: now,
      actor: { system: by },
      action: 'role.granted_by_operator',
      subject: `Person ${person.firstName} ${person.lastName}: Rolle ${roleLabels[role]}`,
      detail: { personId: person.id, role },
    });
    return person;
  });
}

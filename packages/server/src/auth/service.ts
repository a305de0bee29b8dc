import argon2 from 'argon2';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Me } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { devices, organisations, people, sessions } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';
import { AppError } from '../http/errors.js';
import type { Actor } from './actor.js';
import { hashPassword, replacePassword, timingEqualiserHash } from './passwords.js';
import { passwordLoginRefusal } from './sso/repository.js';
import { newToken, sha256 } from './tokens.js';

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessionHours: number,
    /**
     * Passwords that never log anyone in here (on a production installation: the demo password,
     * published in the README, whatever accounts still carry it).
     */
    private readonly refusedPasswords: readonly string[] = [],
  ) {}

  async login(login: string, password: string): Promise<{ token: string; me: Me; expiresAt: Date }> {
    const [person] = await this.db.select().from(people).where(eq(people.login, login));
    const ok = person?.passwordHash
      ? await argon2.verify(person.passwordHash, password)
      : (await argon2.verify(await timingEqualiserHash(), password), false);
    const now = this.clock.now();
    if (person && ok && this.refusedPasswords.includes(password)) {
      await appendAudit(this.db, {
        orgId: person.orgId,
        at: now,
        actor: { system: login },
        action: 'login.refused_published_password',
        subject: `Person ${person.id}`,
      });
      throw new AppError(
        'invalid_credentials',
        'Dieses Passwort ist veröffentlicht (Demo) und gilt in dieser Installation nicht; bitte ein neues setzen lassen',
      );
    }
    if (person && ok && person.deactivatedAt) {
      await appendAudit(this.db, {
        orgId: person.orgId,
        at: now,
        actor: { system: login },
        action: 'login.refused_deactivated',
        subject: `Person ${person.id}`,
      });
      throw new AppError(
        'invalid_credentials',
        'Dieses Konto ist deaktiviert (im Verzeichnis gesperrt oder ausgeschieden)',
      );
    }
    if (!person || !ok) {
      await appendAudit(this.db, {
        orgId: person?.orgId ?? null,
        at: now,
        actor: { system: login },
        action: 'login.failed',
        subject: `Anmeldung ${login}`,
      });
      throw new AppError('invalid_credentials', 'Anmeldename oder Passwort ist falsch');
    }
    const refusal = await passwordLoginRefusal(this.db, person.orgId, person.login ?? login);
    if (refusal) {
      await appendAudit(this.db, {
        orgId: person.orgId,
        at: now,
        actor: { system: login },
        action: 'login.refused_sso_only',
        subject: `Person ${person.id}`,
      });
      throw new AppError('forbidden', refusal);
    }
    return this.startSession(person, { via: 'password' });
  }

  /**
   * A session for a person whose identity is proven (by password or by the organisation's
   * identity provider): the cookie's token, stored only as its hash, and the login in the audit
   * log in the same transaction. Sessions are local from here on: nothing of the alarm path asks
   * the identity provider again, so it keeps working while that is down.
   */
  async startSession(
    person: Pick<typeof people.$inferSelect, 'id' | 'orgId' | 'firstName' | 'lastName' | 'login'>,
    how: { via: 'password' | 'sso'; tx?: Tx },
  ): Promise<{ token: string; me: Me; expiresAt: Date }> {
    const now = this.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.sessionHours * 3600_000);
    const write = async (tx: Tx) => {
      // Expired sessions go when the next person logs in: no cookie outlives its time, no table grows.
      await tx.delete(sessions).where(lt(sessions.expiresAt, now));
      await tx
        .insert(sessions)
        .values({ tokenHash: sha256(token), orgId: person.orgId, personId: person.id, createdAt: now, expiresAt });
      await appendAudit(tx, {
        orgId: person.orgId,
        at: now,
        actor: { system: `${person.firstName} ${person.lastName} (${person.login ?? ''})` },
        action: how.via === 'sso' ? 'login.sso' : 'login',
        subject: `Person ${person.id}`,
      });
    };
    if (how.tx) await write(how.tx);
    else await this.db.transaction(write);
    return { token, me: await this.me(person.id, how.tx), expiresAt };
  }

  /** The session ends, and with it every realtime connection opened with it (on any instance). */
  async logout(actor: Actor): Promise<void> {
    if (actor.kind !== 'person') return;
    await this.db.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.tokenHash, actor.sessionHash));
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'logout',
        subject: `Person ${actor.personId}`,
      });
      await endAccess(tx, { scope: 'session', sessionHash: actor.sessionHash }, 'session_ended');
    });
  }

  /**
   * A person changes their own password: the current one is required (a session left open on a
   * shared PC must not be enough), and every other session of the person ends with its sockets;
   * the one that made the change stays.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    if (actor.kind !== 'person') throw new AppError('forbidden', 'Nur für angemeldete Personen');
    const [person] = await this.db
      .select({ passwordHash: people.passwordHash })
      .from(people)
      .where(eq(people.id, actor.personId));
    const ok = person?.passwordHash ? await argon2.verify(person.passwordHash, currentPassword) : false;
    const now = this.clock.now();
    if (!ok) {
      await appendAudit(this.db, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'password.change_failed',
        subject: `Person ${actor.personId}`,
      });
      throw new AppError('validation_failed', 'Das bisherige Passwort ist falsch', [
        { path: 'body.currentPassword', message: 'falsch' },
      ]);
    }
    if (newPassword === currentPassword || this.refusedPasswords.includes(newPassword))
      throw new AppError('validation_failed', 'Bitte ein anderes, neues Passwort wählen', [
        { path: 'body.newPassword', message: 'nicht erlaubt' },
      ]);
    const hash = await hashPassword(newPassword);
    await this.db.transaction(async (tx) => {
      await replacePassword(tx, actor.orgId, actor.personId, hash, { setBy: null, keep: actor.sessionHash });
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: now,
        actor,
        action: 'password.changed',
        subject: `Person ${actor.personId}`,
        detail: { otherSessionsEnded: true },
      });
    });
  }

  async me(personId: string, ex: Executor = this.db): Promise<Me> {
    const [row] = await ex
      .select({ p: people, o: organisations })
      .from(people)
      .innerJoin(organisations, eq(organisations.id, people.orgId))
      .where(eq(people.id, personId));
    if (!row || !row.p.login) throw new AppError('unauthenticated', 'Bitte anmelden');
    return {
      personId: row.p.id,
      firstName: row.p.firstName,
      lastName: row.p.lastName,
      login: row.p.login,
      roles: row.p.roles,
      organisation: { id: row.o.id, slug: row.o.slug, name: row.o.name },
    };
  }

  /** The person behind a session cookie, or null when it is unknown or expired. */
  async sessionActor(token: string): Promise<Actor | null> {
    const hash = sha256(token);
    const [row] = await this.db
      .select({ p: people, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(people, eq(people.id, sessions.personId))
      // A session that slipped past a deactivation (a login racing with it) is no session.
      .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, this.clock.now()), isNull(people.deactivatedAt)));
    if (!row || !row.p.login) return null;
    return {
      kind: 'person',
      orgId: row.p.orgId,
      personId: row.p.id,
      roles: row.p.roles,
      name: `${row.p.firstName} ${row.p.lastName}`,
      login: row.p.login,
      sessionHash: hash,
      sessionExpiresAt: row.expiresAt,
    };
  }

  /** The device behind a bearer token. A revoked token is told apart so the agent can say so. */
  async deviceActor(token: string): Promise<Actor> {
    const [d] = await this.db
      .select()
      .from(devices)
      .where(eq(devices.tokenHash, sha256(token)));
    if (!d) throw new AppError('invalid_token', 'Unbekannter Gerätezugang');
    if (d.revokedAt) throw new AppError('token_revoked', 'Der Zugang dieses Geräts wurde gesperrt');
    return { kind: 'device', orgId: d.orgId, deviceId: d.id, personId: d.personId, roomId: d.roomId, name: d.name };
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { defaultPlanSteps, type Role, type SetupAccount, type SetupInput, type SetupResult } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import { hashPassword } from '../auth/passwords.js';
import { newToken } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { alarmPlans, organisations, people } from '../db/schema.js';
import { AppError } from '../http/errors.js';

/** The same lock the demo seed takes: a setup and a demo seed (or two setups) never both create an organisation. */
export const firstOrganisationLock = 7261002;

export const alreadySetUp = () =>
  new AppError('conflict', 'Wachsam ist bereits eingerichtet: es gibt schon eine Organisation');

export async function hasOrganisation(ex: Executor): Promise<boolean> {
  const [row] = await ex.select({ id: organisations.id }).from(organisations).limit(1);
  return row !== undefined;
}

/**
 * The first-run setup (CLI and web form alike): the organisation, its first administrator and,
 * if named, its data-protection officer, with the default alarm plan and nothing else (no demo
 * data). Refused once any organisation exists; two setups at once: one wins, the other is told
 * so. Both people choose their password here, so nobody else knows it (the four-eyes rule
 * depends on that). `by` names who ran it, for the audit log.
 */
export async function createOrganisation(db: Db, clock: Clock, input: SetupInput, by: string): Promise<SetupResult> {
  const accounts: Array<[SetupAccount, Role[]]> = [[input.admin, ['employee', 'admin']]];
  if (input.dataProtection) accounts.push([input.dataProtection, ['employee', 'data_protection']]);
  const hashes = await Promise.all(accounts.map(([a]) => hashPassword(a.password)));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${firstOrganisationLock})`);
    if (await hasOrganisation(tx)) throw alreadySetUp();
    const now = clock.now();
    const [org] = await tx
      .insert(organisations)
      .values({ slug: input.organisation.slug, name: input.organisation.name })
      .returning();
    const orgId = org!.id;
    const actor = { system: by };
    await appendAudit(tx, {
      orgId,
      at: now,
      actor,
      action: 'organisation.created',
      subject: `Organisation ${org!.name} (${org!.slug})`,
    });
    for (const [i, [account, roles]] of accounts.entries()) {
      const [person] = await tx
        .insert(people)
        .values({
          orgId,
          firstName: account.firstName,
          lastName: account.lastName,
          login: account.login,
          passwordHash: hashes[i]!,
          passwordSetBy: null,
          roles,
        })
        .returning({ id: people.id });
      await appendAudit(tx, {
        orgId,
        at: now,
        actor,
        action: 'person.created',
        subject: `Person ${account.firstName} ${account.lastName}`,
        detail: { personId: person!.id, login: account.login, rolesAdded: roles, setup: true },
      });
    }
    await tx
      .insert(alarmPlans)
      .values({ orgId, name: 'Standard-Alarmplan', scope: { kind: 'organisation' }, steps: defaultPlanSteps });
    return {
      organisation: { id: orgId, slug: org!.slug, name: org!.name },
      adminLogin: input.admin.login,
      dataProtectionLogin: input.dataProtection?.login ?? null,
    };
  });
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The one-time web setup. A fresh installation must not belong to whoever reaches it first on
 * the network: the form works only with the code this server printed on its console at start
 * (kept here as a hash, in memory), and the code is void once an organisation exists, whoever
 * created it (this form, the CLI, another instance).
 */
export class SetupGate {
  private codeHash: Buffer | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** At start: with no organisation yet, a fresh one-time code (to print); otherwise null. */
  async open(): Promise<string | null> {
    if (await hasOrganisation(this.db)) return null;
    const code = newToken();
    this.codeHash = digest(code);
    return code;
  }

  async needed(): Promise<boolean> {
    if (!this.codeHash) return false;
    if (!(await hasOrganisation(this.db))) return true;
    this.codeHash = null;
    return false;
  }

  async setup(code: string, input: SetupInput, from: string): Promise<SetupResult> {
    if (!(await this.needed())) throw alreadySetUp();
    const hash = this.codeHash!;
    if (!timingSafeEqual(digest(code), hash))
      throw new AppError(
        'forbidden',
        'Der Einrichtungscode ist falsch (er steht in der Ausgabe des Servers beim Start)',
      );
    try {
      const result = await createOrganisation(this.db, this.clock, input, `Ersteinrichtung (Web-Formular, ${from})`);
      this.codeHash = null;
      return result;
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict' && (await hasOrganisation(this.db))) this.codeHash = null;
      throw err;
    }
  }
}

import argon2 from 'argon2';
import { and, eq, ne } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { people, sessions } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';

/** Argon2id's cost: memory in KiB and passes. Verifying reads the cost from the stored hash. */
export interface PasswordHashCost {
  memoryKib: number;
  passes: number;
}

/** argon2's defaults: 64 MiB, 3 passes (OWASP's minimum is 19 MiB with 2 passes). */
export const defaultPasswordHashCost: PasswordHashCost = { memoryKib: 65_536, passes: 3 };

// Set once at start from the configuration (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_PASSES).
let cost = defaultPasswordHashCost;
let dummy: Promise<string> | null = null;

export function setPasswordHashCost(c: PasswordHashCost): void {
  if (c.memoryKib === cost.memoryKib && c.passes === cost.passes) return;
  cost = c;
  dummy = null;
}

export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: cost.memoryKib, timeCost: cost.passes });

/**
 * A hash of no one's password at the current cost: verifying against it when the login is
 * unknown keeps the answer time the same, so the timing does not tell which logins exist.
 */
export function timingEqualiserHash(): Promise<string> {
  dummy ??= hashPassword('wachsam-timing-equaliser');
  return dummy;
}

/**
 * A new password ends every session of the person but `keep` (the one that changed it, if the
 * person changed their own), and every realtime connection opened with them, on every instance,
 * once the transaction commits: a change after a leak must lock the old holder out. `setBy`
 * names who else knows it (an administrator who set it), null when the holder chose it. Returns
 * false when the person is not in this organisation.
 */
export async function replacePassword(
  tx: Tx,
  orgId: string,
  personId: string,
  hash: string,
  opts: { setBy: string | null; keep?: string },
): Promise<boolean> {
  const keep = opts.keep;
  const [row] = await tx
    .update(people)
    .set({ passwordHash: hash, passwordSetBy: opts.setBy })
    .where(and(eq(people.orgId, orgId), eq(people.id, personId)))
    .returning({ id: people.id });
  if (!row) return false;
  await tx
    .delete(sessions)
    .where(and(eq(sessions.personId, personId), keep ? ne(sessions.tokenHash, keep) : undefined));
  await endAccess(tx, { scope: 'sessions-of', personId, ...(keep ? { except: keep } : {}) }, 'password_changed');
  return true;
}

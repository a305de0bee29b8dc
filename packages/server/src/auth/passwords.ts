import argon2 from 'argon2';
import { and, eq, ne } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { people, sessions } from '../db/schema.js';
import { endAccess } from '../delivery/access.js';

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

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

import { eq, inArray } from 'drizzle-orm';
import type { Role, SocketEndReason } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { devices, people, sessions } from '../db/schema.js';
import type { SocketOwner } from './access.js';

type Owner = SocketOwner & { roles: readonly Role[]; tokenHash: string | null };

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean =>
  a.length === b.length && a.every((r) => b.includes(r));

/**
 * For each socket owner: null when what it was opened with still holds, else why it ended.
 * Two queries whatever the number of sockets.
 */
export async function stillValid(ex: Executor, owners: Owner[], now: Date): Promise<Array<SocketEndReason | null>> {
  const hashes = [...new Set(owners.flatMap((o) => (o.sessionHash ? [o.sessionHash] : [])))];
  const deviceIds = [...new Set(owners.flatMap((o) => (o.deviceId ? [o.deviceId] : [])))];
  const sessionRows = hashes.length
    ? await ex
        .select({ hash: sessions.tokenHash, expiresAt: sessions.expiresAt, person: people })
        .from(sessions)
        .innerJoin(people, eq(people.id, sessions.personId))
        .where(inArray(sessions.tokenHash, hashes))
    : [];
  const deviceRows = deviceIds.length ? await ex.select().from(devices).where(inArray(devices.id, deviceIds)) : [];
  const bySession = new Map(sessionRows.map((r) => [r.hash, r]));
  const byDevice = new Map(deviceRows.map((d) => [d.id, d]));
  return owners.map((o): SocketEndReason | null => {
    if (o.sessionHash) {
      const s = bySession.get(o.sessionHash);
      if (!s || !s.person.login) return 'session_ended';
      if (s.expiresAt <= now) return 'session_expired';
      if (!sameRoles(s.person.roles, o.roles)) return 'roles_changed';
      return null;
    }
    if (o.deviceId) {
      const d = byDevice.get(o.deviceId);
      if (!d) return 'device_removed';
      if (d.revokedAt || d.tokenHash !== o.tokenHash) return 'token_revoked';
      if (d.personId !== o.personId) return 'roles_changed';
    }
    return null;
  });
}

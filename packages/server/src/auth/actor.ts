import type { Role } from '@wachsam/protocol';

/** Who is calling: a person with a session, or an enrolled device with its token. */
export type Actor =
  | {
      kind: 'person';
      orgId: string;
      personId: string;
      roles: Role[];
      name: string;
      login: string;
      sessionHash: string;
      /** When the session ends by itself: its realtime connections end then too. */
      sessionExpiresAt: Date;
    }
  | {
      kind: 'device';
      orgId: string;
      deviceId: string;
      /** The person the workstation belongs to, if any: they receive alarms on it. */
      personId: string | null;
      /** Null for a phone. */
      roomId: string | null;
      name: string;
    };

export const actorLabel = (a: Actor): string => (a.kind === 'person' ? `${a.name} (${a.login})` : `Gerät ${a.name}`);

export const hasRole = (a: Actor, roles: readonly Role[]): boolean =>
  a.kind === 'person' && a.roles.some((r) => roles.includes(r));

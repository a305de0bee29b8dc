import { sql } from 'drizzle-orm';
import { socketEndReasons, type SocketEndReason } from '@wachsam/protocol';
import { eventsChannel, type Tx } from '../db/client.js';
import { announceAfterCommit } from '../db/commits.js';

/**
 * What ended, so that the realtime connections opened with it end too:
 * - `session`: one login session (logout, or its person lost the login);
 * - `sessions-of`: every session of a person, optionally except the caller's own (password
 *   changed, roles changed);
 * - `person`: the person's sessions and the devices bound to them (person removed);
 * - `device`: one device's token (revoked, re-enrolled, removed, bound elsewhere).
 */
export type AccessEnd =
  | { scope: 'session'; sessionHash: string }
  | { scope: 'sessions-of'; personId: string; except?: string }
  | { scope: 'person'; personId: string }
  | { scope: 'device'; deviceId: string };

const prefix = 'access:';

export const isAccessPayload = (payload: string): boolean => payload.startsWith(prefix);

/**
 * Inside the transaction that ends an access: once it commits, every instance closes the
 * sockets opened with it (this one at once, the others by NOTIFY; a lost NOTIFY is made good
 * by the sockets' periodic revalidation).
 */
export async function endAccess(tx: Tx, end: AccessEnd, reason: SocketEndReason): Promise<void> {
  const payload = formatAccessEnd(end, reason);
  await tx.execute(sql`select pg_notify(${eventsChannel}, ${payload})`);
  announceAfterCommit(tx, payload);
}

export function formatAccessEnd(end: AccessEnd, reason: SocketEndReason): string {
  switch (end.scope) {
    case 'session':
      return `${prefix}session:${end.sessionHash}:${reason}`;
    case 'sessions-of':
      return `${prefix}sessions-of:${end.personId}:${reason}${end.except ? `:${end.except}` : ''}`;
    case 'person':
      return `${prefix}person:${end.personId}:${reason}`;
    case 'device':
      return `${prefix}device:${end.deviceId}:${reason}`;
  }
}

export function parseAccessEnd(payload: string): { end: AccessEnd; reason: SocketEndReason } | null {
  if (!payload.startsWith(prefix)) return null;
  const [scope, id, reason, except] = payload.slice(prefix.length).split(':');
  if (!id || !socketEndReasons.includes(reason as SocketEndReason)) return null;
  const r = reason as SocketEndReason;
  switch (scope) {
    case 'session':
      return { end: { scope, sessionHash: id }, reason: r };
    case 'sessions-of':
      return { end: { scope, personId: id, ...(except ? { except } : {}) }, reason: r };
    case 'person':
      return { end: { scope, personId: id }, reason: r };
    case 'device':
      return { end: { scope, deviceId: id }, reason: r };
    default:
      return null;
  }
}

/** What a realtime connection was opened with. */
export interface SocketOwner {
  sessionHash: string | null;
  personId: string | null;
  deviceId: string | null;
}

export function matches(end: AccessEnd, o: SocketOwner): boolean {
  switch (end.scope) {
    case 'session':
      return o.sessionHash === end.sessionHash;
    case 'sessions-of':
      return o.sessionHash !== null && o.personId === end.personId && o.sessionHash !== end.except;
    case 'person':
      return o.personId === end.personId;
    case 'device':
      return o.deviceId === end.deviceId;
  }
}

/** What the client reads before the socket closes, in German (the console and agent show it). */
export const endMessages: Record<SocketEndReason, string> = {
  session_ended: 'Sie wurden abgemeldet.',
  session_expired: 'Die Anmeldung ist abgelaufen; bitte neu anmelden.',
  password_changed: 'Das Passwort wurde geändert; bitte neu anmelden.',
  person_removed: 'Diese Person wurde entfernt.',
  roles_changed: 'Die Rechte wurden geändert; die Verbindung wird neu aufgebaut.',
  token_revoked: 'Der Zugang dieses Geräts wurde gesperrt.',
  device_removed: 'Dieses Gerät wurde entfernt.',
};

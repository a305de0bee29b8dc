/**
 * The sender's outbox: one pending raise, kept in localStorage with its idempotency key until
 * the server has confirmed it. A reload, a crash of the tab or a network failure therefore
 * leads to a retry with the same key (the server answers with the same alarm), never to a
 * lost alarm and never to a second one.
 */
export interface PendingRaise {
  key: string;
  /** Only the person who pressed may resume it (shared browsers at a front desk). */
  personId: string;
  triggeredAt: string;
}

/** A raise older than this is not resumed after a reload: it would alarm about the past. */
export const resumeWithinMs = 15 * 60_000;

const storageKey = 'wachsam.outbox.raise';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function newPendingRaise(personId: string, now: Date = new Date()): PendingRaise {
  return { key: crypto.randomUUID(), personId, triggeredAt: now.toISOString() };
}

export function savePending(store: KeyValueStore, pending: PendingRaise): void {
  try {
    store.setItem(storageKey, JSON.stringify(pending));
  } catch {
    // storage full or blocked: the raise still goes out, it is only not resumable after reload
  }
}

/** The pending raise of this person, if it is recent enough to resume. */
export function loadPending(store: KeyValueStore, personId: string, now: number = Date.now()): PendingRaise | null {
  try {
    const raw = store.getItem(storageKey);
    if (!raw) return null;
    const value: unknown = JSON.parse(raw);
    if (
      typeof value === 'object' &&
      value !== null &&
      'key' in value &&
      'personId' in value &&
      'triggeredAt' in value &&
      typeof value.key === 'string' &&
      value.personId === personId &&
      typeof value.triggeredAt === 'string' &&
      now - Date.parse(value.triggeredAt) < resumeWithinMs
    ) {
      return { key: value.key, personId, triggeredAt: value.triggeredAt };
    }
  } catch {
    // unreadable: treat as empty
  }
  return null;
}

export function clearPending(store: KeyValueStore): void {
  try {
    store.removeItem(storageKey);
  } catch {
    // nothing to do
  }
}

/** Errors after which the same request may succeed: retry with the same key. */
export function isRetryable(status: number, code: string): boolean {
  return code === 'network_error' || code === 'rate_limited' || status === 0 || status >= 500 || status === 408;
}

/** Retry delays: fast at first (an alarm must go out within seconds), then every 5 s. */
export function retryDelay(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 5000);
}

import { isFinalRejection, isTooOldToSend, type Alarm, type RaiseAlarmResponse } from '@wachsam/protocol';
import { answerOf, messageOf, RequestError } from '../api/http.js';
import { newIdempotencyKey } from '../api/idempotency.js';

/**
 * The sender's outbox: one pending raise, kept in localStorage with its idempotency key until
 * the server has confirmed it. A reload, a crash of the tab or a network failure therefore
 * leads to a retry with the same key (the server answers with the same alarm), never to a
 * lost alarm and never to a second one. A raise older than the protocol's outbox age is not
 * sent on its own any more, but it is kept and shown until the person decides.
 */
export interface PendingRaise {
  key: string;
  /** Only the person who pressed may resume it (shared browsers at a front desk). */
  personId: string;
  triggeredAt: string;
}

const storageKey = 'wachsam.outbox.raise';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function newPendingRaise(personId: string, now: Date = new Date()): PendingRaise {
  return { key: newIdempotencyKey(), personId, triggeredAt: now.toISOString() };
}

export function savePending(store: KeyValueStore, pending: PendingRaise): void {
  try {
    store.setItem(storageKey, JSON.stringify(pending));
  } catch {
    // storage full or blocked: the raise still goes out, it is only not resumable after reload
  }
}

/** The pending raise of this person, however old: a too-old one is shown, never dropped silently. */
export function loadPending(store: KeyValueStore, personId: string): PendingRaise | null {
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
      !Number.isNaN(Date.parse(value.triggeredAt))
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

/** Retry delays: fast at first (an alarm must go out within seconds), then every 5 s. */
export function retryDelay(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 5000);
}

/**
 * What a sender's screen (console or phone) does with one attempt to raise. Only `confirmed`
 * may say "Alarm gesendet"; everything else keeps the press and says what is true.
 */
export type RaiseVerdict =
  | { kind: 'confirmed'; result: RaiseAlarmResponse }
  /** The key matched an alarm that is already over: no alarm was raised by this attempt. */
  | { kind: 'already_closed'; alarm: Alarm }
  /** The server knows this key from a different press: send the same press under a new key. */
  | { kind: 'other_press' }
  /** No final answer yet: retry with the same key. */
  | { kind: 'retry'; message: string }
  /** Not sent any more on its own (protocol `isTooOldToSend`): kept, the person decides. */
  | { kind: 'too_old' }
  /** The server refused for good (e.g. the phone was revoked). */
  | { kind: 'refused'; message: string; code: string };

export type AnswerVerdict = Extract<RaiseVerdict, { kind: 'confirmed' | 'already_closed' }>;
export type FailureVerdict = Exclude<RaiseVerdict, AnswerVerdict>;

/** A 201. A replayed answer for an alarm that is over is not a confirmation of this press. */
export function judgeAnswer(result: RaiseAlarmResponse): AnswerVerdict {
  if (result.replayed && result.alarm.status === 'resolved') return { kind: 'already_closed', alarm: result.alarm };
  return { kind: 'confirmed', result };
}

/** A failed attempt of the press made at `triggeredAt`, by the protocol's one retry rule. */
export function judgeFailure(err: unknown, triggeredAt: string, now: number = Date.now()): FailureVerdict {
  if (err instanceof RequestError && err.code === 'idempotency_conflict') return { kind: 'other_press' };
  if (isFinalRejection(answerOf(err))) {
    return { kind: 'refused', message: messageOf(err), code: err instanceof RequestError ? err.code : 'unknown' };
  }
  if (isTooOldToSend(triggeredAt, now)) return { kind: 'too_old' };
  return { kind: 'retry', message: messageOf(err) };
}

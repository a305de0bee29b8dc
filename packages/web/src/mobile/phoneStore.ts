import { smsIdempotencyKey, type Me, type PhoneEnrolment, type Position } from '@wachsam/protocol';
import type { KeyValueStore } from '../alarms/outbox.js';

/**
 * What the phone keeps in localStorage: its enrolment (token, SMS code and key), the trigger
 * counter, and the outbox of triggers the server has not confirmed yet. All of it is bound to
 * the person who enrolled the phone, so a second login on the same phone never sends as them.
 */
export interface StoredPhone {
  personId: string;
  enrolment: PhoneEnrolment;
  /** The counter of the last trigger (0: none yet). */
  counter: number;
}

/** A trigger waiting for the server's 201. Its key is also what the SMS of the same trigger carries. */
export interface PendingTrigger {
  counter: number;
  key: string;
  triggeredAt: string;
  position: Position | null;
  /** The alarm SMS of this trigger, ready to send (null when the phone has no SMS number). */
  smsText: string | null;
}

const phoneKey = 'wachsam.phone';
const outboxKey = 'wachsam.phone.outbox';
const handsFreeKey = 'wachsam.phone.handsFreeKey';
export const defaultHandsFreeKey = 'F9';

function read(store: KeyValueStore, key: string): unknown {
  try {
    const raw = store.getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

export function loadPhone(store: KeyValueStore, personId: string): StoredPhone | null {
  const value = read(store, phoneKey) as StoredPhone | null;
  if (!value || value.personId !== personId || typeof value.enrolment?.token !== 'string') return null;
  return { ...value, counter: Number.isInteger(value.counter) ? value.counter : 0 };
}

/** Throws when the storage refuses: an enrolment that is not kept must not look kept. */
export function savePhone(store: KeyValueStore, phone: StoredPhone): void {
  store.setItem(phoneKey, JSON.stringify(phone));
}

export function forgetPhone(store: KeyValueStore): void {
  store.removeItem(phoneKey);
  store.removeItem(outboxKey);
}

/**
 * The lowest trigger number a phone ever uses (keys `sms-00000001` and up). Counters only
 * increase; the server requires nothing else (an SMS with a counter at or below the highest it
 * accepted from this phone is a replay).
 */
export const firstCounter = 1;

/**
 * The next trigger number, persisted BEFORE anything is sent: if the app dies mid-send, the
 * next trigger still gets a new number, so the server never mistakes it for a replay.
 *
 * It is at least the current Unix time in seconds: storage can be lost or restored from an
 * old backup, and a counter that started again at 1 would repeat a key the server already
 * knows, answered with an old alarm. Time moves on whatever the storage says, so a press after
 * a storage loss still gets a number never used before (10 digits, the SMS allows 12).
 * `atLeast` is for a key the server said belongs to another press.
 */
export function nextCounter(
  store: KeyValueStore,
  phone: StoredPhone,
  now: number = Date.now(),
  atLeast: number = firstCounter,
): StoredPhone {
  const next = { ...phone, counter: Math.max(phone.counter + 1, Math.floor(now / 1000), atLeast, firstCounter) };
  savePhone(store, next);
  return next;
}

export function newTrigger(counter: number, position: Position | null, now: Date = new Date()): PendingTrigger {
  return { counter, key: smsIdempotencyKey(counter), triggeredAt: now.toISOString(), position, smsText: null };
}

export function loadOutbox(store: KeyValueStore): PendingTrigger[] {
  const value = read(store, outboxKey);
  return Array.isArray(value) ? (value as PendingTrigger[]).filter((t) => typeof t?.key === 'string') : [];
}

export function saveTrigger(store: KeyValueStore, trigger: PendingTrigger): void {
  const rest = loadOutbox(store).filter((t) => t.key !== trigger.key);
  store.setItem(outboxKey, JSON.stringify([...rest, trigger]));
}

/**
 * A new press replaces what the outbox held: only one trigger is in flight at a time, and an
 * older one still there was too old to send or superseded by this press.
 */
export function startTrigger(store: KeyValueStore, trigger: PendingTrigger): void {
  store.setItem(outboxKey, JSON.stringify([trigger]));
}

/** The same press under a new counter (the server knew the old key from another press). */
export function renumberTrigger(store: KeyValueStore, old: PendingTrigger, counter: number): PendingTrigger {
  const renumbered = { ...old, counter, key: smsIdempotencyKey(counter), smsText: null };
  store.setItem(outboxKey, JSON.stringify([...loadOutbox(store).filter((t) => t.key !== old.key), renumbered]));
  return renumbered;
}

/** Removed only after the server answered for good (201, refusal) or the person discarded it. */
export function removeTrigger(store: KeyValueStore, key: string): void {
  store.setItem(outboxKey, JSON.stringify(loadOutbox(store).filter((t) => t.key !== key)));
}

export function loadHandsFreeKey(store: KeyValueStore): string {
  try {
    return store.getItem(handsFreeKey) || defaultHandsFreeKey;
  } catch {
    return defaultHandsFreeKey;
  }
}

export function saveHandsFreeKey(store: KeyValueStore, key: string): void {
  store.setItem(handsFreeKey, key);
}

const meKey = 'wachsam.phone.me';

/**
 * The logged-in person as last confirmed by the server, so the trigger screen opens without
 * network (the SMS path needs no server). Removed at logout.
 */
export function saveMeSnapshot(store: KeyValueStore, me: Me): void {
  try {
    store.setItem(meKey, JSON.stringify(me));
  } catch {
    // without it the app needs the network to open; the alarm path itself is unaffected
  }
}

export function loadMeSnapshot(store: KeyValueStore): Me | null {
  const me = read(store, meKey) as Me | null;
  return me && typeof me.personId === 'string' && loadPhone(store, me.personId) ? me : null;
}

export function forgetMeSnapshot(store: KeyValueStore): void {
  store.removeItem(meKey);
}

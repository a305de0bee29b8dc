/**
 * A fresh idempotency key: 128 random bits as hex. `crypto.randomUUID` exists only in secure
 * contexts; `getRandomValues` everywhere, so a console served over plain HTTP under an intranet
 * name can still raise an alarm.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

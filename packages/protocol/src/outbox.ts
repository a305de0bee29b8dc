/**
 * One rule for every sender's outbox (desktop agent, console, phone app): a trigger that could
 * not be delivered for this long is no longer sent on its own. An alarm about a situation a
 * quarter of an hour ago would send helpers to something that is over, or escalate to the
 * control centre for nothing; so the trigger is kept (the agent moves it to `outbox/failed/`,
 * the browser keeps showing it) and the person is told loudly, to decide and get help another
 * way if it is still needed. Younger triggers are retried with the same key until the server
 * confirms them.
 */
export const outboxMaxAgeMs = 15 * 60_000;

/** True when a trigger pressed at `triggeredAt` is too old to be sent on its own. */
export const isTooOldToSend = (triggeredAt: string, now: number = Date.now()): boolean =>
  now - Date.parse(triggeredAt) > outboxMaxAgeMs;

/** The code under which a too-old trigger is kept (agent `outbox/failed/`, browser state). */
export const tooOldCode = 'too_old';

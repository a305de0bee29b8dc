import {
  idempotencyHeader,
  isFinalRejection,
  isTooOldToSend,
  outboxMaxAgeMs,
  tooOldCode,
  type RaiseAlarmResponse,
} from '@wachsam/protocol';
import type { ApiClient, ApiFailure } from './client.js';
import type { FailedEntry, Outbox, OutboxEntry } from './outbox.js';

export type DeliveryOutcome =
  | { kind: 'delivered'; entry: OutboxEntry; response: RaiseAlarmResponse | null }
  | { kind: 'pending'; entry: OutboxEntry; failure: ApiFailure }
  /** Moved to `outbox/failed/`: refused by the server for good, or too old to send (`record.code`). */
  | { kind: 'failed'; entry: OutboxEntry; record: FailedEntry };

/** 200 or 201 from the raise route means: committed (a replay of the same key answers 200 or 201). */
function isCommitted(status: number | null): boolean {
  return status === 200 || status === 201;
}

/**
 * One attempt. The entry is removed only after the server confirmed the commit; an answer we
 * cannot read but whose status says "committed" still counts (retrying would only replay).
 * Everything that is neither confirmed nor a final rejection (the protocol's one rule,
 * `isFinalRejection`) stays pending for the next try.
 *
 * A press older than the protocol's outbox age (15 min) is not sent at all, on every path
 * (`trigger`, `run`, `drain`): an alarm about a situation a quarter of an hour ago would send
 * helpers to something that is over or escalate to the control centre for nothing. It is kept
 * in `outbox/failed/` under `too_old` and the caller tells the person loudly, who decides.
 */
export async function deliverOnce(
  client: ApiClient,
  outbox: Outbox,
  entry: OutboxEntry,
  timeoutMs = 5_000,
): Promise<DeliveryOutcome> {
  if (isTooOldToSend(entry.request.triggeredAt)) {
    const minutes = outboxMaxAgeMs / 60_000;
    const record = await outbox.fail(entry, {
      status: null,
      code: tooOldCode,
      message: `Nicht gesendet: älter als ${minutes} Minuten`,
    });
    return { kind: 'failed', entry, record };
  }
  const result = await client.call('raiseAlarm', {
    body: entry.request,
    headers: { [idempotencyHeader]: entry.key },
    timeoutMs,
  });
  if (result.ok) {
    await outbox.confirm(entry);
    return { kind: 'delivered', entry, response: result.data };
  }
  if (isCommitted(result.status)) {
    await outbox.confirm(entry);
    return { kind: 'delivered', entry, response: null };
  }
  if (isFinalRejection(result)) {
    const record = await outbox.fail(entry, { status: result.status, code: result.code, message: result.message });
    return { kind: 'failed', entry, record };
  }
  return { kind: 'pending', entry, failure: result };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry delays: quick at first (a restarting server is back within a second), then every 2 s. */
export function backoffMs(attempt: number): number {
  return Math.min(2_000, 250 * 2 ** attempt);
}

/**
 * Retry one entry until it is delivered, finally rejected, or `budgetMs` is spent. Used by
 * `trigger`: the person pressing wants an answer within seconds; what is left stays in the
 * outbox for `run`.
 */
export async function deliverWithin(
  client: ApiClient,
  outbox: Outbox,
  entry: OutboxEntry,
  budgetMs: number,
  onRetry: (outcome: DeliveryOutcome, attempt: number) => void = () => undefined,
): Promise<DeliveryOutcome> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - Date.now();
    const outcome = await deliverOnce(client, outbox, entry, Math.max(500, Math.min(5_000, remaining)));
    if (outcome.kind !== 'pending') return outcome;
    const wait = backoffMs(attempt);
    if (Date.now() + wait >= deadline) return outcome;
    onRetry(outcome, attempt);
    await sleep(wait);
  }
}

/**
 * Sends every pending entry, in parallel (one slow request must not hold up another alarm).
 * An entry already being sent by this process is skipped; another process sending the same
 * entry at the same time is harmless, because the idempotency key makes it one alarm.
 */
export class Drainer {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly client: ApiClient,
    private readonly outbox: Outbox,
  ) {}

  async drain(): Promise<{ outcomes: DeliveryOutcome[]; unreadable: string[] }> {
    const { entries, unreadable } = await this.outbox.pending();
    const fresh = entries.filter((e) => !this.inFlight.has(e.key));
    const outcomes = await Promise.all(
      fresh.map(async (entry) => {
        this.inFlight.add(entry.key);
        try {
          return await deliverOnce(this.client, this.outbox, entry);
        } finally {
          this.inFlight.delete(entry.key);
        }
      }),
    );
    return { outcomes, unreadable };
  }
}

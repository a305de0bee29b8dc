import { isTooOldToSend, routes, type Alarm, type RaiseAlarmResponse } from '@wachsam/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../api/http.js';
import { newIdempotencyKey } from '../api/idempotency.js';
import {
  clearPending,
  judgeAnswer,
  judgeFailure,
  loadPending,
  newPendingRaise,
  retryDelay,
  savePending,
  type PendingRaise,
} from './outbox.js';

export type RaiseState =
  | { kind: 'idle' }
  | { kind: 'sending'; attempt: number; lastError: string | null }
  | { kind: 'sent'; result: RaiseAlarmResponse }
  /** The answer named an alarm that is already over: nothing was raised now. */
  | { kind: 'already_closed'; alarm: Alarm }
  /** Not confirmed within the outbox age: kept, not sent on its own any more. */
  | { kind: 'too_old'; pending: PendingRaise }
  | { kind: 'failed'; message: string };

export interface Raise {
  state: RaiseState;
  raise: () => void;
  /** A new press (new key, new press time) instead of a too-old or already closed one. */
  raiseAgain: () => void;
  /** Drops a too-old press for good. */
  discard: () => void;
  reset: () => void;
}

/**
 * Raising an alarm from the console. The idempotency key is made once per press and kept in
 * the outbox; every retry (network error, 5xx, rate limit, reload of the page) sends the same
 * key, so the server raises exactly one alarm however often the request goes out. Only an
 * answer that raised or repeats an open alarm shows "sent".
 */
export function useRaise(personId: string): Raise {
  const [state, setState] = useState<RaiseState>({ kind: 'idle' });
  const inFlight = useRef<PendingRaise | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const finish = useCallback((next: RaiseState, keep = false) => {
    if (!keep) clearPending(localStorage);
    inFlight.current = null;
    setState(next);
  }, []);

  const send = useCallback(
    (pending: PendingRaise, attempt: number) => {
      setState({ kind: 'sending', attempt, lastError: null });
      call(routes.raiseAlarm, {
        headers: { 'Idempotency-Key': pending.key },
        body: { source: 'console', triggeredAt: pending.triggeredAt },
      }).then(
        (result) => {
          if (inFlight.current !== pending) return;
          const verdict = judgeAnswer(result);
          finish(
            verdict.kind === 'confirmed' ? { kind: 'sent', result } : { kind: 'already_closed', alarm: result.alarm },
          );
        },
        (err: unknown) => {
          if (inFlight.current !== pending) return;
          const verdict = judgeFailure(err, pending.triggeredAt);
          switch (verdict.kind) {
            case 'refused':
              // A lapsed session is not a "no" to the alarm: the press stays in the outbox and
              // goes out again (same key) as soon as the person has logged in again.
              return finish({ kind: 'failed', message: verdict.message }, verdict.code === 'unauthenticated');
            case 'too_old':
              return finish({ kind: 'too_old', pending }, true);
            case 'other_press': {
              // Same press, same press time, a key nobody used yet.
              const renewed = { ...pending, key: newIdempotencyKey() };
              savePending(localStorage, renewed);
              inFlight.current = renewed;
              return send(renewed, attempt + 1);
            }
            default:
              setState({ kind: 'sending', attempt: attempt + 1, lastError: verdict.message });
              timer.current = setTimeout(() => send(pending, attempt + 1), retryDelay(attempt));
          }
        },
      );
    },
    [finish],
  );

  const start = useCallback(
    (pending: PendingRaise) => {
      if (timer.current) clearTimeout(timer.current);
      savePending(localStorage, pending);
      inFlight.current = pending;
      send(pending, 0);
    },
    [send],
  );

  const raise = useCallback(() => {
    if (inFlight.current) return; // one press, one alarm
    start(newPendingRaise(personId));
  }, [personId, start]);

  const raiseAgain = useCallback(() => {
    if (inFlight.current) return;
    clearPending(localStorage);
    start(newPendingRaise(personId));
  }, [personId, start]);

  // A raise that was still unconfirmed when the page was closed goes out again, same key,
  // unless it is too old: then it is shown, and the person decides.
  useEffect(() => {
    const pending = loadPending(localStorage, personId);
    if (pending && !inFlight.current) {
      if (isTooOldToSend(pending.triggeredAt)) setState({ kind: 'too_old', pending });
      else {
        inFlight.current = pending;
        send(pending, 0);
      }
    }
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [personId, send]);

  const discard = useCallback(() => {
    if (inFlight.current) return;
    clearPending(localStorage);
    setState({ kind: 'idle' });
  }, []);

  const reset = useCallback(() => {
    if (inFlight.current) return;
    setState({ kind: 'idle' });
  }, []);

  return { state, raise, raiseAgain, discard, reset };
}

import { routes, type RaiseAlarmResponse } from '@wachsam/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, RequestError } from '../api/http.js';
import {
  clearPending,
  isRetryable,
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
  | { kind: 'failed'; message: string };

/**
 * Raising an alarm from the console. The idempotency key is made once per press and kept in
 * the outbox; every retry (network error, 5xx, rate limit, reload of the page) sends the same
 * key, so the server raises exactly one alarm however often the request goes out.
 */
export function useRaise(personId: string): { state: RaiseState; raise: () => void; reset: () => void } {
  const [state, setState] = useState<RaiseState>({ kind: 'idle' });
  const inFlight = useRef<PendingRaise | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const send = useCallback((pending: PendingRaise, attempt: number) => {
    setState({ kind: 'sending', attempt, lastError: null });
    call(routes.raiseAlarm, {
      headers: { 'Idempotency-Key': pending.key },
      body: { source: 'console', triggeredAt: pending.triggeredAt },
    }).then(
      (result) => {
        clearPending(localStorage);
        inFlight.current = null;
        setState({ kind: 'sent', result });
      },
      (err: unknown) => {
        if (inFlight.current !== pending) return;
        const status = err instanceof RequestError ? err.status : 0;
        const code = err instanceof RequestError ? err.code : 'network_error';
        const message = err instanceof Error ? err.message : String(err);
        if (!isRetryable(status, code)) {
          clearPending(localStorage);
          inFlight.current = null;
          setState({ kind: 'failed', message });
          return;
        }
        setState({ kind: 'sending', attempt: attempt + 1, lastError: message });
        timer.current = setTimeout(() => send(pending, attempt + 1), retryDelay(attempt));
      },
    );
  }, []);

  const raise = useCallback(() => {
    if (inFlight.current) return; // one press, one alarm
    const pending = newPendingRaise(personId);
    savePending(localStorage, pending);
    inFlight.current = pending;
    send(pending, 0);
  }, [personId, send]);

  // A raise that was still unconfirmed when the page was closed goes out again, same key.
  useEffect(() => {
    const pending = loadPending(localStorage, personId);
    if (pending && !inFlight.current) {
      inFlight.current = pending;
      send(pending, 0);
    }
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [personId, send]);

  const reset = useCallback(() => {
    if (inFlight.current) return;
    setState({ kind: 'idle' });
  }, []);

  return { state, raise, reset };
}

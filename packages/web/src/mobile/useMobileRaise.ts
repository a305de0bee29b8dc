import { routes, type Alarm } from '@wachsam/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, RequestError } from '../api/http.js';
import { isRetryable, resumeWithinMs, retryDelay } from '../alarms/outbox.js';
import { positionWithin } from './position.js';
import {
  loadOutbox,
  loadPhone,
  newTrigger,
  nextCounter,
  removeTrigger,
  saveTrigger,
  type PendingTrigger,
  type StoredPhone,
} from './phoneStore.js';
import { alarmSmsText } from './sms.js';

export type MobileRaiseState =
  | { kind: 'idle' }
  | { kind: 'sending'; trigger: PendingTrigger; attempt: number; lastError: string | null }
  | { kind: 'sent'; alarm: Alarm; receiversOnline: number }
  | { kind: 'failed'; trigger: PendingTrigger; message: string };

/** How long the raise waits for a position at most: the alarm is never later than this for it. */
export const positionWaitMs = 1000;

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/**
 * The phone's raise. Order matters for the guarantees:
 * 1. the counter is persisted first (a new trigger always gets a new number, never a replay),
 * 2. the trigger goes into the outbox with key `sms-<counter>` (the same key its SMS carries,
 *    so SMS and online retry are one alarm on the server),
 * 3. it is sent with the phone's token and retried with the same key until the server answers
 *    201 — when the `online` event fires, and every few seconds.
 * Only the 201 moves the screen to "sent"; anything else stays "Wird gesendet…" or "failed".
 */
export function useMobileRaise(personId: string): { state: MobileRaiseState; trigger: () => void; reset: () => void } {
  const [state, setState] = useState<MobileRaiseState>({ kind: 'idle' });
  const inFlight = useRef<PendingTrigger | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const attempts = useRef(0);

  const send = useCallback(
    (trigger: PendingTrigger) => {
      const phone = loadPhone(localStorage, personId);
      if (!phone) return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      const attempt = attempts.current;
      call(routes.raiseAlarm, {
        headers: { ...bearer(phone.enrolment.token), 'Idempotency-Key': trigger.key },
        body: {
          source: 'mobile',
          triggeredAt: trigger.triggeredAt,
          ...(trigger.position ? { position: trigger.position } : {}),
        },
      }).then(
        (result) => {
          if (inFlight.current?.key !== trigger.key) return;
          removeTrigger(localStorage, trigger.key);
          inFlight.current = null;
          setState({ kind: 'sent', alarm: result.alarm, receiversOnline: result.receiversOnline });
          navigator.vibrate?.([200, 100, 200]);
        },
        (err: unknown) => {
          if (inFlight.current?.key !== trigger.key) return;
          const status = err instanceof RequestError ? err.status : 0;
          const code = err instanceof RequestError ? err.code : 'network_error';
          const message = err instanceof Error ? err.message : String(err);
          // The outbox entry may have gained its SMS text meanwhile: show the latest.
          const latest = inFlight.current;
          if (!isRetryable(status, code)) {
            // Refused for good (e.g. the phone was revoked): say so; the SMS path stays offered.
            removeTrigger(localStorage, trigger.key);
            inFlight.current = null;
            setState({ kind: 'failed', trigger: latest, message });
            return;
          }
          attempts.current = attempt + 1;
          setState({ kind: 'sending', trigger: latest, attempt: attempt + 1, lastError: message });
          timer.current = setTimeout(() => send(latest), retryDelay(attempt));
        },
      );
    },
    [personId],
  );

  /** Updates the outbox entry (position, SMS text) and the screen, if still in flight. */
  const update = useCallback((trigger: PendingTrigger) => {
    if (inFlight.current?.key !== trigger.key) return;
    inFlight.current = trigger;
    saveTrigger(localStorage, trigger);
    setState((s) => (s.kind === 'sending' ? { ...s, trigger } : s));
  }, []);

  const prepareSms = useCallback(
    (phone: StoredPhone, trigger: PendingTrigger) => {
      const { number, deviceCode, key } = phone.enrolment.sms;
      if (!number) return;
      const pos = trigger.position
        ? { lat: trigger.position.lat, lon: trigger.position.lon, accuracy: trigger.position.accuracy }
        : null;
      alarmSmsText(key, deviceCode, trigger.counter, pos).then(
        (smsText) => update({ ...(inFlight.current ?? trigger), smsText }),
        () => undefined, // no WebCrypto (insecure context): no SMS path, the online path goes on
      );
    },
    [update],
  );

  const trigger = useCallback(() => {
    if (inFlight.current) return; // one trigger, one alarm
    const stored = loadPhone(localStorage, personId);
    if (!stored) return;
    const phone = nextCounter(localStorage, stored);
    const pending = newTrigger(phone.counter, null);
    saveTrigger(localStorage, pending);
    inFlight.current = pending;
    attempts.current = 0;
    setState({ kind: 'sending', trigger: pending, attempt: 0, lastError: null });
    void positionWithin(positionWaitMs).then((position) => {
      const withPosition = { ...pending, position };
      update(withPosition);
      prepareSms(phone, withPosition);
      if (inFlight.current?.key === pending.key) send(inFlight.current);
    });
  }, [personId, prepareSms, send, update]);

  // Unconfirmed triggers from before a reload go out again with their key (recent ones only).
  useEffect(() => {
    const phone = loadPhone(localStorage, personId);
    const recent = loadOutbox(localStorage).filter((t) => Date.now() - Date.parse(t.triggeredAt) < resumeWithinMs);
    const latest = recent.at(-1);
    if (phone && latest && !inFlight.current) {
      inFlight.current = latest;
      setState({ kind: 'sending', trigger: latest, attempt: 0, lastError: null });
      if (!latest.smsText) prepareSms(phone, latest);
      send(latest);
    }
    const online = (): void => {
      if (inFlight.current) send(inFlight.current);
    };
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [personId, prepareSms, send]);

  const reset = useCallback(() => {
    if (inFlight.current) return;
    setState({ kind: 'idle' });
  }, []);

  return { state, trigger, reset };
}

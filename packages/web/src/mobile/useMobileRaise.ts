import { isTooOldToSend, routes, type Alarm } from '@wachsam/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../api/http.js';
import { judgeAnswer, judgeFailure, retryDelay } from '../alarms/outbox.js';
import { positionWithin } from './position.js';
import {
  loadOutbox,
  loadPhone,
  newTrigger,
  nextCounter,
  removeTrigger,
  renumberTrigger,
  saveTrigger,
  startTrigger,
  type PendingTrigger,
  type StoredPhone,
} from './phoneStore.js';
import { alarmSmsText } from './sms.js';

export type MobileRaiseState =
  | { kind: 'idle' }
  | { kind: 'sending'; trigger: PendingTrigger; attempt: number; lastError: string | null }
  | { kind: 'sent'; alarm: Alarm; receiversOnline: number }
  /** The answer named an alarm that is already over: nothing was raised by this press. */
  | { kind: 'already_closed'; alarm: Alarm }
  /** Not confirmed within the outbox age: kept in the outbox, not sent on its own any more. */
  | { kind: 'too_old'; trigger: PendingTrigger }
  | { kind: 'failed'; trigger: PendingTrigger; message: string; code: string };

export interface MobileRaise {
  state: MobileRaiseState;
  /** A press (also "Jetzt neu auslösen"): a new counter, a new key, a new press time. */
  trigger: () => void;
  /** Drops a too-old trigger for good. */
  discard: () => void;
  reset: () => void;
}

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
 * Only a 201 that raised or repeats an open alarm moves the screen to "sent"; a repeat of an
 * alarm that is over says so, a key the server knows from another press gets a new counter.
 */
export function useMobileRaise(personId: string): MobileRaise {
  const [state, setState] = useState<MobileRaiseState>({ kind: 'idle' });
  const inFlight = useRef<PendingTrigger | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const attempts = useRef(0);

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
          if (judgeAnswer(result).kind === 'already_closed') {
            setState({ kind: 'already_closed', alarm: result.alarm });
            return;
          }
          setState({ kind: 'sent', alarm: result.alarm, receiversOnline: result.receiversOnline });
          navigator.vibrate?.([200, 100, 200]);
        },
        (err: unknown) => {
          // The outbox entry may have gained its SMS text meanwhile: work with the latest.
          const latest = inFlight.current;
          if (latest?.key !== trigger.key) return;
          const verdict = judgeFailure(err, latest.triggeredAt);
          attempts.current = attempt + 1;
          switch (verdict.kind) {
            case 'refused':
              // Refused for good (e.g. the phone was revoked): say so; the SMS path stays offered.
              removeTrigger(localStorage, latest.key);
              inFlight.current = null;
              setState({ kind: 'failed', trigger: latest, message: verdict.message, code: verdict.code });
              return;
            case 'too_old':
              // Kept in the outbox and shown; the person decides (raise anew or discard).
              inFlight.current = null;
              setState({ kind: 'too_old', trigger: latest });
              return;
            case 'other_press': {
              // The server knows this key from a different press (storage lost or restored):
              // the same press goes out again under a number never used before.
              const stored = loadPhone(localStorage, personId);
              if (!stored) return;
              const renumberedPhone = nextCounter(localStorage, stored, Date.now(), latest.counter + 1);
              const renumbered = renumberTrigger(localStorage, latest, renumberedPhone.counter);
              inFlight.current = renumbered;
              setState({ kind: 'sending', trigger: renumbered, attempt: attempt + 1, lastError: null });
              prepareSms(renumberedPhone, renumbered);
              send(renumbered);
              return;
            }
            default:
              setState({ kind: 'sending', trigger: latest, attempt: attempt + 1, lastError: verdict.message });
              timer.current = setTimeout(() => {
                if (inFlight.current) send(inFlight.current);
              }, retryDelay(attempt));
          }
        },
      );
    },
    [personId, prepareSms],
  );

  const trigger = useCallback(() => {
    if (inFlight.current) return; // one trigger, one alarm
    const stored = loadPhone(localStorage, personId);
    if (!stored) return;
    const phone = nextCounter(localStorage, stored);
    const pending = newTrigger(phone.counter, null);
    startTrigger(localStorage, pending);
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

  // Unconfirmed triggers from before a reload go out again with their key; a too-old one is
  // shown instead (never dropped silently).
  useEffect(() => {
    const phone = loadPhone(localStorage, personId);
    const latest = loadOutbox(localStorage).at(-1);
    if (phone && latest && !inFlight.current) {
      if (isTooOldToSend(latest.triggeredAt)) {
        setState({ kind: 'too_old', trigger: latest });
      } else {
        inFlight.current = latest;
        setState({ kind: 'sending', trigger: latest, attempt: 0, lastError: null });
        if (!latest.smsText) prepareSms(phone, latest);
        send(latest);
      }
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

  const discard = useCallback(() => {
    if (inFlight.current) return;
    if (state.kind === 'too_old') removeTrigger(localStorage, state.trigger.key);
    setState({ kind: 'idle' });
  }, [state]);

  const reset = useCallback(() => {
    if (inFlight.current) return;
    setState({ kind: 'idle' });
  }, []);

  return { state, trigger, discard, reset };
}

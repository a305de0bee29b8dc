import { routes, type Alarm } from '@wachsam/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { fullName } from '../app/format.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { AfterAlarm } from '../reports/AfterAlarm.js';
import { isAtLeastAsFresh } from './store.js';
import type { RaiseState } from './useRaise.js';

/** How long the confirm step waits before it falls back (a stray click raises nothing). */
const confirmWindowMs = 10_000;
/** The sender's view is refreshed this often even without realtime events. */
const pollMs = 5_000;

/** The sender's own alarm after the raise: who was alerted, who is coming, cancel. */
export function HelpStatus({
  initial,
  receiversOnline,
  onDone,
  sentText,
  reportBase = '/meldungen',
}: {
  /** Where the report pages live (the phone app has its own). */
  reportBase?: string;
  /** The headline once the server confirmed (the phone app says "Alarm wurde ausgelöst"). */
  sentText?: string;
  initial: Alarm;
  /** Receivers online at the raise; null when unknown (view restored after a reload). */
  receiversOnline: number | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { alarms } = useRealtime();
  const [alarm, setAlarm] = useState(initial);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = alarms.alarms.get(initial.id);

  useEffect(() => {
    if (live) setAlarm((current) => (isAtLeastAsFresh(live, current) ? live : current));
  }, [live]);

  useEffect(() => {
    if (alarm.status === 'resolved') return;
    const id = setInterval(() => {
      call(routes.getAlarm, { params: { id: initial.id } }).then(
        (d) => setAlarm((current) => (isAtLeastAsFresh(d.alarm, current) ? d.alarm : current)),
        () => undefined, // the next poll or a realtime event will bring it
      );
    }, pollMs);
    return () => clearInterval(id);
  }, [initial.id, alarm.status]);

  async function cancel(): Promise<void> {
    setError(null);
    try {
      const updated = await call(routes.cancel, { params: { id: alarm.id } });
      setAlarm((current) => (isAtLeastAsFresh(updated, current) ? updated : current));
      setConfirmCancel(false);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  const coming = alarm.responders;
  return (
    <>
      <div className="help-status" role="status">
        <p>
          <strong>{sentText ?? t('raise.sent')}</strong>
        </p>
        {alarm.status === 'resolved' ? (
          <>
            <p>{t('raise.resolved', { by: alarm.resolvedBy ?? '–' })}</p>
            <button type="button" onClick={onDone}>
              {t('raise.done')}
            </button>
          </>
        ) : (
          <>
            <p>
              {t('raise.helpComing', { alerted: alarm.alerted, coming: coming.length })}
              {coming.length > 0 && ` (${coming.map((r) => fullName(r)).join(', ')})`}
            </p>
            {receiversOnline === 0 && coming.length === 0 && (
              <p className="notice warning">{t('raise.nobodyOnline')}</p>
            )}
            {alarm.cancelledAt ? (
              <p>{t('raise.cancelled')}</p>
            ) : confirmCancel ? (
              <div className="button-row">
                <button type="button" onClick={() => void cancel()}>
                  {t('raise.cancelConfirm')}
                </button>
                <button type="button" onClick={() => setConfirmCancel(false)}>
                  {t('common.back')}
                </button>
              </div>
            ) : (
              <button type="button" onClick={() => setConfirmCancel(true)}>
                {t('raise.cancel')}
              </button>
            )}
            {error && <p className="error">{error}</p>}
          </>
        )}
      </div>
      {alarm.status === 'resolved' && <AfterAlarm alarmId={alarm.id} base={reportBase} />}
    </>
  );
}

/**
 * "Alarm auslösen" for the person at the desk: press, then confirm. Everything stays plain
 * and quiet on screen: the person threatening the sender may be looking at it.
 */
export function RaisePanel({
  state,
  raise,
  reset,
  myOpenAlarm,
}: {
  state: RaiseState;
  raise: () => void;
  reset: () => void;
  /** An open alarm this person raised earlier (e.g. before a reload): its status is shown. */
  myOpenAlarm: Alarm | undefined;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  // Kept until the sender closes it: the store forgets an alarm once resolved, the sender
  // should still read who gave the all-clear.
  const [restored, setRestored] = useState<Alarm | null>(null);
  if (myOpenAlarm && state.kind === 'idle' && restored?.id !== myOpenAlarm.id) setRestored(myOpenAlarm);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!confirming) return;
    confirmRef.current?.focus();
    const timer = setTimeout(() => setConfirming(false), confirmWindowMs);
    return () => clearTimeout(timer);
  }, [confirming]);

  let body;
  if (state.kind === 'sending') {
    body = (
      <p role="status">
        {t('raise.sending')}
        {state.lastError && ` ${t('raise.retrying', { attempt: state.attempt, error: state.lastError })}`}
      </p>
    );
  } else if (state.kind === 'sent') {
    body = (
      <HelpStatus
        key={state.result.alarm.id}
        initial={state.result.alarm}
        receiversOnline={state.result.receiversOnline}
        onDone={reset}
      />
    );
  } else if (state.kind === 'idle' && restored) {
    body = <HelpStatus key={restored.id} initial={restored} receiversOnline={null} onDone={() => setRestored(null)} />;
  } else if (confirming) {
    body = (
      <div className="button-row">
        <button
          ref={confirmRef}
          type="button"
          className="primary"
          onClick={() => {
            setConfirming(false);
            raise();
          }}
        >
          {t('raise.confirm')}
        </button>
        <button type="button" onClick={() => setConfirming(false)}>
          {t('common.back')}
        </button>
      </div>
    );
  } else {
    body = (
      <>
        {state.kind === 'failed' && (
          <p role="alert" className="error">
            {t('raise.failed', { error: state.message })}
          </p>
        )}
        <button type="button" onClick={() => setConfirming(true)}>
          {t('raise.button')}
        </button>
      </>
    );
  }

  return (
    <section aria-labelledby="raise-title" className="raise-panel">
      <h2 id="raise-title">{t('raise.title')}</h2>
      {body}
    </section>
  );
}

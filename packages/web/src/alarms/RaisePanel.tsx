import type { Alarm } from '@wachsam/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HelpStatus } from './HelpStatus.js';
import { AlreadyClosedNotice, TooOldNotice } from './OutboxNotices.js';
import type { Raise } from './useRaise.js';

/** How long the confirm step waits before it falls back (a stray click raises nothing). */
const confirmWindowMs = 10_000;

/**
 * "Alarm auslösen" for the person at the desk: press, then confirm. Everything stays plain
 * and quiet on screen: the person threatening the sender may be looking at it.
 */
export function RaisePanel({
  raise: { state, raise, raiseAgain, discard, reset },
  myOpenAlarm,
}: {
  raise: Raise;
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
  } else if (state.kind === 'too_old') {
    body = <TooOldNotice triggeredAt={state.pending.triggeredAt} onRaiseAgain={raiseAgain} onDiscard={discard} />;
  } else if (state.kind === 'already_closed') {
    body = <AlreadyClosedNotice alarm={state.alarm} onRaiseAgain={raiseAgain} onClose={reset} />;
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

import { routes, type Alarm } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { AfterAlarm } from '../reports/AfterAlarm.js';
import { responsesText } from './responses.js';
import { isAtLeastAsFresh } from './store.js';

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

  const nobodyAnswered = alarm.responders.length === 0;
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
              {t('raise.alerted', { count: alarm.alerted })} · {responsesText(alarm, t)}
            </p>
            {receiversOnline === 0 && nobodyAnswered && <p className="notice warning">{t('raise.nobodyOnline')}</p>}
            {alarm.cancelledAt ? (
              <p>{t('raise.cancelled')}</p>
            ) : confirmCancel ? (
              <>
                <p>{t('raise.cancelHint')}</p>
                <div className="button-row">
                  <button type="button" onClick={() => void cancel()}>
                    {t('raise.cancelConfirm')}
                  </button>
                  <button type="button" onClick={() => setConfirmCancel(false)}>
                    {t('common.back')}
                  </button>
                </div>
              </>
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

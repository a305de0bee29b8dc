import { outboxMaxAgeMs, type Alarm } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { formatClock } from '../app/format.js';

/**
 * A press the outbox could not deliver within the protocol's outbox age. It is not sent on its
 * own any more (it would send helpers to something a quarter of an hour ago), so the person is
 * told loudly and decides: a new press, or discard it.
 */
export function TooOldNotice({
  triggeredAt,
  onRaiseAgain,
  onDiscard,
}: {
  triggeredAt: string;
  onRaiseAgain: () => void;
  onDiscard: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div role="alert" className="notice danger">
      <p>
        {t('outbox.tooOld', {
          time: formatClock(triggeredAt, i18n.language),
          minutes: Math.round(outboxMaxAgeMs / 60_000),
        })}
      </p>
      <div className="button-row">
        <button type="button" className="primary" onClick={onRaiseAgain}>
          {t('outbox.raiseAgain')}
        </button>
        <button type="button" onClick={onDiscard}>
          {t('outbox.discard')}
        </button>
      </div>
    </div>
  );
}

/**
 * The server answered the press's key with an alarm that is already over (a repeat after the
 * app lost its storage, or an SMS that was handled meanwhile). That is no confirmation: no
 * alarm was raised now, and the person may need one.
 */
export function AlreadyClosedNotice({
  alarm,
  onRaiseAgain,
  onClose,
}: {
  alarm: Alarm;
  onRaiseAgain: () => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div role="alert" className="notice danger">
      <p>{t('outbox.alreadyClosed', { time: formatClock(alarm.triggeredAt ?? alarm.raisedAt, i18n.language) })}</p>
      <div className="button-row">
        <button type="button" className="primary" onClick={onRaiseAgain}>
          {t('outbox.raiseAgain')}
        </button>
        <button type="button" onClick={onClose}>
          {t('outbox.close')}
        </button>
      </div>
    </div>
  );
}

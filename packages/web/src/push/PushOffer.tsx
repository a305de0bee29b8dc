import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messageOf } from '../api/http.js';
import { currentSubscription, pushSupported, subscribeToPush, unsubscribeFromPush } from './push.js';

type PushState = 'unknown' | 'unsupported' | 'off' | 'on' | 'denied';

/** Receivers may switch on push notifications, so an alarm reaches them with the app closed. */
export function PushOffer() {
  const { t } = useTranslation();
  const [state, setState] = useState<PushState>('unknown');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!pushSupported()) return setState('unsupported');
    if (Notification.permission === 'denied') return setState('denied');
    let cancelled = false;
    currentSubscription().then(
      (sub) => !cancelled && setState(sub ? 'on' : 'off'),
      () => !cancelled && setState('off'),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  async function toggle(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      if (state === 'on') {
        await unsubscribeFromPush();
        setState('off');
      } else {
        await subscribeToPush();
        setState('on');
      }
    } catch (err) {
      if (Notification.permission === 'denied') setState('denied');
      else setError(t('push.failed', { error: messageOf(err) }));
    } finally {
      setBusy(false);
    }
  }

  if (state === 'unknown' || state === 'unsupported') return null;
  return (
    <section className="push-offer" aria-label={t('push.title')}>
      {state === 'denied' ? (
        <p className="muted">{t('push.denied')}</p>
      ) : (
        <p>
          {state === 'on' ? t('push.on') : t('push.offer')}{' '}
          <button type="button" disabled={busy} onClick={() => void toggle()}>
            {state === 'on' ? t('push.disable') : t('push.enable')}
          </button>
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

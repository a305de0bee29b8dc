import { routes, type AlarmMessage } from '@wachsam/protocol';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime, fullName } from '../app/format.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { mergeMessages } from './store.js';

/**
 * The text thread on an alarm, shared by sender and receivers. Earlier messages come from the
 * server once; new ones arrive live ('alarm.message'); a message is shown only once the server
 * has stored it.
 */
export function MessageThread({ alarmId }: { alarmId: string }) {
  const { t, i18n } = useTranslation();
  const { alarms } = useRealtime();
  const [loaded, setLoaded] = useState<readonly AlarmMessage[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const inputId = useId();

  useEffect(() => {
    const abort = new AbortController();
    call(routes.listMessages, { params: { id: alarmId }, signal: abort.signal }).then(
      (list) => setLoaded((l) => mergeMessages(l, list)),
      (err: unknown) => !abort.signal.aborted && setError(messageOf(err)),
    );
    return () => abort.abort();
  }, [alarmId]);

  const messages = mergeMessages(loaded, alarms.messages.get(alarmId) ?? []);

  async function send(): Promise<void> {
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const message = await call(routes.sendMessage, { params: { id: alarmId }, body: { text } });
      setLoaded((l) => mergeMessages(l, [message]));
      setText('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="thread" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('messages.title')}</h3>
      {messages.length === 0 ? (
        <p className="muted">{t('messages.none')}</p>
      ) : (
        <ol className="thread-list" aria-live="polite">
          {messages.map((m) => (
            <li key={m.id}>
              <span className="thread-meta">
                {fullName(m.author)} · {formatTime(m.at, i18n.language)}
              </span>
              <span className="thread-text">{m.text}</span>
            </li>
          ))}
        </ol>
      )}
      <form
        className="thread-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <label htmlFor={inputId}>{t('messages.input')}</label>
        <input id={inputId} value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={busy || !text.trim()}>
          {t('messages.send')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

import { alarmOutcomes, routes, type Alarm, type AlarmOutcome, type Response } from '@wachsam/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { useMe } from '../app/me.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';

/**
 * "Ich komme", "Polizei verständigt" and the all-clear with its outcome. Used in the
 * full-screen alert and in the overview, so a receiver who already answered can still give
 * the all-clear after checking in person.
 */
export function AlarmActions({ alarm, onResponded }: { alarm: Alarm; onResponded?: () => void }) {
  const { t, i18n } = useTranslation();
  const { applyAlarm } = useRealtime();
  const me = useMe();
  const mine = alarm.responders.filter((r) => r.personId === me.personId);
  const answered = (response: Response) => mine.some((r) => r.response === response);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [resolving, setResolving] = useState(false);
  const [outcome, setOutcome] = useState<AlarmOutcome>(alarm.test ? 'test' : 'real');
  const [note, setNote] = useState('');
  const noteId = useId();
  const errorId = useId();

  async function run(action: () => Promise<Alarm>, after?: () => void): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      applyAlarm(await action());
      after?.();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const respond = (response: Response): Promise<void> =>
    run(() => call(routes.respond, { params: { id: alarm.id }, body: { response } }), onResponded);
  const resolve = (): Promise<void> =>
    run(() => call(routes.resolve, { params: { id: alarm.id }, body: { outcome, note } }));

  return (
    <div className="alarm-actions">
      {mine.length > 0 && (
        <p>
          {t('alarm.yourAnswer', {
            answers: mine
              .map((r) => `${t(`alarm.response.${r.response}`)} (${formatTime(r.at, i18n.language)})`)
              .join(', '),
          })}
        </p>
      )}
      <div className="button-row">
        {!answered('coming') && (
          <button type="button" className="primary" disabled={busy} onClick={() => void respond('coming')}>
            {t('alarm.actions.coming')}
          </button>
        )}
        {!answered('police_called') && (
          <button type="button" disabled={busy} onClick={() => void respond('police_called')}>
            {t('alarm.actions.policeCalled')}
          </button>
        )}
        <button type="button" disabled={busy} aria-expanded={resolving} onClick={() => setResolving((v) => !v)}>
          {t('alarm.actions.resolve')}
        </button>
      </div>
      {resolving && (
        <form
          className="resolve-form"
          onSubmit={(e) => {
            e.preventDefault();
            void resolve();
          }}
        >
          <fieldset>
            <legend>{t('alarm.resolve.outcome')}</legend>
            {alarmOutcomes.map((o) => (
              <label key={o} className="inline">
                <input
                  type="radio"
                  name={`outcome-${alarm.id}`}
                  value={o}
                  checked={outcome === o}
                  onChange={() => setOutcome(o)}
                />
                {t(`alarm.outcome.${o}`)}
              </label>
            ))}
          </fieldset>
          <label htmlFor={noteId}>{t('alarm.resolve.note')}</label>
          <textarea id={noteId} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} rows={2} />
          <button type="submit" disabled={busy}>
            {t('alarm.resolve.submit')}
          </button>
        </form>
      )}
      {error && (
        <p id={errorId} role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

import { alarmOutcomes, routes, type Alarm, type AlarmOutcome, type Response } from '@wachsam/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { useMe } from '../app/me.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';

type Action = Response | 'resolve';
const actionLabel = {
  coming: 'alarm.actions.coming',
  police_called: 'alarm.actions.policeCalled',
  resolve: 'alarm.resolve.submit',
} as const;

/**
 * "Ich komme", "Polizei verständigt" and the all-clear with its outcome. Used in the
 * full-screen alert and in the overview, so a receiver who already answered can still give
 * the all-clear after checking in person.
 *
 * Every alarm gets its own copy of this state (keyed by the alarm's id here, not at each call
 * site): an open all-clear form or a chosen outcome of one alarm must never carry over to the
 * next one that takes the screen, where one click would close a new alarm. The sender of an
 * alarm is never offered the receivers' actions on it.
 */
export function AlarmActions({ alarm }: { alarm: Alarm }) {
  const { t } = useTranslation();
  const me = useMe();
  if (alarm.sender.personId === me.personId) return <p className="muted">{t('alarm.ownAlarm')}</p>;
  return <ReceiverActions key={alarm.id} alarm={alarm} personId={me.personId} />;
}

function ReceiverActions({ alarm, personId }: { alarm: Alarm; personId: string }) {
  const { t, i18n } = useTranslation();
  const { applyAlarm } = useRealtime();
  const mine = alarm.responders.filter((r) => r.personId === personId);
  const answered = (response: Response) => mine.some((r) => r.response === response);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [resolving, setResolving] = useState(false);
  // No outcome is chosen for a real alarm: "Fehlalarm" must be a decision, never a default.
  const [outcome, setOutcome] = useState<AlarmOutcome | null>(alarm.test ? 'test' : null);
  const [note, setNote] = useState('');
  const noteId = useId();

  async function run(action: Action, request: () => Promise<Alarm>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      applyAlarm(await request());
    } catch (err) {
      // Nothing was recorded: say which answer did not arrive; the buttons stay for a retry.
      setError(t('alarm.actionFailed', { action: t(actionLabel[action]), error: messageOf(err).replace(/\.$/, '') }));
    } finally {
      setBusy(false);
    }
  }

  const respond = (response: Response): Promise<void> =>
    run(response, () => call(routes.respond, { params: { id: alarm.id }, body: { response } }));
  const resolve = (): Promise<void> => {
    if (!outcome) {
      setError(t('alarm.resolve.chooseOutcome'));
      return Promise.resolve();
    }
    return run('resolve', () => call(routes.resolve, { params: { id: alarm.id }, body: { outcome, note } }));
  };

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
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

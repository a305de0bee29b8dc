import { routes } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf, RequestError } from '../api/http.js';
import { Field } from '../reports/Field.js';

/** A calendar date (YYYY-MM-DD) in the UI language, without a time zone shift. */
export const formatDate = (date: string, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

/**
 * Keep the selected log rows past their retention for a data-protection control: until a
 * date, with the reason on record. The server refuses without rows, date or reason.
 */
export function AccessLogHold({ seqs, onHeld }: { seqs: readonly string[]; onHeld: () => void }) {
  const { t, i18n } = useTranslation();
  const [heldUntil, setHeldUntil] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; issues: { path: string; message: string }[] } | null>(null);
  const issue = (field: string): string | undefined =>
    error?.issues.find((i) => i.path.endsWith(field))?.message ?? undefined;

  async function hold(): Promise<void> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await call(routes.holdAccessLog, { body: { seqs: [...seqs], heldUntil, reason } });
      setDone(t('accessLog.hold.done', { count: result.held, date: formatDate(heldUntil, i18n.language) }));
      onHeld();
    } catch (err) {
      setError({ message: messageOf(err), issues: err instanceof RequestError ? err.issues : [] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="inline-fields access-log-hold"
      aria-label={t('accessLog.hold.title')}
      onSubmit={(e) => {
        e.preventDefault();
        void hold();
      }}
    >
      <p>{t('accessLog.hold.selected', { count: seqs.length })}</p>
      <Field
        kind="date"
        label={t('accessLog.hold.until')}
        value={heldUntil}
        error={issue('heldUntil')}
        onChange={setHeldUntil}
      />
      <Field label={t('accessLog.hold.reason')} value={reason} error={issue('reason')} onChange={setReason} />
      <div className="field">
        <button type="submit" disabled={busy || seqs.length === 0}>
          {t('accessLog.hold.submit')}
        </button>
      </div>
      <div role="status">{done && <p className="state-ok">{done}</p>}</div>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
    </form>
  );
}

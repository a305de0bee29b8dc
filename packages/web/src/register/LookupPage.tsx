import { lookupPurposes, routes, type LookupPurpose, type LookupResult } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { issuePath } from '../admin/fields.js';
import { call, messageOf, RequestError } from '../api/http.js';
import { Field } from '../reports/Field.js';

interface Ask {
  lastName: string;
  firstName: string;
  birthDate: string;
  address: string;
  purpose: LookupPurpose | '';
  purposeText: string;
  caseReference: string;
}

function Result({ result }: { result: LookupResult }) {
  const { t } = useTranslation();
  return (
    <div className={`lookup-result ${result.outcome === 'none' ? 'no-hint' : 'has-hint'}`}>
      <h2>{t(`lookup.outcomes.${result.outcome}`)}</h2>
      {result.outcome === 'check' && <p>{t('lookup.checkText')}</p>}
      {result.outcome === 'hint' && (
        <>
          {result.level !== null && <p>{t(`reports.levels.${result.level}`)}</p>}
          <h3>{t('lookup.measures')}</h3>
          {result.measures.length === 0 ? (
            <p>–</p>
          ) : (
            <ul>
              {result.measures.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </>
      )}
      {result.entries && result.entries.length > 0 && (
        <>
          <h3>{t('lookup.entries')}</h3>
          <ul>
            {result.entries.map((e) => (
              <li key={e.id}>
                {e.lastName}, {e.firstName} {e.birthDate && `(${e.birthDate})`} – {e.details || e.description || '–'}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted small">{t('lookup.logged', { seq: result.logSeq })}</p>
    </div>
  );
}

/** "Auskunft": purpose-bound lookup; the answer is the minimum, and the lookup itself is logged. */
export function LookupPage() {
  const { t } = useTranslation();
  const [ask, setAsk] = useState<Ask>({
    lastName: '',
    firstName: '',
    birthDate: '',
    address: '',
    purpose: '',
    purposeText: '',
    caseReference: '',
  });
  const [result, setResult] = useState<LookupResult | null>(null);
  const [error, setError] = useState<{ message: string; issues: { path: string; message: string }[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Ask>) => setAsk((a) => ({ ...a, ...patch }));
  const issueAt = (p: string) =>
    error?.issues
      .filter((i) => issuePath(i.path) === p)
      .map((i) => i.message)
      .join('; ') || undefined;

  async function lookup(): Promise<void> {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      // The purpose goes as chosen (empty when none): the server refuses a lookup without one.
      const body = { ...ask, birthDate: ask.birthDate === '' ? null : ask.birthDate } as never;
      setResult(await call(routes.lookup, { body }));
    } catch (err) {
      setError({ message: messageOf(err), issues: err instanceof RequestError ? err.issues : [] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="lookup">
      <h1>{t('lookup.title')}</h1>
      <p className="muted">{t('lookup.intro')}</p>
      <form
        className="resource-form"
        aria-label={t('lookup.title')}
        onSubmit={(e) => {
          e.preventDefault();
          void lookup();
        }}
      >
        <Field
          label={t('reports.form.lastName')}
          value={ask.lastName}
          error={issueAt('lastName')}
          onChange={(v) => set({ lastName: v })}
        />
        <Field
          label={t('reports.form.firstName')}
          value={ask.firstName}
          error={issueAt('firstName')}
          onChange={(v) => set({ firstName: v })}
        />
        <Field
          kind="date"
          label={t('reports.form.birthDate')}
          value={ask.birthDate}
          onChange={(v) => set({ birthDate: v })}
        />
        <Field label={t('lookup.address')} value={ask.address} onChange={(v) => set({ address: v })} />
        <div className="field">
          <label htmlFor="lookup-purpose">{t('lookup.purpose')}</label>
          <select
            id="lookup-purpose"
            value={ask.purpose}
            aria-invalid={issueAt('purpose') ? true : undefined}
            onChange={(e) => set({ purpose: e.target.value as LookupPurpose })}
          >
            <option value="">{t('lookup.choosePurpose')}</option>
            {lookupPurposes.map((p) => (
              <option key={p} value={p}>
                {t(`lookup.purposes.${p}`)}
              </option>
            ))}
          </select>
          {issueAt('purpose') && <p className="error">{issueAt('purpose')}</p>}
        </div>
        {ask.purpose === 'other' && (
          <Field
            label={t('lookup.purposeText')}
            value={ask.purposeText}
            error={issueAt('purposeText')}
            onChange={(v) => set({ purposeText: v })}
          />
        )}
        <Field
          label={t('lookup.caseReference')}
          value={ask.caseReference}
          onChange={(v) => set({ caseReference: v })}
        />
        {error && (
          <p role="alert" className="error">
            {error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('lookup.submit')}
        </button>
      </form>
      <div role="status">{result && <Result result={result} />}</div>
    </div>
  );
}

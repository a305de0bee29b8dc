import { routes, type Me } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf, RequestError } from '../api/http.js';
import { FieldInput, issuesByField, type FieldSpec } from '../admin/fields.js';

type Draft = Record<'currentPassword' | 'newPassword' | 'repeat', string>;
const empty: Draft = { currentPassword: '', newPassword: '', repeat: '' };

/**
 * The person's own account: change the password with the current one. The server ends every
 * other session of the person (and their realtime connections); this one stays.
 */
export function AccountPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const fields: Array<FieldSpec & { name: keyof Draft }> = [
    { name: 'currentPassword', label: t('account.current'), kind: 'password', autoComplete: 'current-password' },
    { name: 'newPassword', label: t('account.new'), kind: 'password', autoComplete: 'new-password' },
    { name: 'repeat', label: t('account.repeat'), kind: 'password', autoComplete: 'new-password' },
  ];

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    setErrors({});
    setDone(false);
    try {
      if (draft.newPassword !== draft.repeat) {
        setErrors({ repeat: t('account.mismatch') });
        throw new Error(t('account.mismatch'));
      }
      await call(routes.changePassword, {
        body: { currentPassword: draft.currentPassword, newPassword: draft.newPassword },
      });
      setDraft(empty);
      setDone(true);
    } catch (err) {
      setError(messageOf(err));
      if (err instanceof RequestError) setErrors(issuesByField(err.issues));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="account-title" className="account">
      <h1 id="account-title">{t('account.title')}</h1>
      <p>
        {me.firstName} {me.lastName} · {me.login} · {me.organisation.name}
      </p>
      <form
        className="resource-form"
        aria-label={t('account.password')}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>{t('account.password')}</h2>
        <p className="muted">{t('account.hint')}</p>
        {/* For password managers: which account this is. */}
        <input type="text" name="username" autoComplete="username" value={me.login} readOnly hidden />
        {fields.map((f) => (
          <FieldInput
            key={f.name}
            field={f}
            value={draft[f.name]}
            error={errors[f.name]}
            onChange={(v) => setDraft((d) => ({ ...d, [f.name]: typeof v === 'string' ? v : '' }))}
          />
        ))}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {done && <p role="status">{t('account.changed')}</p>}
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy}>
            {t('account.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

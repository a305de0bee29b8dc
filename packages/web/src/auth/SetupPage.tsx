import { routes, type SetupResult } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf, RequestError } from '../api/http.js';
import { FieldInput, issuePath, type FieldSpec } from '../admin/fields.js';
import { LanguageSwitch } from '../app/LanguageSwitch.js';

type Draft = Record<string, string>;
type Group = 'admin' | 'dpo';

/** The setup code comes with the link the server printed (`/einrichtung#<code>`): the fragment never reaches a log. */
const codeFromLink = (): string => decodeURIComponent(location.hash.replace(/^#/, ''));

/** `admin.login` (the protocol's path) ↔ `adminLogin` (the field here). */
const fieldOf = (path: string): string => {
  const [group, field] = issuePath(path).split('.');
  const prefix = group === 'dataProtection' ? 'dpo' : group === 'organisation' ? 'org' : group;
  return field ? `${prefix}${field[0]!.toUpperCase()}${field.slice(1)}` : (group ?? '');
};

/**
 * The one-time setup of a fresh installation: the organisation, its first administrator and
 * (recommended) its data-protection officer. Shown only while the server says it is open; the
 * server checks the code and refuses once any organisation exists.
 */
export function SetupPage({ onDone }: { onDone: (result: SetupResult) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>({ token: codeFromLink() });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const text = (name: string, label: string, kind: 'text' | 'password' = 'text', autoComplete?: string): FieldSpec => ({
    name,
    label,
    kind,
    ...(autoComplete ? { autoComplete } : {}),
  });
  const account = (g: Group): FieldSpec[] => [
    text(`${g}FirstName`, t('setup.firstName')),
    text(`${g}LastName`, t('setup.lastName')),
    text(`${g}Login`, t('setup.login'), 'text', g === 'admin' ? 'username' : 'off'),
    text(`${g}Password`, t('setup.password'), 'password', 'new-password'),
    text(`${g}Repeat`, t('setup.repeat'), 'password', 'new-password'),
  ];
  const value = (name: string) => (draft[name] ?? '').trim();
  const accountBody = (g: Group) => ({
    firstName: value(`${g}FirstName`),
    lastName: value(`${g}LastName`),
    login: value(`${g}Login`),
    password: draft[`${g}Password`] ?? '',
  });
  const dpoGiven = ['FirstName', 'LastName', 'Login', 'Password'].some((f) => value(`dpo${f}`) !== '');

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const mismatch = (['admin', 'dpo'] as const).filter(
        (g) => (g === 'admin' || dpoGiven) && (draft[`${g}Password`] ?? '') !== (draft[`${g}Repeat`] ?? ''),
      );
      if (mismatch.length) {
        setErrors(Object.fromEntries(mismatch.map((g) => [`${g}Repeat`, t('setup.mismatch')])));
        throw new Error(t('setup.mismatch'));
      }
      const result = await call(routes.setup, {
        body: {
          token: value('token'),
          organisation: { name: value('orgName'), slug: value('orgSlug') },
          admin: accountBody('admin'),
          dataProtection: dpoGiven ? accountBody('dpo') : null,
        },
      });
      history.replaceState(null, '', '/');
      onDone(result);
    } catch (err) {
      setError(messageOf(err));
      if (err instanceof RequestError) {
        const byField: Record<string, string> = {};
        for (const issue of err.issues) byField[fieldOf(issue.path)] = issue.message;
        setErrors(byField);
      }
      setBusy(false);
    }
  }

  const field = (f: FieldSpec) => (
    <FieldInput
      key={f.name}
      field={f}
      value={draft[f.name] ?? ''}
      error={errors[f.name]}
      onChange={(v) => setDraft((d) => ({ ...d, [f.name]: typeof v === 'string' ? v : '' }))}
    />
  );

  return (
    <>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main className="login setup" id="main">
        <h1>{t('setup.title')}</h1>
        <p>{t('setup.intro')}</p>
        <form
          aria-label={t('setup.title')}
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <fieldset>
            <legend>{t('setup.codeLegend')}</legend>
            <p className="muted">{t('setup.codeHint')}</p>
            {field(text('token', t('setup.code'), 'password', 'off'))}
          </fieldset>
          <fieldset>
            <legend>{t('setup.organisation')}</legend>
            {field(text('orgName', t('setup.orgName'), 'text', 'organization'))}
            {field(text('orgSlug', t('setup.orgSlug')))}
          </fieldset>
          <fieldset>
            <legend>{t('setup.admin')}</legend>
            {account('admin').map(field)}
          </fieldset>
          <fieldset>
            <legend>{t('setup.dpo')}</legend>
            <p className="muted">{t('setup.dpoHint')}</p>
            {account('dpo').map(field)}
          </fieldset>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {t('setup.submit')}
          </button>
        </form>
      </main>
    </>
  );
}

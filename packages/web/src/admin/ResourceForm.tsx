import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { RequestError, messageOf } from '../api/http.js';
import { FieldInput, issuesByField, type Draft, type FieldSpec } from './fields.js';

/**
 * A create/edit form. On an error the server's message is shown next to the form (and per
 * field where the server names the field) and everything typed stays as it was.
 */
export function ResourceForm({
  title,
  fields,
  initial,
  submitLabel,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  fields: FieldSpec[];
  initial: Draft;
  submitLabel: string;
  onSubmit: (draft: Draft) => Promise<void>;
  onCancel?: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(initial);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setSaved(false);
    try {
      await onSubmit(draft);
      setSaved(true);
    } catch (err) {
      setError(messageOf(err));
      if (err instanceof RequestError) setFieldErrors(issuesByField(err.issues));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="resource-form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{title}</h3>
      {fields.map((f) => (
        <FieldInput
          key={f.name}
          field={f}
          value={draft[f.name]}
          error={fieldErrors[f.name]}
          onChange={(value) => setDraft((d) => ({ ...d, [f.name]: value }))}
        />
      ))}
      {children}
      {error && (
        <div role="alert" className="error">
          <p>{error}</p>
          {Object.entries(fieldErrors)
            .filter(([name]) => !fields.some((f) => f.name === name))
            .map(([name, message]) => (
              <p key={name}>
                {name}: {message}
              </p>
            ))}
        </div>
      )}
      {saved && <p role="status">{t('admin.saved')}</p>}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

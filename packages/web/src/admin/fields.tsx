import { useId } from 'react';

export interface Option {
  value: string;
  label: string;
}

export type FieldSpec =
  | { name: string; label: string; kind: 'text' | 'password'; nullable?: boolean; autoComplete?: string }
  | { name: string; label: string; kind: 'textarea'; rows?: number }
  | { name: string; label: string; kind: 'date' | 'datetime' | 'month'; nullable?: boolean }
  | { name: string; label: string; kind: 'number' }
  /** A decimal (coordinates): a German comma is read as the decimal point; empty is null when nullable. */
  | { name: string; label: string; kind: 'decimal'; nullable?: boolean }
  | { name: string; label: string; kind: 'select'; options: Option[]; nullable?: boolean; emptyLabel?: string }
  | { name: string; label: string; kind: 'checkboxes'; options: Option[] };

/** What the form holds: exactly what the person typed, so nothing is lost on an error. */
export type Draft = Record<string, string | string[]>;

/**
 * `datetime-local` text (local wall clock) → ISO instant with offset, as the protocol wants.
 * Anything unparsable goes as typed: the server names the field.
 */
export function localToIso(local: string): string {
  const ms = Date.parse(local);
  return local.trim() === '' || Number.isNaN(ms) ? local : new Date(ms).toISOString();
}

/** ISO instant → `datetime-local` text in the browser's time zone (minutes). */
export function isoToLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function decimalOrText(text: string, nullable: boolean): number | string | null {
  const t = text.trim().replace(',', '.');
  if (t === '' && nullable) return null;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : text;
}

/** Turns the typed text into the request body. Bad input is sent as typed: the server explains. */
export function draftToBody(fields: FieldSpec[], draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const value = draft[f.name];
    if (f.kind === 'checkboxes') {
      body[f.name] = Array.isArray(value) ? value : [];
      continue;
    }
    const text = typeof value === 'string' ? value : '';
    if (f.kind === 'number') body[f.name] = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    else if (f.kind === 'decimal') body[f.name] = decimalOrText(text, f.nullable ?? false);
    else if ('nullable' in f && f.nullable && text.trim() === '') body[f.name] = null;
    else if (f.kind === 'datetime') body[f.name] = localToIso(text);
    else body[f.name] = text;
  }
  return body;
}

export function FieldInput({
  field,
  value,
  error,
  onChange,
}: {
  field: FieldSpec;
  value: string | string[] | undefined;
  error?: string | undefined;
  onChange: (value: string | string[]) => void;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const describedBy = error ? errorId : undefined;
  const text = typeof value === 'string' ? value : '';
  let control;
  switch (field.kind) {
    case 'checkboxes': {
      const selected = Array.isArray(value) ? value : [];
      return (
        <fieldset className="field" aria-describedby={describedBy}>
          <legend>{field.label}</legend>
          <div className="checkbox-list">
            {field.options.map((o) => (
              <label key={o.value} className="inline">
                <input
                  type="checkbox"
                  checked={selected.includes(o.value)}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value))
                  }
                />
                {o.label}
              </label>
            ))}
          </div>
          {error && (
            <p id={errorId} className="error">
              {error}
            </p>
          )}
        </fieldset>
      );
    }
    case 'select':
      control = (
        <select id={id} value={text} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)}>
          {(field.nullable || text === '') && <option value="">{field.emptyLabel ?? '–'}</option>}
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'textarea':
      control = (
        <textarea
          id={id}
          value={text}
          rows={field.rows ?? 3}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'date':
    case 'datetime':
    case 'month':
      control = (
        <input
          id={id}
          type={field.kind === 'datetime' ? 'datetime-local' : field.kind}
          value={text}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'number':
    case 'decimal':
      control = (
        <input
          id={id}
          inputMode={field.kind === 'decimal' ? 'decimal' : 'numeric'}
          value={text}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          id={id}
          type={field.kind === 'password' ? 'password' : 'text'}
          autoComplete={field.autoComplete ?? 'off'}
          value={text}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {control}
      {error && (
        <p id={errorId} className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Where an issue points, without the request part: `body.steps.0.timeoutSeconds` → `steps.0.timeoutSeconds`. */
export function issuePath(path: string): string {
  return path.replace(/^\//, '').replace(/^(body|params|querystring|headers)\./, '');
}

/** Field-level issues from a validation error, by the first segment of their path. */
export function issuesByField(issues: { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issuePath(issue.path).split(/[./[]/)[0] ?? '';
    out[key] = out[key] ? `${out[key]}; ${issue.message}` : issue.message;
  }
  return out;
}

import { FieldInput } from '../admin/fields.js';

/** One labelled text-like field of the report forms, on top of the admin's FieldInput. */
export function Field({
  label,
  value,
  onChange,
  kind = 'text',
  error,
  rows,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  kind?: 'text' | 'textarea' | 'date' | 'datetime' | 'month';
  error?: string | undefined;
  rows?: number;
}) {
  const field =
    kind === 'textarea' ? { name: label, label, kind, ...(rows ? { rows } : {}) } : { name: label, label, kind };
  return (
    <FieldInput field={field} value={value} error={error} onChange={(v) => onChange(typeof v === 'string' ? v : '')} />
  );
}

/** A checkbox with its label, for yes/no facts. */
export function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="inline">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

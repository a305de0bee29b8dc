import {
  legalBasisKinds,
  measureSuggestions,
  routes,
  type LegalBasisKind,
  type RegisterEntry,
  type RegisterEntryInput,
} from '@wachsam/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { issuePath } from '../admin/fields.js';
import { call, messageOf, RequestError } from '../api/http.js';
import { Field } from '../reports/Field.js';

interface BasisDraft {
  kind: LegalBasisKind;
  date: string;
  reference: string;
}

/** The entry as typed: lists as one item per line, so nothing is reshaped while typing. */
export interface EntryDraft {
  lastName: string;
  firstName: string;
  birthDate: string;
  aliases: string;
  address: string;
  description: string;
  level: string;
  measures: string;
  details: string;
  legalBases: BasisDraft[];
  sourceReportId: string | null;
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

export function entryDraft(e?: RegisterEntryInput | RegisterEntry): EntryDraft {
  return {
    lastName: e?.lastName ?? '',
    firstName: e?.firstName ?? '',
    birthDate: e?.birthDate ?? '',
    aliases: (e?.aliases ?? []).join('\n'),
    address: e?.address ?? '',
    description: e?.description ?? '',
    level: String(e?.level ?? 2),
    measures: (e?.measures ?? []).join('\n'),
    details: e?.details ?? '',
    legalBases: (e?.legalBases ?? []).map((b) => ({ ...b })),
    sourceReportId: e?.sourceReportId ?? null,
  };
}

/** The body as typed; an entry without legal basis is sent too, and the server refuses it with its reason. */
export function entryBody(d: EntryDraft): unknown {
  return {
    lastName: d.lastName,
    firstName: d.firstName,
    birthDate: d.birthDate === '' ? null : d.birthDate,
    aliases: lines(d.aliases),
    address: d.address,
    description: d.description,
    level: Number(d.level),
    measures: lines(d.measures),
    details: d.details,
    legalBases: d.legalBases,
    sourceReportId: d.sourceReportId,
  };
}

function LegalBases({ bases, onChange }: { bases: BasisDraft[]; onChange: (b: BasisDraft[]) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const set = (i: number, patch: Partial<BasisDraft>) =>
    onChange(bases.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  return (
    <fieldset>
      <legend>{t('register.entry.legalBases')}</legend>
      <p className="muted small">{t('register.entry.legalBasesHint')}</p>
      {bases.map((b, i) => (
        <fieldset key={i} className="inline-fields">
          <legend>{t('register.entry.basisN', { n: i + 1 })}</legend>
          <div className="field">
            <label htmlFor={`${id}-${i}`}>{t('register.entry.basisKind', { n: i + 1 })}</label>
            <select
              id={`${id}-${i}`}
              value={b.kind}
              onChange={(e) => set(i, { kind: e.target.value as LegalBasisKind })}
            >
              {legalBasisKinds.map((k) => (
                <option key={k} value={k}>
                  {t(`reports.legal.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <Field
            kind="date"
            label={t('register.entry.basisDate', { n: i + 1 })}
            value={b.date}
            onChange={(v) => set(i, { date: v })}
          />
          <Field
            label={t('register.entry.basisReference', { n: i + 1 })}
            value={b.reference}
            onChange={(v) => set(i, { reference: v })}
          />
          <div className="field">
            <button type="button" onClick={() => onChange(bases.filter((_, j) => j !== i))}>
              {t('register.entry.removeBasis', { n: i + 1 })}
            </button>
          </div>
        </fieldset>
      ))}
      <button type="button" onClick={() => onChange([...bases, { kind: 'hausverbot', date: '', reference: '' }])}>
        {t('register.entry.addBasis')}
      </button>
    </fieldset>
  );
}

/** Create or edit a register entry (central unit). On an error the input stays as typed. */
export function EntryForm({
  entryId,
  initial,
  onSaved,
  onCancel,
}: {
  entryId: string | null;
  initial: EntryDraft;
  onSaved: (e: RegisterEntry) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [d, setD] = useState(initial);
  const [error, setError] = useState<{ message: string; issues: { path: string; message: string }[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<EntryDraft>) => setD((x) => ({ ...x, ...patch }));
  const issueAt = (path: string) =>
    error?.issues
      .filter((i) => issuePath(i.path) === path)
      .map((i) => i.message)
      .join('; ') || undefined;

  async function save(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const body = entryBody(d) as never;
      const saved = entryId
        ? await call(routes.updateRegisterEntry, { params: { id: entryId }, body })
        : await call(routes.createRegisterEntry, { body });
      onSaved(saved);
    } catch (err) {
      setError({ message: messageOf(err), issues: err instanceof RequestError ? err.issues : [] });
    } finally {
      setBusy(false);
    }
  }

  const title = entryId ? t('register.entry.editTitle') : t('register.entry.newTitle');
  return (
    <form
      className="resource-form register-entry"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{title}</h3>
      <Field
        label={t('reports.form.lastName')}
        value={d.lastName}
        error={issueAt('lastName')}
        onChange={(v) => set({ lastName: v })}
      />
      <Field
        label={t('reports.form.firstName')}
        value={d.firstName}
        error={issueAt('firstName')}
        onChange={(v) => set({ firstName: v })}
      />
      <Field
        kind="date"
        label={t('reports.form.birthDate')}
        value={d.birthDate}
        error={issueAt('birthDate')}
        onChange={(v) => set({ birthDate: v })}
      />
      <Field
        kind="textarea"
        label={t('register.entry.aliases')}
        value={d.aliases}
        onChange={(v) => set({ aliases: v })}
      />
      <Field label={t('reports.form.causerAddress')} value={d.address} onChange={(v) => set({ address: v })} />
      <Field
        kind="textarea"
        label={t('reports.form.causerDescription')}
        value={d.description}
        onChange={(v) => set({ description: v })}
      />
      <div className="field">
        <label htmlFor="entry-level">{t('reports.form.level')}</label>
        <select id="entry-level" value={d.level} onChange={(e) => set({ level: e.target.value })}>
          {[0, 1, 2, 3].map((l) => (
            <option key={l} value={String(l)}>
              {t(`reports.levels.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <Field
        kind="textarea"
        label={t('register.entry.measures')}
        value={d.measures}
        error={issueAt('measures')}
        onChange={(v) => set({ measures: v })}
      />
      <p className="muted small">{t('register.entry.measureSuggestions', { list: measureSuggestions.join(' · ') })}</p>
      <Field
        kind="textarea"
        label={t('register.entry.details')}
        value={d.details}
        onChange={(v) => set({ details: v })}
      />
      <LegalBases bases={d.legalBases} onChange={(legalBases) => set({ legalBases })} />
      {error && (
        <div role="alert" className="error">
          <p>{error.message}</p>
          {error.issues
            .filter((i) => !['lastName', 'firstName', 'birthDate', 'measures'].includes(issuePath(i.path)))
            .map((i) => (
              <p key={i.path}>
                {issuePath(i.path)}: {i.message}
              </p>
            ))}
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          {t('admin.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

import { routes, type Attachment } from '@wachsam/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl, call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { Field } from './Field.js';
import type { EvidenceForm, EvidenceKind } from './formState.js';
import type { IssueAt, SetForm } from './ReportFormSections.js';

/** Field names of each structured form, in the order the police guidance asks (seed 000). */
const evidenceFields: {
  [K in EvidenceKind]: { name: keyof EvidenceForm[K]; kind: 'text' | 'textarea' | 'datetime' }[];
} = {
  threatCall: [
    { name: 'at', kind: 'datetime' },
    { name: 'line', kind: 'text' },
    { name: 'callerNumber', kind: 'text' },
    { name: 'voice', kind: 'text' },
    { name: 'background', kind: 'text' },
    { name: 'wording', kind: 'textarea' },
  ],
  letter: [
    { name: 'receivedAt', kind: 'datetime' },
    { name: 'deliveredBy', kind: 'text' },
    { name: 'sender', kind: 'text' },
    { name: 'content', kind: 'textarea' },
  ],
  online: [
    { name: 'at', kind: 'datetime' },
    { name: 'url', kind: 'text' },
    { name: 'platform', kind: 'text' },
    { name: 'account', kind: 'text' },
    { name: 'content', kind: 'textarea' },
  ],
};

/** Threatening call, letter, online threat: collapsed until needed; sent only when something is filled in. */
export function EvidenceForms({
  evidence,
  setForm,
  issueAt,
}: {
  evidence: EvidenceForm;
  setForm: SetForm;
  issueAt: IssueAt;
}) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('reports.evidence.title')}</legend>
      <p className="muted small">{t('reports.evidence.hint')}</p>
      {(Object.keys(evidenceFields) as EvidenceKind[]).map((kind) => {
        const values = evidence[kind] as Record<string, string>;
        const open = Object.values(values).some((v) => v !== '');
        return (
          <details key={kind} className="evidence" open={open || undefined}>
            <summary>{t(`reports.evidence.${kind}.title`)}</summary>
            {evidenceFields[kind].map(({ name, kind: fieldKind }) => (
              <Field
                key={String(name)}
                kind={fieldKind}
                label={t(`reports.evidence.${kind}.${String(name)}`)}
                value={values[String(name)] ?? ''}
                error={issueAt(`evidence.${kind}.${String(name)}`)}
                onChange={(v) =>
                  setForm((f) => ({
                    ...f,
                    evidence: { ...f.evidence, [kind]: { ...f.evidence[kind], [name]: v } },
                  }))
                }
              />
            ))}
          </details>
        );
      })}
    </fieldset>
  );
}

function formatSize(bytes: number, lang: string): string {
  const kb = bytes / 1024;
  const fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return kb < 1024 ? `${fmt.format(kb)} KB` : `${fmt.format(kb / 1024)} MB`;
}

/** The evidence files as the server stored them: name, size, SHA-256 and time of upload. */
export function AttachmentList({ reportId, attachments }: { reportId: string; attachments: readonly Attachment[] }) {
  const { t, i18n } = useTranslation();
  if (attachments.length === 0) return <p>{t('reports.attachments.none')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('reports.attachments.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reports.attachments.name')}</th>
            <th scope="col">{t('reports.attachments.size')}</th>
            <th scope="col">{t('reports.attachments.sha256')}</th>
            <th scope="col">{t('reports.attachments.uploadedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {attachments.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={buildUrl(routes.downloadAttachment.url, { id: reportId, attachmentId: a.id })}>{a.name}</a>
              </td>
              <td>{formatSize(a.size, i18n.language)}</td>
              <td>
                <code className="hash">{a.sha256}</code>
              </td>
              <td>{formatTime(a.uploadedAt, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Upload needs the draft on the server first (the file belongs to a report id). */
export function Attachments({ reportId, initial }: { reportId: string | null; initial: readonly Attachment[] }) {
  const { t } = useTranslation();
  const inputId = useId();
  const [list, setList] = useState<readonly Attachment[]>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(files: FileList | null): Promise<void> {
    if (!reportId || !files) return;
    setBusy(true);
    setError(null);
    try {
      for (const file of Array.from(files)) {
        const stored = await call(routes.uploadAttachment, {
          params: { id: reportId },
          query: { name: file.name },
          file,
        });
        setList((l) => [...l, stored]);
      }
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`${inputId}-title`} className="attachments">
      <h2 id={`${inputId}-title`}>{t('reports.attachments.title')}</h2>
      {reportId ? (
        <>
          <AttachmentList reportId={reportId} attachments={list} />
          <label htmlFor={inputId}>{t('reports.attachments.add')}</label>
          <input
            id={inputId}
            type="file"
            multiple
            disabled={busy}
            accept="image/*,audio/*,application/pdf,text/plain"
            onChange={(e) => {
              void upload(e.target.files);
              e.target.value = '';
            }}
          />
          {busy && <p role="status">{t('reports.attachments.uploading')}</p>}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </>
      ) : (
        <p className="muted">{t('reports.attachments.saveFirst')}</p>
      )}
    </section>
  );
}

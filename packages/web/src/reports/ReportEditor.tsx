import type { Attachment, LevelMapping, SubmitResult } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { issuePath } from '../admin/fields.js';
import { Attachments, EvidenceForms } from './Evidence.js';
import type { ReportForm } from './formState.js';
import { CauserSection, Circumstances, ComplaintWish, WhatHappened, WhenWhere } from './ReportFormSections.js';
import { useReportDraft, type SaveState } from './useReportDraft.js';

/**
 * The form's label for a field the server named ("legal.strafantrag.reference" → "Strafantrag:
 * Aktenzeichen"), so the list under the form reads like the form; unknown paths as they came.
 */
function useIssueLabel(): (path: string) => string {
  const { t, i18n } = useTranslation();
  return (raw) => {
    const path = issuePath(raw);
    const [head, kind, field] = path.split('.');
    const known = (key: string) => (i18n.exists(key) ? t(key) : null);
    if (head === 'legal' && kind && field)
      return `${t(`reports.legal.${kind}`)}: ${field === 'date' ? t('reports.form.legalDate') : t('reports.form.legalReference')}`;
    if (head === 'evidence' && kind && field)
      return `${known(`reports.evidence.${kind}.title`) ?? kind}: ${known(`reports.evidence.${kind}.${field}`) ?? field}`;
    if (head === 'causer' && kind)
      return `${t('reports.form.causer')}: ${known(`reports.form.${kind === 'address' ? 'causerAddress' : kind}`) ?? kind}`;
    return (head && known(`reports.form.${head}`)) ?? path;
  };
}

function SaveStatus({
  state,
  storageFailed,
  restored,
}: {
  state: SaveState;
  storageFailed: boolean;
  restored: boolean;
}) {
  const { t } = useTranslation();
  const label = useIssueLabel();
  return (
    <div className="save-status">
      {restored && state.kind === 'idle' && <p className="notice">{t('reports.form.restored')}</p>}
      {storageFailed && (
        <p role="alert" className="error">
          {t('reports.form.storageFailed')}
        </p>
      )}
      <div role="status">
        {state.kind === 'saving' && <p>{t('reports.form.saving')}</p>}
        {state.kind === 'saved' && <p>{t('reports.form.saved')}</p>}
      </div>
      {state.kind === 'offline' && (
        <div role="alert" className="notice warning">
          <p>
            <strong>{t('reports.form.offline')}</strong>
          </p>
          <p>{state.submitting ? t('reports.form.offlineSubmit') : t('reports.form.offlineRetry')}</p>
        </div>
      )}
      {state.kind === 'error' && (
        <div role="alert" className="error">
          <p>{state.message}</p>
          {state.issues.map((i) => (
            <p key={i.path}>
              {label(i.path)}: {i.message}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

/**
 * The report form (new, or a draft being edited). Every keystroke is kept on this device;
 * "Entwurf speichern" and "Einreichen" go to the server.
 */
export function ReportEditor({
  personId,
  reportId,
  initialForm,
  initialCreateKey,
  attachments,
  restored,
  mapping,
  onCreated,
  onSubmitted,
}: {
  personId: string;
  reportId: string | null;
  initialForm: ReportForm;
  initialCreateKey: string | null;
  attachments: readonly Attachment[];
  /** The form came back from this device's storage (typed before a reload or while offline). */
  restored: boolean;
  mapping: Partial<LevelMapping>;
  onCreated: (id: string) => void;
  onSubmitted: (result: SubmitResult) => void;
}) {
  const { t } = useTranslation();
  const draft = useReportDraft({
    personId,
    initialReportId: reportId,
    initialForm,
    initialCreateKey,
    mapping,
    onCreated,
  });
  const { form, setForm, state } = draft;
  const issues = state.kind === 'error' ? state.issues : [];
  const issueAt = (path: string): string | undefined =>
    issues
      .filter((i) => issuePath(i.path) === path)
      .map((i) => i.message)
      .join('; ') || undefined;
  const sections = { form, setForm, issueAt };

  async function submit(): Promise<void> {
    const result = await draft.submit();
    if (result) onSubmitted(result);
  }

  const busy = state.kind === 'saving';
  return (
    <form
      className="report-form"
      aria-labelledby="report-form-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h1 id="report-form-title">{draft.reportId ? t('reports.form.editTitle') : t('reports.form.newTitle')}</h1>
      <p className="muted">{t('reports.form.intro')}</p>
      <WhenWhere {...sections} />
      <WhatHappened {...sections} mapping={mapping} />
      <ComplaintWish form={form} setForm={setForm} mapping={mapping} />
      <CauserSection {...sections} />
      <Circumstances {...sections} />
      <EvidenceForms evidence={form.evidence} setForm={setForm} issueAt={issueAt} />
      <Attachments reportId={draft.reportId} initial={attachments} />
      <SaveStatus state={state} storageFailed={draft.storageFailed} restored={restored} />
      <div className="button-row sticky-actions">
        <button type="button" disabled={busy} onClick={() => void draft.save()}>
          {t('reports.form.saveDraft')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t('reports.form.submit')}
        </button>
      </div>
    </form>
  );
}

import { routes, type Attachment, type Me, type SubmitResult } from '@wachsam/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf, RequestError } from '../api/http.js';
import { navigate, replacePath } from '../app/router.js';
import { loadDraft } from './draftStore.js';
import { emptyForm, fromReport, type ReportForm } from './formState.js';
import { SubmitResultView } from './HelpOffers.js';
import { ReportEditor } from './ReportEditor.js';
import { useLevelMapping } from './settings.js';

type Loaded =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'notDraft'; id: string }
  | {
      kind: 'form';
      key: string;
      reportId: string | null;
      form: ReportForm;
      attachments: readonly Attachment[];
      restored: boolean;
      createKey: string | null;
    };

/**
 * What the editor opens with. A copy on this device that the server has not confirmed wins
 * over the server's draft; with no network the local copy alone opens, so work goes on offline.
 */
async function loadEditor(personId: string, reportId: string | null): Promise<Loaded> {
  const local = loadDraft(localStorage, personId, reportId);
  if (!reportId) {
    return {
      kind: 'form',
      key: `new-${Date.now()}`,
      reportId: null,
      form: local?.form ?? emptyForm(),
      attachments: [],
      restored: local !== null,
      createKey: local?.createKey ?? null,
    };
  }
  try {
    const report = await call(routes.getReport, { params: { id: reportId } });
    // Only the reporter edits, and the reporter always gets the full view.
    if (report.view !== 'full' || !report.actions.includes('edit')) return { kind: 'notDraft', id: reportId };
    const restored = local?.dirty === true;
    return {
      kind: 'form',
      key: reportId,
      reportId,
      form: restored ? local.form : fromReport(report),
      attachments: report.attachments,
      restored,
      createKey: null,
    };
  } catch (err) {
    if (local && err instanceof RequestError && err.code === 'network_error') {
      return {
        kind: 'form',
        key: reportId,
        reportId,
        form: local.form,
        attachments: [],
        restored: true,
        createKey: null,
      };
    }
    return { kind: 'error', message: messageOf(err) };
  }
}

export function ReportEditorPage({ me, reportId, base }: { me: Me; reportId: string | null; base: string }) {
  const { t } = useTranslation();
  const mapping = useLevelMapping();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [result, setResult] = useState<SubmitResult | null>(null);
  // The id the mounted editor created itself: its new URL must not reload the form.
  const ownId = useRef<string | null>(null);

  useEffect(() => {
    if (reportId !== null && reportId === ownId.current) return;
    ownId.current = reportId;
    let cancelled = false;
    setLoaded({ kind: 'loading' });
    setResult(null);
    void loadEditor(me.personId, reportId).then((l) => !cancelled && setLoaded(l));
    return () => {
      cancelled = true;
    };
  }, [me.personId, reportId]);

  useEffect(() => {
    if (loaded.kind === 'notDraft') replacePath(`${base}/${loaded.id}`);
  }, [loaded, base]);

  if (result) return <SubmitResultView result={result} onOpen={(id) => navigate(`${base}/${id}`)} />;
  switch (loaded.kind) {
    case 'loading':
    case 'notDraft':
      return <p>{t('common.loading')}</p>;
    case 'error':
      return (
        <p role="alert" className="error">
          {loaded.message}
        </p>
      );
    case 'form':
      return (
        <ReportEditor
          key={loaded.key}
          personId={me.personId}
          reportId={loaded.reportId}
          initialForm={loaded.form}
          initialCreateKey={loaded.createKey}
          attachments={loaded.attachments}
          restored={loaded.restored}
          mapping={mapping}
          onCreated={(id) => {
            ownId.current = id;
            replacePath(`${base}/${id}/bearbeiten`);
          }}
          onSubmitted={(r) => {
            setResult(r);
            window.scrollTo(0, 0);
          }}
        />
      );
  }
}

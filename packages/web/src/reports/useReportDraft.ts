import { routes, type LevelMapping, type Report, type SubmitResult } from '@wachsam/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, messageOf, RequestError } from '../api/http.js';
import { createDraft, type PendingCreate } from './createDraft.js';
import { clearDraft, newCreateKey, promoteDraft, saveDraft } from './draftStore.js';
import { toInput, type ReportForm } from './formState.js';

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  /** No answer from the server: kept on this device, retried by itself. */
  | { kind: 'offline'; submitting: boolean }
  | { kind: 'error'; message: string; issues: { path: string; message: string }[] };

const retryMs = 5_000;

const isNetwork = (err: unknown): boolean => err instanceof RequestError && err.code === 'network_error';

/**
 * The report form with its two homes: this device (every change, at once) and the server
 * (on "Entwurf speichern" and "Einreichen"). When the server cannot be reached the text
 * stays here, the person is told so, and saving is retried until it goes through.
 */
export function useReportDraft({
  personId,
  initialReportId,
  initialForm,
  initialCreateKey,
  mapping,
  onCreated,
}: {
  /** Told once, when the first save created the report on the server. */
  onCreated: (id: string) => void;
  personId: string;
  initialReportId: string | null;
  initialForm: ReportForm;
  /** The create key kept on this device with a draft not yet confirmed by the server. */
  initialCreateKey: string | null;
  mapping: Partial<LevelMapping>;
}) {
  const [form, setFormState] = useState(initialForm);
  const [reportId, setReportId] = useState(initialReportId);
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const [storageFailed, setStorageFailed] = useState(false);
  const formRef = useRef(form);
  const idRef = useRef(reportId);
  // One key per report until the server confirmed it; a key from this device's copy may have been sent.
  const pending = useRef<PendingCreate>({
    key: initialCreateKey ?? newCreateKey(),
    maybeSent: initialCreateKey !== null,
  });
  const inFlight = useRef<Promise<Report | null> | null>(null);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const keepLocally = useCallback(
    (next: ReportForm, dirty: boolean) => {
      try {
        saveDraft(localStorage, personId, {
          reportId: idRef.current,
          form: next,
          dirty,
          savedLocallyAt: new Date().toISOString(),
          createKey: idRef.current ? null : pending.current.key,
        });
        setStorageFailed(false);
      } catch {
        setStorageFailed(true);
      }
    },
    [personId],
  );

  const setForm = useCallback(
    (update: (f: ReportForm) => ReportForm) => {
      const next = update(formRef.current);
      formRef.current = next;
      setFormState(next);
      keepLocally(next, true);
      setState((s) => (s.kind === 'saved' ? { kind: 'idle' } : s));
    },
    [keepLocally],
  );

  const saveOnce = useCallback(async (): Promise<Report | null> => {
    const sent = formRef.current;
    const body = toInput(sent, mapping);
    const id = idRef.current;
    const report = id
      ? await call(routes.updateReport, { params: { id }, body })
      : await createDraft(
          {
            create: (b, key) => call(routes.createReport, { body: b, headers: { 'Idempotency-Key': key } }),
            update: (created, b) => call(routes.updateReport, { params: { id: created }, body: b }),
          },
          body,
          pending.current,
        );
    if (!id) {
      idRef.current = report.id;
      setReportId(report.id);
      try {
        promoteDraft(localStorage, personId, report.id, sent);
      } catch {
        setStorageFailed(true);
      }
      onCreated(report.id);
    }
    // Typed on while the request was out: that newer text is still unsaved.
    keepLocally(formRef.current, formRef.current !== sent);
    return report;
  }, [mapping, personId, keepLocally, onCreated]);

  const save = useCallback(
    async (submitting = false): Promise<Report | null> => {
      if (retryTimer.current) clearTimeout(retryTimer.current);
      retryTimer.current = null;
      // One request at a time: a second click must not create a second draft.
      if (inFlight.current) await inFlight.current.catch(() => null);
      setState({ kind: 'saving' });
      const attempt = saveOnce();
      inFlight.current = attempt;
      try {
        const report = await attempt;
        setState({ kind: 'saved' });
        return report;
      } catch (err) {
        if (isNetwork(err)) {
          setState({ kind: 'offline', submitting });
          retryTimer.current = setTimeout(() => void save(submitting), retryMs);
        } else {
          setState({
            kind: 'error',
            message: messageOf(err),
            issues: err instanceof RequestError ? err.issues : [],
          });
        }
        return null;
      } finally {
        inFlight.current = null;
      }
    },
    [saveOnce],
  );

  /** Save, then submit. Only a confirmed submit clears the copy on this device. */
  const submit = useCallback(async (): Promise<SubmitResult | null> => {
    const report = await save(true);
    if (!report) return null;
    setState({ kind: 'saving' });
    try {
      const result = await call(routes.submitReport, { params: { id: report.id } });
      clearDraft(localStorage, personId, report.id);
      setState({ kind: 'saved' });
      return result;
    } catch (err) {
      if (isNetwork(err)) setState({ kind: 'offline', submitting: true });
      else setState({ kind: 'error', message: messageOf(err), issues: err instanceof RequestError ? err.issues : [] });
      return null;
    }
  }, [save, personId]);

  // Back online: retry at once instead of waiting for the timer.
  useEffect(() => {
    if (state.kind !== 'offline') return;
    const onOnline = () => void save(state.submitting);
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [state, save]);

  useEffect(
    () => () => {
      if (retryTimer.current) clearTimeout(retryTimer.current);
    },
    [],
  );

  return { form, setForm, reportId, state, storageFailed, save, submit };
}

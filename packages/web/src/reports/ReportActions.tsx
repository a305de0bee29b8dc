import { routes, type ComplaintClosed, type Report, type RouteDef, type SubmitResult } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Draft, FieldSpec } from '../admin/fields.js';
import { ResourceForm } from '../admin/ResourceForm.js';
import { call } from '../api/http.js';
import { followLink } from '../app/router.js';
import { legalKinds } from './formState.js';

type Action = Report['actions'][number];
type FormAction = Exclude<Action, 'edit' | 'submit'>;

const str = (d: Draft, k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');

/** A legal step from two fields: left out when both are empty, else sent as typed (the server checks). */
function stepOf(d: Draft, kind: string): { date: string; reference: string } | null {
  const date = str(d, `${kind}Date`);
  const reference = str(d, `${kind}Reference`);
  return date === '' && reference === '' ? null : { date, reference };
}

const bodies: Record<FormAction, (d: Draft) => unknown> = {
  approve: (d) => ({ comment: str(d, 'comment') }),
  return: (d) => ({ comment: str(d, 'comment') }),
  quality_check: (d) => ({ comment: str(d, 'comment') }),
  archive: (d) => ({ comment: str(d, 'comment') }),
  file_complaint: (d) => ({
    strafanzeige: stepOf(d, 'strafanzeige'),
    strafantrag: stepOf(d, 'strafantrag'),
    hausverbot: stepOf(d, 'hausverbot'),
    comment: str(d, 'comment'),
  }),
  close_complaint: (d) =>
    str(d, 'decision') === 'declined'
      ? { decision: 'declined', comment: str(d, 'comment') }
      : {
          decision: str(d, 'decision'),
          strafanzeige: stepOf(d, 'strafanzeige'),
          strafantrag: stepOf(d, 'strafantrag'),
          comment: str(d, 'comment'),
        },
  publish: (d) => ({
    summary: str(d, 'summary'),
    measures: str(d, 'measures')
      .split('\n')
      .map((m) => m.trim())
      .filter((m) => m !== ''),
    personDescription: str(d, 'personDescription'),
    comment: str(d, 'comment'),
  }),
};

const routeOf: Record<FormAction, RouteDef> = {
  approve: routes.approveReport,
  return: routes.returnReport,
  file_complaint: routes.fileComplaint,
  close_complaint: routes.closeComplaint,
  quality_check: routes.qualityCheck,
  publish: routes.publishReport,
  archive: routes.archiveReport,
};

function useFields(action: FormAction): FieldSpec[] {
  const { t } = useTranslation();
  const comment: FieldSpec = {
    name: 'comment',
    label: action === 'return' ? t('reports.actions.reasonRequired') : t('reports.actions.comment'),
    kind: 'textarea',
  };
  switch (action) {
    case 'file_complaint':
      return [
        ...legalKinds.flatMap((k): FieldSpec[] => [
          { name: `${k}Date`, label: t('reports.actions.stepDate', { step: t(`reports.legal.${k}`) }), kind: 'date' },
          {
            name: `${k}Reference`,
            label: t('reports.actions.stepReference', { step: t(`reports.legal.${k}`) }),
            kind: 'text',
          },
        ]),
        comment,
      ];
    case 'close_complaint':
      return [
        {
          name: 'decision',
          label: t('reports.actions.decision'),
          kind: 'select',
          options: (['filed', 'declined'] as const).map((v) => ({
            value: v,
            label: t(`reports.actions.decisions.${v}`),
          })),
        },
        ...(['strafantrag', 'strafanzeige'] as const).flatMap((k): FieldSpec[] => [
          { name: `${k}Date`, label: t('reports.actions.stepDate', { step: t(`reports.legal.${k}`) }), kind: 'date' },
          {
            name: `${k}Reference`,
            label: t('reports.actions.stepReference', { step: t(`reports.legal.${k}`) }),
            kind: 'text',
          },
        ]),
        { ...comment, label: t('reports.actions.closeComment') },
      ];
    case 'publish':
      return [
        { name: 'summary', label: t('reports.actions.summary'), kind: 'textarea', rows: 4 },
        { name: 'personDescription', label: t('reports.actions.personDescription'), kind: 'textarea', rows: 3 },
        { name: 'measures', label: t('reports.actions.measures'), kind: 'textarea', rows: 4 },
        comment,
      ];
    default:
      return [comment];
  }
}

function ActionForm({
  report,
  action,
  onDone,
  onClosed,
  onCancel,
}: {
  report: Report;
  action: FormAction;
  onDone: (r: Report) => void;
  onClosed: (c: ComplaintClosed) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const fields = useFields(action);
  const empty = Object.fromEntries(fields.map((f) => [f.name, '']));
  // The reporter's description of the causer is only a starting point: the central unit edits
  // it here, consciously, and only what it sends is published.
  const initial =
    action === 'publish'
      ? { ...empty, personDescription: report.causer.description }
      : action === 'close_complaint'
        ? { ...empty, decision: 'filed' }
        : empty;
  return (
    <ResourceForm
      title={t(`reports.actions.${action}`)}
      fields={fields}
      initial={initial}
      submitLabel={t(`reports.actions.${action}`)}
      onCancel={onCancel}
      onSubmit={async (draft) => {
        const answer = await call(routeOf[action], {
          params: { id: report.id },
          body: bodies[action](draft) as never,
        });
        // Closing a report below the threshold answers that it is gone; every other step the report.
        if (action === 'close_complaint') onClosed(answer as unknown as ComplaintClosed);
        else onDone(answer as unknown as Report);
      }}
    />
  );
}

/** The caller's next steps, as the server lists them in `actions`. */
export function ReportActions({
  report,
  base,
  onChanged,
  onClosed,
  onSubmitted,
}: {
  report: Report;
  base: string;
  onChanged: (r: Report) => void;
  onClosed: (c: ComplaintClosed) => void;
  onSubmitted: (r: SubmitResult) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<FormAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (report.actions.length === 0) return null;
  const editPath = `${base}/${report.id}/bearbeiten`;

  async function submit(): Promise<void> {
    setError(null);
    try {
      onSubmitted(await call(routes.submitReport, { params: { id: report.id } }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section aria-labelledby="report-actions-title" className="report-actions">
      <h2 id="report-actions-title">{t('reports.actions.title')}</h2>
      <div className="button-row">
        {report.actions.map((a) => {
          if (a === 'edit')
            return (
              <a key={a} className="button-link" href={editPath} onClick={(e) => followLink(e, editPath)}>
                {t('reports.actions.edit')}
              </a>
            );
          if (a === 'submit')
            return (
              <button key={a} type="button" className="primary" onClick={() => void submit()}>
                {t('reports.actions.submit')}
              </button>
            );
          return (
            <button key={a} type="button" aria-expanded={open === a} onClick={() => setOpen(open === a ? null : a)}>
              {t(`reports.actions.${a}`)}
            </button>
          );
        })}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {open && (
        <ActionForm
          key={open}
          report={report}
          action={open}
          onCancel={() => setOpen(null)}
          onClosed={onClosed}
          onDone={(r) => {
            setOpen(null);
            onChanged(r);
          }}
        />
      )}
    </section>
  );
}

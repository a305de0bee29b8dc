import { routes, type ComplaintClosed, type Report, type SubmitResult } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { useMe } from '../app/me.js';
import { followLink } from '../app/router.js';
import { AttachmentList } from './Evidence.js';
import { SubmitResultView } from './HelpOffers.js';
import { ReportActions } from './ReportActions.js';
import { CentralFacts, ComplaintTrack, Fact, Facts, History } from './ReportFacts.js';

/** HR closed a report below the threshold: it is gone, only its anonymous count remains. */
function Closed({ closed }: { closed: ComplaintClosed }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="report-closed-title">
      <h1 id="report-closed-title">{t('reports.closed.title')}</h1>
      <p role="status">{t(`reports.closed.${closed.decision}`)}</p>
      <p>
        <a href="/eingang" onClick={(e) => followLink(e, '/eingang')}>
          {t('reports.closed.back')}
        </a>
      </p>
    </section>
  );
}

/** What was published as the warning: the central unit's summary and measures, as every employee saw them. */
function PublishedWarning({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const w = report.warning;
  if (!w) return null;
  return (
    <section aria-labelledby="report-warning-title" className="notice">
      <h2 id="report-warning-title">{t('reports.detail.warningTitle')}</h2>
      <p className="muted">
        {t('reports.detail.warningPublished', { time: formatTime(w.publishedAt, i18n.language) })}
      </p>
      <dl className="facts">
        <Fact label={t('warnings.summary')}>{w.summary}</Fact>
        <Fact label={t('warnings.measures')}>
          {w.measures.length === 0 ? (
            ''
          ) : (
            <ul>
              {w.measures.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </Fact>
      </dl>
    </section>
  );
}

/** One report: facts, status, history and the caller's next steps. */
export function ReportDetail({ id, base }: { id: string; base: string }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<SubmitResult | null>(null);
  const [closed, setClosed] = useState<ComplaintClosed | null>(null);
  const me = useMe();
  const registerPath = `/register/eintraege/aus/${id}`;

  useEffect(() => {
    const abort = new AbortController();
    call(routes.getReport, { params: { id }, signal: abort.signal }).then(setReport, (err: unknown) => {
      if (!abort.signal.aborted) setError(messageOf(err));
    });
    return () => abort.abort();
  }, [id]);

  if (submitted) return <SubmitResultView result={submitted} />;
  if (closed) return <Closed closed={closed} />;
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!report) return <p>{t('common.loading')}</p>;
  return (
    <article aria-labelledby="report-title" className="report-detail">
      <h1 id="report-title">
        {t('reports.detail.title', {
          categories: report.categories.map((c) => t(`reports.categories.${c}`)).join(', '),
        })}
      </h1>
      <p>
        <span className={`status report-status-${report.status}`}>{t(`reports.status.${report.status}`)}</span>
      </p>
      <ReportActions
        report={report}
        base={base}
        onChanged={setReport}
        onClosed={(c) => {
          setClosed(c);
          window.scrollTo(0, 0);
        }}
        onSubmitted={(r) => {
          setSubmitted(r);
          window.scrollTo(0, 0);
        }}
      />
      {report.view === 'full' && <ComplaintTrack report={report} />}
      {report.status === 'published' && me.roles.includes('security_management') && (
        <p>
          <a href={registerPath} onClick={(e) => followLink(e, registerPath)}>
            {t('reports.detail.toRegister')}
          </a>
        </p>
      )}
      <PublishedWarning report={report} />
      <h2>{t('reports.detail.facts')}</h2>
      {report.view === 'full' ? (
        <>
          <Facts report={report} />
          <h2>{t('reports.attachments.title')}</h2>
          <AttachmentList reportId={report.id} attachments={report.attachments} />
        </>
      ) : (
        <CentralFacts report={report} />
      )}
      <History report={report} />
    </article>
  );
}

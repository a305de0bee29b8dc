import { reporterRole, roles, routes, systemRole, type Report, type Role, type SubmitResult } from '@wachsam/protocol';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoleLabel } from '../admin/lookups.js';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { useMe } from '../app/me.js';
import { followLink } from '../app/router.js';
import { AttachmentList } from './Evidence.js';
import { legalKinds } from './formState.js';
import { SubmitResultView } from './HelpOffers.js';
import { ReportActions } from './ReportActions.js';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children === '' || children === null ? '–' : children}</dd>
    </>
  );
}

function Facts({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const c = report.causer;
  const ev = report.evidence;
  return (
    <dl className="facts report-facts">
      <Fact label={t('reports.form.occurredAt')}>{formatTime(report.occurredAt, i18n.language)}</Fact>
      <Fact label={t('reports.form.address')}>{report.address}</Fact>
      <Fact label={t('reports.form.categories')}>
        {report.categories.map((x) => t(`reports.categories.${x}`)).join(', ')}
        {report.otherCategory && ` (${report.otherCategory})`}
      </Fact>
      <Fact label={t('reports.form.level')}>
        {t(`reports.levels.${report.level}`)}
        {report.level !== report.suggestedLevel && (
          <span className="muted">
            {' '}
            {t('reports.detail.suggestedWas', { level: report.suggestedLevel, reason: report.levelReason })}
          </span>
        )}
      </Fact>
      <Fact label={t('reports.form.description')}>{report.description}</Fact>
      <Fact label={t('reports.form.causer')}>
        {c.known
          ? [`${c.firstName} ${c.lastName}`.trim(), c.birthDate, c.address].filter((x) => x).join(', ')
          : t('reports.form.unknown')}
      </Fact>
      <Fact label={t('reports.form.causerDescription')}>{c.description}</Fact>
      <Fact label={t('reports.form.witnesses')}>{report.witnesses}</Fact>
      <Fact label={t('reports.form.injuries')}>{report.injuries}</Fact>
      <Fact label={t('reports.form.policeInvolved')}>{report.policeInvolved ? t('common.yes') : t('common.no')}</Fact>
      {legalKinds.map((k) => {
        const step = report.legal[k];
        return (
          <Fact key={k} label={t(`reports.legal.${k}`)}>
            {step ? t('reports.detail.legalStep', { date: step.date, reference: step.reference }) : ''}
          </Fact>
        );
      })}
      {ev.threatCall && (
        <Fact label={t('reports.evidence.threatCall.title')}>
          {[
            formatTime(ev.threatCall.at, i18n.language),
            ev.threatCall.line,
            ev.threatCall.callerNumber,
            ev.threatCall.voice,
            ev.threatCall.background,
            ev.threatCall.wording,
          ]
            .filter((x) => x)
            .join(' · ')}
        </Fact>
      )}
      {ev.letter && (
        <Fact label={t('reports.evidence.letter.title')}>
          {[formatTime(ev.letter.receivedAt, i18n.language), ev.letter.deliveredBy, ev.letter.sender, ev.letter.content]
            .filter((x) => x)
            .join(' · ')}
        </Fact>
      )}
      {ev.online && (
        <Fact label={t('reports.evidence.online.title')}>
          {[
            formatTime(ev.online.at, i18n.language),
            ev.online.url,
            ev.online.platform,
            ev.online.account,
            ev.online.content,
          ]
            .filter((x) => x)
            .join(' · ')}
        </Fact>
      )}
      <Fact label={t('reports.detail.reporter')}>{report.reporter.name}</Fact>
    </dl>
  );
}

function History({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const roleName = (role: string): string => (roles.includes(role as Role) ? roleLabel(role as Role) : role);
  return (
    <section aria-labelledby="report-history-title">
      <h2 id="report-history-title">{t('reports.detail.history')}</h2>
      {report.transitions.length === 0 ? (
        <p>{t('reports.detail.noHistory')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('reports.detail.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.detail.at')}</th>
                <th scope="col">{t('reports.detail.step')}</th>
                <th scope="col">{t('reports.detail.who')}</th>
                <th scope="col">{t('reports.detail.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {report.transitions.map((tr, i) => (
                <tr key={i}>
                  <td>{formatTime(tr.at, i18n.language)}</td>
                  <td>
                    {t(`reports.status.${tr.from}`)} → {t(`reports.status.${tr.to}`)}
                  </td>
                  <td>
                    {tr.role === reporterRole || tr.role === systemRole
                      ? tr.actor
                      : `${tr.actor} (${roleName(tr.role)})`}
                  </td>
                  <td>{tr.comment || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
        onSubmitted={(r) => {
          setSubmitted(r);
          window.scrollTo(0, 0);
        }}
      />
      {report.status === 'published' && me.roles.includes('security_management') && (
        <p>
          <a href={registerPath} onClick={(e) => followLink(e, registerPath)}>
            {t('reports.detail.toRegister')}
          </a>
        </p>
      )}
      <PublishedWarning report={report} />
      <h2>{t('reports.detail.facts')}</h2>
      <Facts report={report} />
      <h2>{t('reports.attachments.title')}</h2>
      <AttachmentList reportId={report.id} attachments={report.attachments} />
      <History report={report} />
    </article>
  );
}

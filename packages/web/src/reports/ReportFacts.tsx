import {
  reporterRole,
  roles,
  systemRole,
  type CentralReport,
  type FullReport,
  type Report,
  type Role,
} from '@wachsam/protocol';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoleLabel } from '../admin/lookups.js';
import { formatDay, formatTime } from '../app/format.js';
import { evidenceKinds, legalKinds, type EvidenceKind } from './formState.js';

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children === '' || children === null ? '–' : children}</dd>
    </>
  );
}

/** What both views share: categories, level, description, causer, police, legal steps. */
function CaseFacts({ report }: { report: Report }) {
  const { t } = useTranslation();
  const c = report.causer;
  return (
    <>
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
      <Fact label={t('reports.form.policeInvolved')}>{report.policeInvolved ? t('common.yes') : t('common.no')}</Fact>
      {legalKinds.map((k) => {
        const step = report.legal[k];
        return (
          <Fact key={k} label={t(`reports.legal.${k}`)}>
            {step ? t('reports.detail.legalStep', { date: step.date, reference: step.reference }) : ''}
          </Fact>
        );
      })}
    </>
  );
}

const joined = (parts: string[]) => parts.filter((x) => x).join(' · ');

/** The structured evidence forms (call, letter, online), each as the parts its view may show. */
function EvidenceFacts({ parts }: { parts: Record<EvidenceKind, string[] | null> }) {
  const { t } = useTranslation();
  return (
    <>
      {evidenceKinds.map((k) => {
        const shown = parts[k];
        return (
          shown && (
            <Fact key={k} label={t(`reports.evidence.${k}.title`)}>
              {joined(shown)}
            </Fact>
          )
        );
      })}
    </>
  );
}

/** The report as the reporter, the supervisor and HR see it. */
export function Facts({ report }: { report: FullReport }) {
  const { t, i18n } = useTranslation();
  const ev = report.evidence;
  const at = (iso: string) => formatTime(iso, i18n.language);
  return (
    <dl className="facts report-facts">
      <Fact label={t('reports.form.occurredAt')}>{at(report.occurredAt)}</Fact>
      <Fact label={t('reports.form.address')}>{report.address}</Fact>
      <CaseFacts report={report} />
      <Fact label={t('reports.form.witnesses')}>{report.witnesses}</Fact>
      <Fact label={t('reports.form.injuries')}>{report.injuries}</Fact>
      <EvidenceFacts
        parts={{
          threatCall: ev.threatCall && [
            at(ev.threatCall.at),
            ev.threatCall.line,
            ev.threatCall.callerNumber,
            ev.threatCall.voice,
            ev.threatCall.background,
            ev.threatCall.wording,
          ],
          letter: ev.letter && [at(ev.letter.receivedAt), ev.letter.deliveredBy, ev.letter.sender, ev.letter.content],
          online: ev.online && [
            at(ev.online.at),
            ev.online.url,
            ev.online.platform,
            ev.online.account,
            ev.online.content,
          ],
        }}
      />
      <Fact label={t('reports.detail.reporter')}>{report.reporter.name}</Fact>
    </dl>
  );
}

/**
 * The report as the central unit sees it: the day, the building and department of the room,
 * and nothing about the person who reported (questions go through the supervisor).
 */
export function CentralFacts({ report }: { report: CentralReport }) {
  const { t, i18n } = useTranslation();
  const ev = report.evidence;
  const day = (d: string) => formatDay(d, i18n.language);
  return (
    <>
      <p className="notice">{t('reports.detail.centralView')}</p>
      <dl className="facts report-facts">
        <Fact label={t('reports.detail.occurredOn')}>{day(report.occurredOn)}</Fact>
        <Fact label={t('reports.detail.place')}>
          {report.place ? joined([report.place.building, report.place.department]) : t('reports.detail.outside')}
        </Fact>
        <CaseFacts report={report} />
        <EvidenceFacts
          parts={{
            threatCall: ev.threatCall && [
              day(ev.threatCall.on),
              ev.threatCall.callerNumber,
              ev.threatCall.voice,
              ev.threatCall.background,
              ev.threatCall.wording,
            ],
            letter: ev.letter && [
              day(ev.letter.receivedOn),
              ev.letter.deliveredBy,
              ev.letter.sender,
              ev.letter.content,
            ],
            online: ev.online && [
              day(ev.online.on),
              ev.online.url,
              ev.online.platform,
              ev.online.account,
              ev.online.content,
            ],
          }}
        />
        <Fact label={t('reports.attachments.title')}>
          {t('reports.detail.attachmentCount', { count: report.attachmentCount })}
        </Fact>
        <Fact label={t('reports.detail.reporter')}>{t('reports.detail.reporterWithheld')}</Fact>
      </dl>
    </>
  );
}

/** The workflow's steps: with the time for those who may know the reporter, the day for the central unit. */
export function History({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const roleName = (role: string): string => (roles.includes(role as Role) ? roleLabel(role as Role) : role);
  const rows =
    report.view === 'full'
      ? report.transitions.map((tr) => ({ ...tr, when: formatTime(tr.at, i18n.language) }))
      : report.transitions.map((tr) => ({ ...tr, when: formatDay(tr.on, i18n.language) }));
  return (
    <section aria-labelledby="report-history-title">
      <h2 id="report-history-title">{t('reports.detail.history')}</h2>
      {rows.length === 0 ? (
        <p>{t('reports.detail.noHistory')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('reports.detail.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{report.view === 'full' ? t('reports.detail.at') : t('reports.detail.on')}</th>
                <th scope="col">{t('reports.detail.step')}</th>
                <th scope="col">{t('reports.detail.who')}</th>
                <th scope="col">{t('reports.detail.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((tr, i) => (
                <tr key={i}>
                  <td>{tr.when}</td>
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

/**
 * Below the threshold, on for the Strafanzeige/Strafantrag only: what happens, and by when a
 * Strafantrag must be filed (§ 77b StGB), shown to the reporter, the supervisor and HR.
 */
export function ComplaintTrack({ report }: { report: FullReport }) {
  const { t, i18n } = useTranslation();
  if (!report.complaintOnly && !report.actions.includes('file_complaint')) return null;
  return (
    <section aria-labelledby="report-deadline-title" className="notice warning">
      <h2 id="report-deadline-title">
        {report.strafantragDeadline
          ? t('reports.detail.deadline', { date: formatDay(report.strafantragDeadline, i18n.language) })
          : t('reports.detail.deadlineUnknown')}
      </h2>
      {report.complaintOnly && <p>{t('reports.detail.complaintOnly')}</p>}
      {!report.causer.known && <p>{t('reports.detail.deadlineUnknownCauser')}</p>}
    </section>
  );
}

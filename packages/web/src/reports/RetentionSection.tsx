import { fixedRetention, retentionBounds, routes, type RetentionSetting, type ZemagSettings } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { draftToBody, type FieldSpec } from '../admin/fields.js';
import { ResourceForm } from '../admin/ResourceForm.js';
import { call } from '../api/http.js';

/** The periods the central unit sets, in the order of the overview below. */
const editable: RetentionSetting[] = [
  'alarmRetentionDays',
  'reportRetentionMonths',
  'draftRetentionDays',
  'registerReviewMonths',
  'registerRetentionMonths',
  'deletionWarningDays',
  'auditRetentionMonths',
];

type Row = { key: string; period: string; setting: string };

/**
 * Retention of personal data: the periods within their legal bounds, and an overview of every
 * kind of data with its period and what starts it (fixed periods shown, not editable). The
 * server enforces them at every read and deletes with a job.
 */
export function RetentionSection({ settings, onSaved }: { settings: ZemagSettings; onSaved: () => void }) {
  const { t } = useTranslation();
  const fields: FieldSpec[] = editable.map((k) => ({
    name: k,
    label: t(`retention.periods.${k}`, { min: retentionBounds[k].min, max: retentionBounds[k].max }),
    kind: 'number',
  }));
  const days = (count: number) => t('retention.days', { count });
  const months = (count: number) => t('retention.months', { count });
  const range = (k: RetentionSetting) => {
    const b = retentionBounds[k];
    return b.unit === 'Tage' ? t('retention.rangeDays', b) : t('retention.rangeMonths', b);
  };
  const fixed = t('retention.fixed');
  const rows: Row[] = [
    { key: 'alarms', period: days(settings.alarmRetentionDays), setting: range('alarmRetentionDays') },
    { key: 'lastPosition', period: t('retention.hours', { count: fixedRetention.lastPositionHours }), setting: fixed },
    { key: 'events', period: days(fixedRetention.eventDays), setting: fixed },
    { key: 'reports', period: months(settings.reportRetentionMonths), setting: range('reportRetentionMonths') },
    { key: 'drafts', period: days(settings.draftRetentionDays), setting: range('draftRetentionDays') },
    { key: 'belowThreshold', period: t('retention.rows.belowThreshold.period'), setting: fixed },
    { key: 'warnings', period: months(settings.registerRetentionMonths), setting: range('registerRetentionMonths') },
    { key: 'register', period: months(settings.registerRetentionMonths), setting: range('registerRetentionMonths') },
    { key: 'accessLog', period: months(fixedRetention.accessLogMonths), setting: fixed },
    { key: 'audit', period: months(settings.auditRetentionMonths), setting: range('auditRetentionMonths') },
    { key: 'facts', period: t('retention.rows.facts.period'), setting: fixed },
  ];
  return (
    <section aria-labelledby="retention-title">
      <h2 id="retention-title">{t('retention.title')}</h2>
      <p className="muted">{t('retention.intro')}</p>
      <ResourceForm
        title={t('retention.formTitle')}
        fields={fields}
        initial={Object.fromEntries(editable.map((k) => [k, String(settings[k])]))}
        submitLabel={t('admin.save')}
        onSubmit={async (d) => {
          // Sent as typed: "zwölf" or 20 days is refused by the server, which names the bounds.
          const body = { ...settings, ...draftToBody(fields, d) };
          await call(routes.putSettings, { body: body as never });
          onSaved();
        }}
      />
      <table>
        <caption>{t('retention.overview')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('retention.columns.data')}</th>
            <th scope="col">{t('retention.columns.period')}</th>
            <th scope="col">{t('retention.columns.from')}</th>
            <th scope="col">{t('retention.columns.setting')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{t(`retention.rows.${r.key}.data`)}</th>
              <td>{r.period}</td>
              <td>{t(`retention.rows.${r.key}.from`)}</td>
              <td>{r.setting}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { routes, type Me, type Measure, type StatsColumns, type StatsRows } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ResourceSection } from '../admin/ResourceSection.js';
import { useList } from '../admin/useList.js';
import { buildUrl } from '../api/http.js';
import { Field } from '../reports/Field.js';
import { StatsTableView, TrendChart } from './StatsTableView.js';

interface Selection {
  rows: StatsRows;
  columns: StatsColumns;
  from: string;
  to: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only what was chosen goes into the query; empty months let the server take the last twelve. */
function queryOf(s: Selection): Record<string, string> {
  const q: Record<string, string> = { rows: s.rows, columns: s.columns };
  if (s.from) q.from = s.from;
  if (s.to) q.to = s.to;
  return q;
}

function SelectionForm({ initial, onApply }: { initial: Selection; onApply: (s: Selection) => void }) {
  const { t } = useTranslation();
  const [s, setS] = useState(initial);
  const select = (name: 'rows' | 'columns', options: readonly string[]) => (
    <div className="field">
      <label htmlFor={`stats-${name}`}>{t(`stats.${name}Label`)}</label>
      <select id={`stats-${name}`} value={s[name]} onChange={(e) => setS({ ...s, [name]: e.target.value })}>
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`stats.${name}.${o}`)}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form
      className="stats-selection inline-fields"
      aria-label={t('stats.selection')}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(s);
      }}
    >
      {select('rows', ['department', 'category', 'level'])}
      {select('columns', ['month', 'category'])}
      <Field kind="month" label={t('stats.from')} value={s.from} onChange={(v) => setS({ ...s, from: v })} />
      <Field kind="month" label={t('stats.to')} value={s.to} onChange={(v) => setS({ ...s, to: v })} />
      <div className="field">
        <button type="submit" className="primary">
          {t('stats.apply')}
        </button>
      </div>
    </form>
  );
}

function BeforeAfterView({ measure }: { measure: Measure }) {
  const { t } = useTranslation();
  const [months, setMonths] = useState('6');
  const valid = /^\d+$/.test(months) ? months : '6';
  const { data, error } = useList(routes.beforeAfter, { params: { id: measure.id }, query: { months: valid } });
  return (
    <section aria-labelledby="before-after-title" className="before-after">
      <h3 id="before-after-title">{t('stats.beforeAfter.title', { name: measure.name, date: measure.date })}</h3>
      <Field label={t('stats.beforeAfter.months')} value={months} onChange={setMonths} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && <StatsTableView table={data.table} caption={t('stats.beforeAfter.caption', { months: data.months })} />}
    </section>
  );
}

const measures = {
  list: routes.listMeasures,
  create: routes.createMeasure,
  update: routes.updateMeasure,
  remove: routes.deleteMeasure,
};

/** Dated protection measures (training, alarm roll-out) and the counts before and after each. */
function MeasuresSection({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Measure | null>(null);
  // Every department is a row of the department table (zero rows included): its keys are the ids.
  const departments = useList(routes.statsTable, { query: { rows: 'department', columns: 'category' } });
  const options = (departments.data?.rows ?? [])
    .filter((r) => uuid.test(r.key))
    .map((r) => ({ value: r.key, label: r.label }));
  return (
    <>
      <ResourceSection
        title={t('stats.measures.title')}
        resource={measures}
        canEdit={canEdit}
        columns={[
          { header: t('stats.measures.name'), cell: (m) => m.name },
          { header: t('stats.measures.date'), cell: (m) => m.date },
          { header: t('stats.measures.department'), cell: (m) => m.department ?? t('stats.measures.wholeOrg') },
        ]}
        fields={[
          { name: 'name', label: t('stats.measures.name'), kind: 'text' },
          { name: 'date', label: t('stats.measures.date'), kind: 'date' },
          {
            name: 'departmentId',
            label: t('stats.measures.department'),
            kind: 'select',
            nullable: true,
            emptyLabel: t('stats.measures.wholeOrg'),
            options,
          },
        ]}
        empty={{ name: '', date: '', departmentId: '' }}
        toDraft={(m) => ({ name: m.name, date: m.date, departmentId: m.departmentId ?? '' })}
        rowActions={(m) => (
          <button type="button" aria-pressed={selected?.id === m.id} onClick={() => setSelected(m)}>
            {t('stats.measures.compare')}
          </button>
        )}
      />
      {selected && <BeforeAfterView key={selected.id} measure={selected} />}
    </>
  );
}

/** Lagebild: anonymous counts, trend, exports for the security conference, effect of measures. */
export function StatsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [selection, setSelection] = useState<Selection>({ rows: 'department', columns: 'month', from: '', to: '' });
  const query = queryOf(selection);
  const period = { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
  const table = useList(routes.statsTable, { query });
  const trend = useList(routes.statsTrend, { query: period });
  return (
    <div className="stats">
      <h1>{t('stats.title')}</h1>
      <p className="muted">{t('stats.intro')}</p>
      <SelectionForm initial={selection} onApply={setSelection} />
      {(table.error ?? trend.error) && (
        <p role="alert" className="error">
          {table.error ?? trend.error}
        </p>
      )}
      <section aria-labelledby="trend-heading">
        <h2 id="trend-heading">{t('stats.trend')}</h2>
        {trend.data ? <TrendChart trend={trend.data} /> : <p>{t('common.loading')}</p>}
      </section>
      <section aria-labelledby="table-heading">
        <h2 id="table-heading">{t('stats.table')}</h2>
        <p className="button-row">
          <a className="button-link" href={buildUrl(routes.statsCsv.url, {}, query)} download>
            {t('stats.csv')}
          </a>
          <a className="button-link" href={buildUrl(routes.statsPdf.url, {}, period)} download>
            {t('stats.pdf')}
          </a>
        </p>
        {table.data ? (
          <StatsTableView
            table={table.data}
            caption={t('stats.caption', {
              rows: t(`stats.rows.${table.data.rowsDimension}`),
              from: table.data.from,
              to: table.data.to,
            })}
          />
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </section>
      <MeasuresSection canEdit={me.roles.includes('security_management')} />
    </div>
  );
}

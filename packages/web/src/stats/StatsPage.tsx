import {
  periodKind,
  periodLabel,
  routes,
  type Me,
  type Measure,
  type Period,
  type StatsColumns,
  type StatsRows,
} from '@wachsam/protocol';
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
  /** Empty: the server's current year. */
  period: Period | '';
}

type Kind = 'year' | 'quarter' | 'month';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only what was chosen goes into the query; no period lets the server take the current year. */
function queryOf(s: Selection): Record<string, string> {
  const q: Record<string, string> = { rows: s.rows, columns: s.columns };
  if (s.period) q.period = s.period;
  return q;
}

/**
 * The period is a whole year, quarter or month (there are no free ranges: see the protocol's
 * `Period`); the form composes it from the kind and its parts.
 */
function SelectionForm({ initial, onApply }: { initial: Selection; onApply: (s: Selection) => void }) {
  const { t } = useTranslation();
  const now = new Date();
  const [s, setS] = useState(initial);
  const start = initial.period || String(now.getFullYear());
  const [kind, setKind] = useState<Kind>(periodKind(start));
  const [year, setYear] = useState(start.slice(0, 4));
  const [quarter, setQuarter] = useState(kind === 'quarter' ? start[6]! : String(Math.floor(now.getMonth() / 3) + 1));
  const [month, setMonth] = useState(
    kind === 'month' ? start.slice(5, 7) : String(now.getMonth() + 1).padStart(2, '0'),
  );
  const years = Array.from({ length: 10 }, (_, k) => String(now.getFullYear() - k));
  const period = kind === 'year' ? year : kind === 'quarter' ? `${year}-Q${quarter}` : `${year}-${month}`;
  const columns = kind === 'year' ? s.columns : 'month';
  const choose = (
    id: string,
    label: string,
    value: string,
    set: (v: string) => void,
    options: Array<[string, string]>,
  ) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => set(e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
  const monthNames = t('stats.monthNames', { returnObjects: true }) as string[];
  return (
    <form
      className="stats-selection inline-fields"
      aria-label={t('stats.selection')}
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ ...s, columns, period });
      }}
    >
      {choose(
        'stats-rows',
        t('stats.rowsLabel'),
        s.rows,
        (v) => setS({ ...s, rows: v as StatsRows }),
        (['department', 'category', 'level'] as const).map((o) => [o, t(`stats.rows.${o}`)]),
      )}
      {choose(
        'stats-columns',
        t('stats.columnsLabel'),
        columns,
        (v) => setS({ ...s, columns: v as StatsColumns }),
        (kind === 'year' ? (['month', 'category'] as const) : (['month'] as const)).map((o) => [
          o,
          t(`stats.columns.${o}`),
        ]),
      )}
      {choose('stats-period-kind', t('stats.periodKind'), kind, (v) => setKind(v as Kind), [
        ['year', t('stats.periodKinds.year')],
        ['quarter', t('stats.periodKinds.quarter')],
        ['month', t('stats.periodKinds.month')],
      ])}
      {choose(
        'stats-year',
        t('stats.year'),
        year,
        setYear,
        years.map((y) => [y, y]),
      )}
      {kind === 'quarter' &&
        choose(
          'stats-quarter',
          t('stats.quarter'),
          quarter,
          setQuarter,
          ['1', '2', '3', '4'].map((q) => [q, t('stats.quarterName', { quarter: q })]),
        )}
      {kind === 'month' &&
        choose(
          'stats-month',
          t('stats.month'),
          month,
          setMonth,
          monthNames.map((name, k) => [String(k + 1).padStart(2, '0'), name]),
        )}
      <div className="field">
        <button type="submit" className="primary">
          {t('stats.apply')}
        </button>
      </div>
      {kind !== 'year' && <p className="muted small">{t('stats.categoryYearOnly')}</p>}
    </form>
  );
}

function BeforeAfterView({ measure }: { measure: Measure }) {
  const { t } = useTranslation();
  const [quarters, setQuarters] = useState('2');
  const valid = /^[1-4]$/.test(quarters) ? quarters : '2';
  const { data, error } = useList(routes.beforeAfter, { params: { id: measure.id }, query: { quarters: valid } });
  return (
    <section aria-labelledby="before-after-title" className="before-after">
      <h3 id="before-after-title">{t('stats.beforeAfter.title', { name: measure.name, date: measure.date })}</h3>
      <Field label={t('stats.beforeAfter.quarters')} value={quarters} onChange={setQuarters} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && (
        <>
          <StatsTableView table={data.table} caption={t('stats.beforeAfter.caption', { count: data.quarters })} />
          <p className="muted small">{t('stats.beforeAfter.note')}</p>
        </>
      )}
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
  const [selection, setSelection] = useState<Selection>({ rows: 'department', columns: 'month', period: '' });
  const query = queryOf(selection);
  const period = query.period ? { period: query.period } : {};
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
              period: periodLabel(table.data.period),
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

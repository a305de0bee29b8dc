import { periodLabel, type StatsTable, type StatsTrend } from '@wachsam/protocol';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { layoutBars, shortMonth } from './chart.js';

/** A withheld value: the same mark the CSV and PDF print, with words for screen readers. */
function Withheld() {
  const { t } = useTranslation();
  return (
    <>
      <span aria-hidden="true">•</span>
      <span className="visually-hidden">{t('stats.withheld')}</span>
    </>
  );
}

const cell = (v: number | null) => (v === null ? <Withheld /> : v);

/**
 * The suppressed table: rows, columns, totals; withheld cells marked, never shown as 0. A table
 * without row totals (before/after) has no totals column.
 */
export function StatsTableView({ table, caption }: { table: StatsTable; caption: string }) {
  const { t } = useTranslation();
  const totals = table.grandTotal !== undefined;
  return (
    <>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table className="stats-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t(`stats.rows.${table.rowsDimension}`)}</th>
              {table.columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ))}
              {totals && <th scope="col">{t('stats.total')}</th>}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {r.cells.map((v, i) => (
                  <td key={table.columns[i]?.key ?? i}>{cell(v)}</td>
                ))}
                {totals && <td className="total">{cell(r.total ?? null)}</td>}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('stats.total')}</th>
              {table.columnTotals.map((v, i) => (
                <td key={table.columns[i]?.key ?? i}>{cell(v)}</td>
              ))}
              {totals && <td className="total">{cell(table.grandTotal ?? null)}</td>}
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="muted small">
        {t('stats.suppressionNote')} {table.suppressed > 0 && t('stats.suppressedCount', { count: table.suppressed })}
      </p>
    </>
  );
}

const box = { width: 720, height: 220, bottom: 28, top: 22 };

/** Monthly totals as bars: hand-drawn SVG with a text alternative naming every month. */
export function TrendChart({ trend }: { trend: StatsTrend }) {
  const { t } = useTranslation();
  const id = useId();
  const bars = layoutBars(trend.points, box);
  const describe = bars.map((b) => `${b.month}: ${b.count === null ? t('stats.withheld') : b.count}`).join('; ');
  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${box.width} ${box.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        className="trend-chart"
      >
        <title id={`${id}-title`}>{t('stats.trendTitle', { period: periodLabel(trend.period) })}</title>
        <desc id={`${id}-desc`}>{describe}</desc>
        <line className="axis" x1={0} x2={box.width} y1={box.height - box.bottom} y2={box.height - box.bottom} />
        {bars.map((b) => (
          <g key={b.month}>
            {b.count === null ? (
              <text className="withheld" x={b.x + b.width / 2} y={box.height - box.bottom - 6} textAnchor="middle">
                •
              </text>
            ) : (
              <>
                <rect className="bar" x={b.x} y={b.y} width={b.width} height={b.height} />
                <text className="value" x={b.x + b.width / 2} y={b.y - 5} textAnchor="middle">
                  {b.count}
                </text>
              </>
            )}
            <text className="month" x={b.x + b.width / 2} y={box.height - 8} textAnchor="middle">
              {shortMonth(b.month)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="muted small">{t('stats.trendCaption')}</figcaption>
    </figure>
  );
}

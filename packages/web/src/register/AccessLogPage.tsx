import { accessActions, accessPurposes, routes, type AccessLogEntry, type ChainCheck } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl, call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { Field } from '../reports/Field.js';
import { AccessLogExportLink } from './AccessLogExport.js';
import { AccessLogHold, formatDate } from './AccessLogHold.js';

type Filter = Record<'from' | 'to' | 'actor' | 'purpose' | 'reference' | 'name', string>;
const emptyFilter: Filter = { from: '', to: '', actor: '', purpose: '', reference: '', name: '' };

/** Whether a logged value is one the UI has a name for (older rows may hold others). */
const known = (list: readonly string[], value: string): boolean => list.includes(value);

/** Only the filled-in filters go into the query. */
const queryOf = (f: Filter): Record<string, string> =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => v.trim() !== ''));

/** `{lastName: "Muster", firstName: "Max"}` → `lastName: Muster, firstName: Max`. */
const summary = (o: Record<string, unknown>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');

function ChainCheckButton() {
  const { t } = useTranslation();
  const [check, setCheck] = useState<ChainCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="chain-check">
      <button
        type="button"
        onClick={() => {
          setError(null);
          call(routes.verifyAccessLog).then(setCheck, (err: unknown) => setError(messageOf(err)));
        }}
      >
        {t('accessLog.verify')}
      </button>
      {/* The signed head to keep outside the installation: `npm run register:verify-log -- --anchor FILE`. */}
      <a href={routes.accessLogAnchor.url} download>
        {t('accessLog.anchor')}
      </a>
      <p className="muted small">{t('accessLog.anchorHint')}</p>
      <div role="status">
        {check &&
          (check.ok ? (
            <p className="state-ok">{t('accessLog.chainOk', { count: check.checked })}</p>
          ) : (
            <p className="error">
              {t('accessLog.chainBroken', {
                seq: check.firstBroken?.seq ?? '?',
                reason: check.firstBroken?.reason ?? '',
              })}
            </p>
          ))}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Data protection: search the access log, export it as CSV, verify its hash chain. */
export function AccessLogPage() {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Filter>(emptyFilter);
  const [filter, setFilter] = useState<Filter>(emptyFilter);
  const [rows, setRows] = useState<AccessLogEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (seq: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(seq);
      else next.delete(seq);
      return next;
    });

  async function load(applied: Filter, before: string | null): Promise<void> {
    setError(null);
    try {
      const page = await call(routes.searchAccessLog, {
        query: { ...queryOf(applied), ...(before ? { before } : {}) },
      });
      setRows((r) => (before ? [...r, ...page.entries] : page.entries));
      if (!before) setSelected(new Set());
      setNext(page.nextBefore);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  useEffect(() => {
    void load(filter, null);
  }, [filter]);

  const text = (name: keyof Filter, kind: 'text' | 'date' = 'text') => (
    <Field
      kind={kind}
      label={t(`accessLog.filter.${name}`)}
      value={draft[name]}
      onChange={(v) => setDraft({ ...draft, [name]: v })}
    />
  );
  return (
    <div className="access-log">
      <h1>{t('accessLog.title')}</h1>
      <p className="muted">{t('accessLog.intro')}</p>
      <ChainCheckButton />
      <form
        className="inline-fields"
        aria-label={t('accessLog.search')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
        }}
      >
        {text('from', 'date')}
        {text('to', 'date')}
        {text('actor')}
        <div className="field">
          <label htmlFor="log-purpose">{t('accessLog.filter.purpose')}</label>
          <select
            id="log-purpose"
            value={draft.purpose}
            onChange={(e) => setDraft({ ...draft, purpose: e.target.value })}
          >
            <option value="">{t('accessLog.anyPurpose')}</option>
            {accessPurposes.map((p) => (
              <option key={p} value={p}>
                {t(`lookup.purposes.${p}`)}
              </option>
            ))}
          </select>
        </div>
        {text('reference')}
        {text('name')}
        <div className="field">
          <button type="submit" className="primary">
            {t('accessLog.search')}
          </button>
        </div>
      </form>
      <AccessLogExportLink href={buildUrl(routes.exportAccessLogCsv.url, {}, queryOf(filter))} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <AccessLogHold seqs={[...selected]} onHeld={() => void load(filter, null)} />
      {/* Wide table: the scrolling box is focusable so keyboard users can scroll it. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('accessLog.title')}>
        <table className="log-table">
          <caption className="visually-hidden">{t('accessLog.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accessLog.hold.select')}</th>
              <th scope="col">{t('accessLog.seq')}</th>
              <th scope="col">{t('accessLog.at')}</th>
              <th scope="col">{t('accessLog.actor')}</th>
              <th scope="col">{t('accessLog.action')}</th>
              <th scope="col">{t('accessLog.filter.purpose')}</th>
              <th scope="col">{t('accessLog.filter.reference')}</th>
              <th scope="col">{t('accessLog.legalBasis')}</th>
              <th scope="col">{t('accessLog.query')}</th>
              <th scope="col">{t('accessLog.result')}</th>
              <th scope="col">{t('accessLog.hold.heldUntil')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={11}>{t('accessLog.none')}</td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.seq}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('accessLog.hold.selectRow', { seq: r.seq })}
                    checked={selected.has(r.seq)}
                    onChange={(e) => toggle(r.seq, e.target.checked)}
                  />
                </td>
                <td>{r.seq}</td>
                <td className="nowrap">{formatTime(r.at, i18n.language)}</td>
                <td>{r.actor}</td>
                <td>{known(accessActions, r.action) ? t(`accessLog.actions.${r.action}`) : r.action}</td>
                <td>{known(accessPurposes, r.purpose) ? t(`lookup.purposes.${r.purpose}`) : r.purpose}</td>
                <td>{r.caseReference || '–'}</td>
                <td>{r.legalBasis}</td>
                <td>{summary(r.query)}</td>
                <td>{summary(r.result)}</td>
                <td className="nowrap">{r.heldUntil ? formatDate(r.heldUntil, i18n.language) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <button type="button" onClick={() => void load(filter, next)}>
          {t('admin.audit.more')}
        </button>
      )}
    </div>
  );
}

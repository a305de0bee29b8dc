import { routes, type Alarm } from '@wachsam/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime, fullName } from '../app/format.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { mergeHistory, withLive } from './history.js';
import { raiseTimesText } from './raiseTimes.js';
import { responsesText, statusKey } from './responses.js';

/** Alarms per page of the history. */
export const historyPageSize = 25;

function place(alarm: Alarm): string {
  const { room, floor, building } = alarm.location;
  return [room, floor, building].filter(Boolean).join(', ') || '–';
}

function HistoryRow({ alarm }: { alarm: Alarm }) {
  const { t, i18n } = useTranslation();
  return (
    <tr>
      <td>{raiseTimesText(alarm, i18n.language, t)}</td>
      <td>{fullName(alarm.sender) || t('alarm.unknownSender')}</td>
      <td>{place(alarm)}</td>
      <td>
        {t(statusKey(alarm))}
        {alarm.test && ` (${t('history.test')})`}
        {alarm.cancelledAt && ` (${t('history.cancelled')})`}
      </td>
      <td>{responsesText(alarm, t)}</td>
      <td>
        {alarm.outcome ? t(`alarm.outcome.${alarm.outcome}`) : t('history.open')}
        {alarm.resolvedAt && (
          <span className="muted">
            {' '}
            –{' '}
            {t('history.resolvedBy', {
              name: alarm.resolvedBy ?? '–',
              time: formatTime(alarm.resolvedAt, i18n.language),
            })}
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * Every alarm of the organisation, open and closed, newest first, for the security desk, the
 * control centre and the administration. Pages are loaded on request ("Ältere Alarme laden");
 * open alarms follow the live stream, and one that leaves it (all-clear) is fetched again so
 * the row shows how it ended.
 */
export function AlarmHistory() {
  const { t } = useTranslation();
  const { alarms: live } = useRealtime();
  const [rows, setRows] = useState<Alarm[]>([]);
  /** undefined: the first page is not loaded yet; null: there is no older page. */
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadPage = useCallback(async (after: string | undefined) => {
    setBusy(true);
    setError(null);
    try {
      const page = await call(routes.listAlarms, { query: { limit: historyPageSize, cursor: after } });
      setRows((r) => mergeHistory(r, page.alarms));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void loadPage(undefined);
  }, [loadPage]);

  const previous = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const now = new Set(live.alarms.keys());
    for (const id of previous.current) {
      if (now.has(id)) continue;
      call(routes.getAlarm, { params: { id } }).then(
        (d) => setRows((r) => mergeHistory(r, [d.alarm])),
        () => undefined, // the next reload of the page shows it
      );
    }
    previous.current = now;
  }, [live.alarms]);

  const shown = withLive(rows, live.alarms, cursor === null);
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      {shown.length === 0 && cursor !== undefined ? (
        <p>{t('history.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t('history.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.time')}</th>
                <th scope="col">{t('history.sender')}</th>
                <th scope="col">{t('history.place')}</th>
                <th scope="col">{t('history.status')}</th>
                <th scope="col">{t('history.answers')}</th>
                <th scope="col">{t('history.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <HistoryRow key={a.id} alarm={a} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {t('history.failed', { error })}
        </p>
      )}
      {busy && <p role="status">{t('common.loading')}</p>}
      {cursor === undefined && error && (
        <button type="button" disabled={busy} onClick={() => void loadPage(undefined)}>
          {t('history.retry')}
        </button>
      )}
      {cursor ? (
        <button type="button" disabled={busy} onClick={() => void loadPage(cursor)}>
          {t('history.more')}
        </button>
      ) : (
        cursor === null && shown.length > 0 && <p className="muted">{t('history.end')}</p>
      )}
    </section>
  );
}

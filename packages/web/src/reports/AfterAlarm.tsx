import { routes, type Alarm } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { navigate } from '../app/router.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { HelpOffersLoaded } from './HelpOffers.js';
import { respondedAlarms } from './respondedAlarms.js';

/** "Vorfall melden" on a resolved alarm: the server makes a draft with the alarm's facts, the form opens it. */
export function ReportFromAlarmButton({ alarmId, base }: { alarmId: string; base: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const report = await call(routes.reportFromAlarm, { params: { id: alarmId } });
      navigate(`${base}/${report.id}/bearbeiten`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" disabled={busy} onClick={() => void open()}>
        {t('reports.fromAlarm')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

/** For the person who raised the alarm, once it is resolved: report it, and where to find help. */
export function AfterAlarm({ alarmId, base }: { alarmId: string; base: string }) {
  return (
    <div className="after-alarm">
      <ReportFromAlarmButton alarmId={alarmId} base={base} />
      <HelpOffersLoaded headingLevel={3} />
    </div>
  );
}

/**
 * "Vorfall melden" for the receivers who responded to an alarm that is now resolved: the
 * console drops a resolved alarm from its overview, so this lists them again, fetched anew
 * whenever an alarm leaves the open list.
 */
export function RespondedAlarms({ personId, base }: { personId: string; base: string }) {
  const { t, i18n } = useTranslation();
  const { alarms } = useRealtime();
  const openIds = [...alarms.alarms.keys()].sort().join(',');
  const [list, setList] = useState<Alarm[]>([]);

  useEffect(() => {
    const abort = new AbortController();
    call(routes.listAlarms, { query: { open: 'false', limit: 50 }, signal: abort.signal }).then(
      (r) => setList(respondedAlarms(r.alarms, personId, new Date())),
      () => undefined, // no network: the list stays as it was; the alarm overview says so already
    );
    return () => abort.abort();
  }, [openIds, personId]);

  if (list.length === 0) return null;
  return (
    <section aria-labelledby="responded-alarms-title" className="after-alarm">
      <h2 id="responded-alarms-title">{t('reports.responded.title')}</h2>
      <p className="muted">{t('reports.responded.intro')}</p>
      <ul>
        {list.map((a) => (
          <li key={a.id}>
            <p>
              {t('reports.responded.alarm', {
                sender: `${a.sender.firstName} ${a.sender.lastName}`.trim() || '–',
                place: [a.location.room, a.location.building].filter((x) => x).join(', ') || '–',
                time: formatTime(a.resolvedAt ?? a.raisedAt, i18n.language),
              })}
            </p>
            <ReportFromAlarmButton alarmId={a.id} base={base} />
          </li>
        ))}
      </ul>
    </section>
  );
}

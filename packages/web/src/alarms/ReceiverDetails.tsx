import { routes, type Alarm, type AlarmDetail } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime, fullName } from '../app/format.js';

/** Per receiver: when alerted, when the alarm reached their screen, when and how they answered. */
export function ReceiverDetails({ alarm }: { alarm: Alarm }) {
  const { t, i18n } = useTranslation();
  const [detail, setDetail] = useState<AlarmDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Reload whenever the alarm moved on (new step, new answer, delivery).
  const version = `${alarm.status}|${alarm.step}|${alarm.responders.length}|${alarm.alerted}|${alarm.cancelledAt}`;

  useEffect(() => {
    const abort = new AbortController();
    call(routes.getAlarm, { params: { id: alarm.id }, signal: abort.signal }).then(
      (d) => {
        setDetail(d);
        setError(null);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setError(messageOf(err));
      },
    );
    return () => abort.abort();
  }, [alarm.id, version]);

  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!detail) return <p>{t('common.loading')}</p>;
  return (
    <table>
      <caption>{t('overview.receiversCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('overview.receiver')}</th>
          <th scope="col">{t('alarm.fields.step')}</th>
          <th scope="col">{t('overview.alertedAt')}</th>
          <th scope="col">{t('overview.deliveredAt')}</th>
          <th scope="col">{t('alarm.actions.coming')}</th>
          <th scope="col">{t('alarm.actions.policeCalled')}</th>
        </tr>
      </thead>
      <tbody>
        {detail.receivers.map((r) => (
          <tr key={`${r.personId}-${r.step}`}>
            <th scope="row">{fullName(r)}</th>
            <td>{r.step}</td>
            <td>{formatTime(r.alertedAt, i18n.language)}</td>
            <td>{r.deliveredAt ? formatTime(r.deliveredAt, i18n.language) : t('overview.notDelivered')}</td>
            <td>{r.comingAt ? formatTime(r.comingAt, i18n.language) : '–'}</td>
            <td>{r.policeCalledAt ? formatTime(r.policeCalledAt, i18n.language) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

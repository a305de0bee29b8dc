import type { Alarm } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime, fullName } from '../app/format.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { AlarmActions } from './AlarmActions.js';
import { AlarmNotices } from './AlarmFacts.js';
import { MessageThread } from './MessageThread.js';
import { PositionFacts } from './PositionFacts.js';
import { raiseTimesText } from './raiseTimes.js';
import { ReceiverDetails } from './ReceiverDetails.js';
import { responsesText, statusKey } from './responses.js';
import { openAlarms } from './store.js';

function AlarmRow({ alarm, canAct }: { alarm: Alarm; canAct: boolean }) {
  const { t, i18n } = useTranslation();
  const [expanded, setExpanded] = useState(false);
  const headingId = `alarm-${alarm.id}`;
  const loc = alarm.location;
  return (
    <li>
      <article className="alarm-card" aria-labelledby={headingId}>
        <h3 id={headingId}>
          {fullName(alarm.sender) || t('alarm.unknownSender')} –{' '}
          {!loc.room && !loc.building && (alarm.source === 'mobile' || alarm.position)
            ? t('overview.mobile')
            : `${loc.room || '–'}, ${loc.floor || '–'}, ${loc.building || '–'}`}
        </h3>
        <AlarmNotices alarm={alarm} />
        <p>
          <span className={`status status-${alarm.status}`}>{t(statusKey(alarm))}</span> ·{' '}
          {t('alarm.stepOf', { step: alarm.step, steps: alarm.steps })} · {raiseTimesText(alarm, i18n.language, t)} ·{' '}
          {t('overview.alerted', { count: alarm.alerted })}
        </p>
        <p>
          {t('alarm.fields.responders')}: {responsesText(alarm, t)}
        </p>
        {(alarm.position || alarm.source === 'mobile') && (
          <dl className="facts">
            <PositionFacts alarm={alarm} />
          </dl>
        )}
        {canAct && <AlarmActions alarm={alarm} />}
        {alarm.source === 'mobile' && <MessageThread alarmId={alarm.id} />}
        <button type="button" className="link" aria-expanded={expanded} onClick={() => setExpanded((v) => !v)}>
          {expanded ? t('overview.hideReceivers') : t('overview.showReceivers')}
        </button>
        {expanded && <ReceiverDetails alarm={alarm} />}
      </article>
    </li>
  );
}

/** Every open alarm this person may see, until someone gives the all-clear. */
export function Overview({ canAct }: { canAct: boolean }) {
  const { t, i18n } = useTranslation();
  const { alarms } = useRealtime();
  const open = openAlarms(alarms);
  const offline = [...alarms.offlineDevices.values()];
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">{t('overview.title')}</h2>
      {open.length === 0 ? (
        <p>{t('overview.none')}</p>
      ) : (
        <ul className="alarm-list">
          {open.map((a) => (
            <AlarmRow key={a.id} alarm={a} canAct={canAct} />
          ))}
        </ul>
      )}
      {offline.length > 0 && (
        <div className="notice warning">
          <h3>{t('overview.offlineDevices')}</h3>
          <ul>
            {offline.map((d) => (
              <li key={d.id}>
                {d.name} ({d.room || '–'}) –{' '}
                {d.unassigned
                  ? t('overview.unassigned')
                  : t('overview.offlineSince', { time: formatTime(d.since, i18n.language) })}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

import { alarmSourceLabels, type Alarm } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { formatTime, fullName } from '../app/format.js';
import { PositionFacts } from './PositionFacts.js';
import { raiseTimesText } from './raiseTimes.js';
import { responsesText } from './responses.js';

/** Everything a receiver needs to find and help the sender, as a definition list. */
export function AlarmFacts({ alarm }: { alarm: Alarm }) {
  const { t, i18n } = useTranslation();
  const { location: loc, sender } = alarm;
  const source = i18n.language === 'de' ? alarmSourceLabels[alarm.source] : t(`alarm.source.${alarm.source}`);
  return (
    <dl className="facts">
      <dt>{t('alarm.fields.sender')}</dt>
      <dd className="big">{fullName(sender) || t('alarm.unknownSender')}</dd>
      <dt>{t('alarm.fields.raisedAt')}</dt>
      <dd>{raiseTimesText(alarm, i18n.language, t)}</dd>
      <dt>{t('alarm.fields.building')}</dt>
      <dd>
        {loc.building || '–'}
        {loc.address && <span className="muted"> ({loc.address})</span>}
      </dd>
      <dt>{t('alarm.fields.floor')}</dt>
      <dd>{loc.floor || '–'}</dd>
      <dt>{t('alarm.fields.room')}</dt>
      <dd className="big">{loc.room || '–'}</dd>
      <dt>{t('alarm.fields.workstation')}</dt>
      <dd>{loc.workstation || '–'}</dd>
      <dt>{t('alarm.fields.phone')}</dt>
      <dd>{sender.phone ? <a href={`tel:${sender.phone.replace(/[^+0-9]/g, '')}`}>{sender.phone}</a> : '–'}</dd>
      <PositionFacts alarm={alarm} />
      <dt>{t('alarm.fields.source')}</dt>
      <dd>{source}</dd>
      <dt>{t('alarm.fields.step')}</dt>
      <dd>{t('alarm.stepOf', { step: alarm.step, steps: alarm.steps })}</dd>
      <dt>{t('alarm.fields.responders')}</dt>
      <dd>{responsesText(alarm, t)}</dd>
    </dl>
  );
}

/** Badges and notices that change what a receiver must do. */
export function AlarmNotices({ alarm }: { alarm: Alarm }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      {alarm.test && <span className="badge test">{t('alarm.testBadge')}</span>}
      {alarm.callPolice && (
        <p className="notice police">
          <strong>{t('alarm.callPolice')}</strong> <a href="tel:110">110</a>
        </p>
      )}
      {alarm.cancelledAt && (
        <p className="notice cancelled">
          {t('alarm.cancelledNotice', { time: formatTime(alarm.cancelledAt, i18n.language) })}
        </p>
      )}
    </>
  );
}

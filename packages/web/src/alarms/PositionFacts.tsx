import { distanceMeters, mapLink, type Alarm } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../app/format.js';
import { formatDistance } from './distance.js';
import { useOwnPosition } from './ownPosition.js';

const phoneDigits = (phone: string): string => phone.replace(/[^+0-9]/g, '');

/**
 * Where a mobile sender is and how far away: coordinates with accuracy, map link, distance
 * from this receiver's own position, and an SMS link to the sender. Rows of a `<dl>`.
 */
export function PositionFacts({ alarm }: { alarm: Alarm }) {
  const { t, i18n } = useTranslation();
  const own = useOwnPosition(alarm.position !== null);
  const pos = alarm.position;
  const sms = alarm.sender.phone ? phoneDigits(alarm.sender.phone) : '';
  return (
    <>
      {pos && (
        <>
          <dt>{alarm.positionKind === 'last_known' ? t('position.lastKnown') : t('position.label')}</dt>
          <dd>
            {alarm.positionAddress && (
              <div className="big">{t('position.near', { address: alarm.positionAddress })}</div>
            )}
            {t('position.coordinates', {
              lat: pos.lat.toFixed(5),
              lon: pos.lon.toFixed(5),
              accuracy: Math.round(pos.accuracy),
            })}{' '}
            <span className="muted">({t('position.at', { time: formatTime(pos.at, i18n.language) })})</span>{' '}
            <a href={mapLink(pos)} target="_blank" rel="noopener noreferrer">
              {t('position.map')}
            </a>
          </dd>
          <dt>{t('position.distance')}</dt>
          <dd className="big">
            {own ? formatDistance(distanceMeters(own, pos), i18n.language) : t('position.ownUnknown')}
          </dd>
        </>
      )}
      {sms && alarm.source === 'mobile' && (
        <>
          <dt>{t('position.sms')}</dt>
          <dd>
            <a href={`sms:${sms}`}>{t('position.smsTo', { phone: alarm.sender.phone })}</a>
          </dd>
        </>
      )}
    </>
  );
}

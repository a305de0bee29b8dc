import { receiverRoles, type Me } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { Overview } from '../alarms/Overview.js';
import { RaisePanel } from '../alarms/RaisePanel.js';
import { SoundBanner } from '../alarms/SoundBanner.js';
import { openAlarms } from '../alarms/store.js';
import type { Raise } from '../alarms/useRaise.js';
import { ConnectionBanner } from '../realtime/ConnectionIndicator.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { RespondedAlarms } from '../reports/AfterAlarm.js';

export function isReceiver(me: Me): boolean {
  return me.roles.some((r) => receiverRoles.includes(r));
}

/** Receivers see the overview first; everyone can raise an alarm. */
export function ConsolePage({ me, raise }: { me: Me; raise: Raise }) {
  const { t } = useTranslation();
  const receiver = isReceiver(me);
  const { alarms } = useRealtime();
  const myOpenAlarm = openAlarms(alarms).find((a) => a.sender.personId === me.personId && !a.functionTest);
  return (
    <>
      <h1>{receiver ? t('console.titleReceiver') : t('console.titleEmployee')}</h1>
      <ConnectionBanner />
      {receiver && <SoundBanner />}
      {receiver && <Overview canAct />}
      {receiver && <RespondedAlarms personId={me.personId} base="/meldungen" />}
      <RaisePanel raise={raise} myOpenAlarm={myOpenAlarm} />
      {!receiver && <Overview canAct={false} />}
    </>
  );
}

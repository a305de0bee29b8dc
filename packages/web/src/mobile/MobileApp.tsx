import { routes, type Me } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/http.js';
import { isReceiver } from '../app/ConsolePage.js';
import { LanguageSwitch } from '../app/LanguageSwitch.js';
import { Session, type OnLogout } from '../app/Shell.js';
import { SoundBanner } from '../alarms/SoundBanner.js';
import { PhoneEndedNotice, RolesChangedNotice } from '../realtime/EndedNotices.js';
import { AlarmAlert } from '../alarms/AlarmAlert.js';
import { Overview } from '../alarms/Overview.js';
import { alertingFor, openAlarms } from '../alarms/store.js';
import { PushOffer } from '../push/PushOffer.js';
import { ConnectionIndicator } from '../realtime/ConnectionIndicator.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { EnrolScreen } from './EnrolScreen.js';
import { forgetMeSnapshot, forgetPhone, loadPhone, type StoredPhone } from './phoneStore.js';
import { TriggerScreen } from './TriggerScreen.js';
import { followLink, usePath } from '../app/router.js';
import { RespondedAlarms } from '../reports/AfterAlarm.js';
import { mobileReportBase, reportPage } from '../reports/ZemagArea.js';

function MobileLayout({ me, onLogout }: { me: Me; onLogout: OnLogout }) {
  const { t } = useTranslation();
  const { alarms, ended, restart } = useRealtime();
  const [phone, setPhone] = useState<StoredPhone | null>(() => loadPhone(localStorage, me.personId));
  const myOpenAlarm = openAlarms(alarms).find((a) => a.sender.personId === me.personId && !a.functionTest);
  const receiver = isReceiver(me);
  // A receiver with the phone app open is alerted here as on the console.
  const alerting = alertingFor(alarms, me.personId);
  const path = usePath();
  // Filing a report works on the phone too (offline drafts included); the alarm stays one tap away.
  const reports = reportPage(me, path, mobileReportBase);

  async function logout(): Promise<void> {
    forgetMeSnapshot(localStorage);
    // After a single sign-on the identity provider's session ends too (its logout page).
    try {
      const { redirectTo } = await call(routes.ssoLogout);
      if (redirectTo) window.location.assign(redirectTo);
    } finally {
      onLogout(null);
    }
  }

  // A revoked or removed phone cannot raise with its token any more: it is set up anew.
  const setUpAgain = (): void => {
    forgetPhone(localStorage);
    setPhone(null);
    restart();
  };
  const phoneEnded = ended === 'token_revoked' || ended === 'device_removed' ? ended : null;

  return (
    <>
      <div className="mobile" inert={alerting.length > 0}>
        <header className="topbar mobile-bar">
          <span className="brand">{t('mobile.appName')}</span>
          <ConnectionIndicator audible={false} />
          <LanguageSwitch />
          <button type="button" onClick={() => void logout()}>
            {t('app.logout')}
          </button>
        </header>
        <nav aria-label={t('mobile.nav')} className="mobile-nav">
          <a href="/mobil" aria-current={reports ? undefined : 'page'} onClick={(e) => followLink(e, '/mobil')}>
            {t('mobile.alarmTab')}
          </a>
          <a
            href={`${mobileReportBase}/neu`}
            aria-current={path === `${mobileReportBase}/neu` ? 'page' : undefined}
            onClick={(e) => followLink(e, `${mobileReportBase}/neu`)}
          >
            {t('nav.newReport')}
          </a>
          <a
            href={mobileReportBase}
            aria-current={reports && path !== `${mobileReportBase}/neu` ? 'page' : undefined}
            onClick={(e) => followLink(e, mobileReportBase)}
          >
            {t('nav.myReports')}
          </a>
        </nav>
        <main id="main" tabIndex={-1}>
          <RolesChangedNotice />
          {reports ? (
            reports
          ) : phoneEnded && phone ? (
            <PhoneEndedNotice reason={phoneEnded} onSetUpAgain={setUpAgain} />
          ) : phone ? (
            <TriggerScreen personId={me.personId} phone={phone} myOpenAlarm={myOpenAlarm} onPhoneEnded={setUpAgain} />
          ) : (
            <EnrolScreen me={me} onEnrolled={setPhone} />
          )}
          {receiver && <SoundBanner kiosk={false} />}
          {receiver && <Overview canAct />}
          {receiver && <RespondedAlarms personId={me.personId} base={mobileReportBase} />}
          {receiver && <PushOffer />}
          <p className="muted small">
            {me.firstName} {me.lastName} · <a href="/">{t('mobile.toConsole')}</a>
          </p>
        </main>
      </div>
      <AlarmAlert alerting={alerting} />
    </>
  );
}

/** The phone app at /mobil: same login, same realtime connection (session cookie) as the console. */
export function MobileApp({
  me,
  onLogout,
  onRolesChanged,
}: {
  me: Me;
  onLogout: OnLogout;
  onRolesChanged: () => void;
}) {
  return (
    <Session me={me} onLogout={onLogout} onRolesChanged={onRolesChanged} keepOnDeviceEnd>
      <MobileLayout me={me} onLogout={onLogout} />
    </Session>
  );
}

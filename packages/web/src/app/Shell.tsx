import { routes, type Me, type SocketEndReason } from '@wachsam/protocol';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage, canSeeAdmin } from '../admin/AdminPage.js';
import { AlarmAlert } from '../alarms/AlarmAlert.js';
import { AccountPage } from '../auth/AccountPage.js';
import { AlarmHistory } from '../alarms/AlarmHistory.js';
import { mayReadHistory } from '../alarms/history.js';
import { alertingFor } from '../alarms/store.js';
import { useRaise } from '../alarms/useRaise.js';
import { call } from '../api/http.js';
import { PushOffer } from '../push/PushOffer.js';
import { ConnectionIndicator } from '../realtime/ConnectionIndicator.js';
import { RolesChangedNotice } from '../realtime/EndedNotices.js';
import { RealtimeProvider, useRealtime } from '../realtime/RealtimeProvider.js';
import { ConsolePage, isReceiver } from './ConsolePage.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { MeContext } from './me.js';
import { followLink, usePath } from './router.js';
import { isCurrent, mayUse, zemagNav, zemagPage } from '../reports/ZemagArea.js';

/** Where the alarm history lives in the console. */
const historyPath = '/verlauf';
/** The person's own account (password). */
const accountPath = '/konto';

function NavLink({ to, children }: { to: string; children: string }) {
  const path = usePath();
  const current = to === '/admin' ? path.startsWith(to) : isCurrent(to, path);
  return (
    <a href={to} aria-current={current ? 'page' : undefined} onClick={(e) => followLink(e, to)}>
      {children}
    </a>
  );
}

function Layout({ me, onLogout }: { me: Me; onLogout: OnLogout }) {
  const { t } = useTranslation();
  const path = usePath();
  const { alarms } = useRealtime();
  // The raise state lives here, above the pages, so a retry keeps running while the person navigates.
  const raise = useRaise(me.personId);
  const receiver = isReceiver(me);
  // The server decides who is alerted (`forYou`); the screen follows it whatever the roles say,
  // so a person named in an alarm plan is never left without the alert.
  const alerting = alertingFor(alarms, me.personId);
  const page =
    path.startsWith('/admin') && canSeeAdmin(me) ? (
      <AdminPage me={me} />
    ) : path === historyPath && mayReadHistory(me.roles) ? (
      <AlarmHistory />
    ) : path === accountPath ? (
      <AccountPage me={me} />
    ) : (
      (zemagPage(me, path) ?? <ConsolePage me={me} raise={raise} />)
    );

  async function logout(): Promise<void> {
    // After a single sign-on the identity provider's session ends too (its logout page).
    try {
      const { redirectTo } = await call(routes.ssoLogout);
      if (redirectTo) window.location.assign(redirectTo);
    } finally {
      onLogout(null);
    }
  }

  return (
    <>
      <div className="app" inert={alerting.length > 0}>
        <a className="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <header className="topbar">
          <span className="brand">{t('app.name')}</span>
          <span className="org">{me.organisation.name}</span>
          <nav aria-label={t('app.mainNav')}>
            <NavLink to="/">{t('nav.console')}</NavLink>
            {mayReadHistory(me.roles) && <NavLink to={historyPath}>{t('history.nav')}</NavLink>}
            {zemagNav
              .filter((item) => mayUse(me, item))
              .map((item) => (
                <NavLink key={item.to} to={item.to}>
                  {t(item.label)}
                </NavLink>
              ))}
            {canSeeAdmin(me) && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
          </nav>
          <ConnectionIndicator audible={receiver} />
          <a
            className="user"
            href={accountPath}
            aria-current={path === accountPath ? 'page' : undefined}
            aria-label={t('account.menu', { name: `${me.firstName} ${me.lastName}` })}
            onClick={(e) => followLink(e, accountPath)}
          >
            {me.firstName} {me.lastName}
          </a>
          <LanguageSwitch />
          <button type="button" onClick={() => void logout()}>
            {t('app.logout')}
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          <RolesChangedNotice />
          {page}
          {receiver && <PushOffer />}
        </main>
      </div>
      <AlarmAlert alerting={alerting} />
    </>
  );
}

/** The logged-in app's way out: why the session ended (null: logged out here, or no reason given). */
export type OnLogout = (reason?: SocketEndReason | null) => void;

export const isDeviceEnd = (reason: SocketEndReason | null): boolean =>
  reason === 'token_revoked' || reason === 'device_removed';

/**
 * What every logged-in screen stands on: the person, and the realtime stream of their session.
 * When the server ends the session, the login page says why; a phone that was revoked or
 * removed stays logged in and says so itself (`keepOnDeviceEnd`).
 */
export function Session({
  me,
  onLogout,
  onRolesChanged,
  keepOnDeviceEnd = false,
  children,
}: {
  me: Me;
  onLogout: OnLogout;
  onRolesChanged: () => void;
  keepOnDeviceEnd?: boolean;
  children: ReactNode;
}) {
  return (
    <MeContext.Provider value={me}>
      <RealtimeProvider
        personId={me.personId}
        onEnded={(reason) => {
          if (keepOnDeviceEnd && isDeviceEnd(reason)) return;
          onLogout(reason);
        }}
        onRolesChanged={onRolesChanged}
      >
        {children}
      </RealtimeProvider>
    </MeContext.Provider>
  );
}

export function Shell({ me, onLogout, onRolesChanged }: { me: Me; onLogout: OnLogout; onRolesChanged: () => void }) {
  return (
    <Session me={me} onLogout={onLogout} onRolesChanged={onRolesChanged}>
      <Layout me={me} onLogout={onLogout} />
    </Session>
  );
}

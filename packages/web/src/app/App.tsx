import { routes, type Me, type SocketEndReason } from '@wachsam/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onUnauthenticated, RequestError } from '../api/http.js';
import { LoginPage } from '../auth/LoginPage.js';
import { SetupPage } from '../auth/SetupPage.js';
import { InsecureNotice } from './InsecureNotice.js';
import { MobileApp } from '../mobile/MobileApp.js';
import { loadMeSnapshot, saveMeSnapshot } from '../mobile/phoneStore.js';
import { usePath } from './router.js';
import { Shell } from './Shell.js';

type Session =
  | { kind: 'loading' }
  /** `ended`: why the server ended the last session, said on the login page. */
  | { kind: 'anonymous'; ended: SocketEndReason | null; setUp?: string }
  /** A fresh installation without an organisation: the one-time setup form. */
  | { kind: 'setup' }
  | { kind: 'error'; message: string }
  | { kind: 'in'; me: Me };

/** The phone app lives at /mobil (manifest start_url); everything else is the console. */
export const isMobilePath = (path: string): boolean => path === '/mobil' || path.startsWith('/mobil/');

export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  const mobile = isMobilePath(usePath());

  useEffect(() => {
    let cancelled = false;
    const check = (): void => {
      call(routes.me).then(
        (me) => !cancelled && setSession({ kind: 'in', me }),
        (err: unknown) => {
          if (cancelled) return;
          if (err instanceof RequestError && err.status === 401)
            // Nobody logged in: on a fresh installation the server offers the one-time setup.
            call(routes.setupStatus).then(
              (s) => !cancelled && setSession(s.needed ? { kind: 'setup' } : { kind: 'anonymous', ended: null }),
              () => !cancelled && setSession({ kind: 'anonymous', ended: null }),
            );
          else if (isMobilePath(location.pathname) && loadMeSnapshot(localStorage)) {
            // No network on the phone: the trigger screen opens anyway (outbox and SMS path
            // need no server); the check goes on and the session is confirmed when back.
            setSession({ kind: 'in', me: loadMeSnapshot(localStorage)! });
            setTimeout(check, 3000);
          } else {
            // Server unreachable: keep trying, a receiver's screen must come back by itself.
            setSession({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
            setTimeout(check, 3000);
          }
        },
      );
    };
    check();
    // A 401 after the server said why the session ended must not wipe that reason.
    const off = onUnauthenticated(() =>
      setSession((s) => (s.kind === 'anonymous' ? s : { kind: 'anonymous', ended: null })),
    );
    return () => {
      cancelled = true;
      off();
    };
  }, []);

  useEffect(() => {
    if (session.kind === 'in' && mobile) saveMeSnapshot(localStorage, session.me);
  }, [session, mobile]);

  const logout = useCallback(
    (ended?: SocketEndReason | null) => setSession({ kind: 'anonymous', ended: ended ?? null }),
    [],
  );
  // New roles: the person is loaded anew (the realtime stream reloads itself).
  const rolesChanged = useCallback(() => {
    call(routes.me).then(
      (me) => setSession((s) => (s.kind === 'in' && s.me.personId === me.personId ? { kind: 'in', me } : s)),
      () => undefined, // a 401 brings the login page; anything else: the old roles stay until the next reload
    );
  }, []);

  return (
    <>
      <InsecureNotice />
      {screen(session)}
    </>
  );

  function screen(current: Session) {
    switch (current.kind) {
      case 'loading':
        return (
          <main id="main">
            <p>{t('common.loading')}</p>
          </main>
        );
      case 'error':
        return (
          <main id="main">
            <h1>{t('app.name')}</h1>
            <p role="alert" className="error">
              {t('app.unreachable', { error: current.message })}
            </p>
          </main>
        );
      case 'setup':
        return (
          <SetupPage
            onDone={(result) => setSession({ kind: 'anonymous', ended: null, setUp: result.organisation.name })}
          />
        );
      case 'anonymous':
        return (
          <LoginPage
            ended={current.ended}
            setUp={current.setUp ?? null}
            onLoggedIn={(me) => setSession({ kind: 'in', me })}
          />
        );
      case 'in':
        if (mobile)
          return (
            <MobileApp key={current.me.personId} me={current.me} onLogout={logout} onRolesChanged={rolesChanged} />
          );
        return <Shell key={current.me.personId} me={current.me} onLogout={logout} onRolesChanged={rolesChanged} />;
    }
  }
}

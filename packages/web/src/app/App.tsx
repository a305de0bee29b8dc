import { routes, type Me } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onUnauthenticated, RequestError } from '../api/http.js';
import { LoginPage } from '../auth/LoginPage.js';
import { MobileApp } from '../mobile/MobileApp.js';
import { loadMeSnapshot, saveMeSnapshot } from '../mobile/phoneStore.js';
import { usePath } from './router.js';
import { Shell } from './Shell.js';

type Session =
  { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'error'; message: string } | { kind: 'in'; me: Me };

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
          if (err instanceof RequestError && err.status === 401) setSession({ kind: 'anonymous' });
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
    const off = onUnauthenticated(() => setSession({ kind: 'anonymous' }));
    return () => {
      cancelled = true;
      off();
    };
  }, []);

  useEffect(() => {
    if (session.kind === 'in' && mobile) saveMeSnapshot(localStorage, session.me);
  }, [session, mobile]);

  switch (session.kind) {
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
            {t('app.unreachable', { error: session.message })}
          </p>
        </main>
      );
    case 'anonymous':
      return <LoginPage onLoggedIn={(me) => setSession({ kind: 'in', me })} />;
    case 'in':
      if (mobile)
        return (
          <MobileApp key={session.me.personId} me={session.me} onLogout={() => setSession({ kind: 'anonymous' })} />
        );
      return <Shell key={session.me.personId} me={session.me} onLogout={() => setSession({ kind: 'anonymous' })} />;
  }
}

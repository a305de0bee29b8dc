import { routes, type Me } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onUnauthenticated, RequestError } from '../api/http.js';
import { LoginPage } from '../auth/LoginPage.js';
import { Shell } from './Shell.js';

type Session =
  { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'error'; message: string } | { kind: 'in'; me: Me };

export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    const check = (): void => {
      call(routes.me).then(
        (me) => !cancelled && setSession({ kind: 'in', me }),
        (err: unknown) => {
          if (cancelled) return;
          if (err instanceof RequestError && err.status === 401) setSession({ kind: 'anonymous' });
          else {
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
      return <Shell key={session.me.personId} me={session.me} onLogout={() => setSession({ kind: 'anonymous' })} />;
  }
}

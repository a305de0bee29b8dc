import { routes, type Me, type SocketEndReason } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { LanguageSwitch } from '../app/LanguageSwitch.js';
import { SsoLogin } from './SsoLogin.js';

/** The login form; `ended` says why the last session ended (the server closed it). */
export function LoginPage({
  onLoggedIn,
  ended = null,
  setUp = null,
}: {
  onLoggedIn: (me: Me) => void;
  ended?: SocketEndReason | null;
  /** The organisation the setup form just created. */
  setUp?: string | null;
}) {
  const { t } = useTranslation();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await call(routes.login, { body: { login, password } }));
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main className="login" id="main">
        <h1>{t('login.title')}</h1>
        {setUp && <p role="status">{t('setup.done', { name: setUp })}</p>}
        {ended && (
          <p role="alert" className="notice danger">
            {t(`ended.${ended}`)}
          </p>
        )}
        <SsoLogin />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          aria-describedby={error ? 'login-error' : undefined}
        >
          <label htmlFor="login-name">{t('login.login')}</label>
          <input
            id="login-name"
            name="username"
            autoComplete="username"
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            required
          />
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          {error && (
            <p id="login-error" role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {t('login.submit')}
          </button>
        </form>
      </main>
    </>
  );
}

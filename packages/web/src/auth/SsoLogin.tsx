import {
  routes,
  ssoErrorCodes,
  ssoErrorParam,
  ssoStartPath,
  type SsoErrorCode,
  type SsoOption,
} from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/http.js';

/**
 * Why the last single sign-on failed (the server's callback sends `?sso_error=<code>`), read once
 * and taken out of the address, so a reload does not show it again.
 */
function takeSsoError(): SsoErrorCode | null {
  const url = new URL(window.location.href);
  const code = url.searchParams.get(ssoErrorParam);
  if (code === null) return null;
  url.searchParams.delete(ssoErrorParam);
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  return (ssoErrorCodes as readonly string[]).includes(code) ? (code as SsoErrorCode) : 'sso_failed';
}

/**
 * "Mit Dienstkonto anmelden" above the password form, for each organisation with single sign-on
 * (an installation usually has one; `?org=<slug>` in the address shows only that one).
 */
export function SsoLogin() {
  const { t } = useTranslation();
  const [error] = useState(takeSsoError);
  const [options, setOptions] = useState<SsoOption[]>([]);

  useEffect(() => {
    const org = new URLSearchParams(window.location.search).get('org') ?? undefined;
    // Without an answer the password form is still there: the login never waits for this.
    call(routes.ssoOptions, { query: { org } }).then(setOptions, () => setOptions([]));
  }, []);

  return (
    <>
      {error && (
        <p role="alert" className="notice danger">
          {t(`sso.errors.${error}`)}
        </p>
      )}
      {options.length > 0 && (
        <div className="button-row">
          {options.map((o) => (
            <button
              key={o.slug}
              type="button"
              className="primary"
              onClick={() => window.location.assign(ssoStartPath(o.slug))}
            >
              {options.length === 1 ? t('sso.login.button') : t('sso.login.buttonFor', { name: o.name })}
            </button>
          ))}
        </div>
      )}
      {options.length > 0 && options.every((o) => !o.localPasswords) && (
        <p className="hint">{t('sso.login.passwordsOff')}</p>
      )}
      {options.length > 0 && <p>{t('sso.login.orPassword')}</p>}
    </>
  );
}

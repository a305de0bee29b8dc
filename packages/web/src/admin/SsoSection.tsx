import { routes, ssoStartPath, type Role, type SsoCheck, type SsoSettings } from '@wachsam/protocol';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatClock } from '../app/format.js';
import { useRoleOptions } from './lookups.js';

interface MappingRow {
  key: number;
  value: string;
  roles: Role[];
}

let nextKey = 0;
const rowsOf = (mapping: Record<string, Role[]>): MappingRow[] =>
  Object.entries(mapping).map(([value, roles]) => ({ key: nextKey++, value, roles }));

/**
 * "Anmeldung (SSO)": the organisation's OpenID provider, the mapping of its groups or roles to
 * Wachsam roles, creation at first login, and passwords off but for the break-glass login. The
 * client secret is write-only: the page only learns whether one is stored.
 */
export function SsoSection() {
  const { t, i18n } = useTranslation();
  const roleOptions = useRoleOptions();
  const id = useId();
  const [settings, setSettings] = useState<SsoSettings | null>(null);
  const [orgSlug, setOrgSlug] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [rolesClaim, setRolesClaim] = useState('groups');
  const [mapping, setMapping] = useState<MappingRow[]>([]);
  const [createPeople, setCreatePeople] = useState(false);
  const [localPasswords, setLocalPasswords] = useState(true);
  const [breakGlass, setBreakGlass] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<SsoCheck | null>(null);
  const [busy, setBusy] = useState(false);

  function show(s: SsoSettings): void {
    setSettings(s);
    setEnabled(s.enabled);
    setIssuer(s.issuer);
    setClientId(s.clientId);
    setSecret('');
    setRemoveSecret(false);
    setRolesClaim(s.rolesClaim);
    setMapping(rowsOf(s.roleMapping));
    setCreatePeople(s.createPeople);
    setLocalPasswords(s.localPasswords);
    setBreakGlass(s.breakGlassLogin ?? '');
  }

  useEffect(() => {
    call(routes.getSsoSettings).then(show, (err: unknown) => setError(messageOf(err)));
    call(routes.me).then(
      (me) => setOrgSlug(me.organisation.slug),
      () => undefined,
    );
  }, []);

  async function save(e: React.FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    setError(null);
    try {
      const saved = await call(routes.saveSsoSettings, {
        body: {
          enabled,
          issuer,
          clientId,
          ...(removeSecret ? { clientSecret: null } : secret ? { clientSecret: secret } : {}),
          rolesClaim,
          roleMapping: Object.fromEntries(
            mapping.filter((m) => m.value.trim() !== '').map((m) => [m.value.trim(), m.roles]),
          ),
          createPeople,
          localPasswords,
          breakGlassLogin: breakGlass.trim() === '' ? null : breakGlass.trim(),
        },
      });
      show(saved);
      setStatus(t('admin.saved'));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function runCheck(): Promise<void> {
    setCheck(null);
    setError(null);
    try {
      setCheck(await call(routes.checkSso));
    } catch (err) {
      setError(messageOf(err));
    }
  }

  const setRow = (key: number, change: Partial<MappingRow>) =>
    setMapping((rows) => rows.map((r) => (r.key === key ? { ...r, ...change } : r)));

  if (!settings)
    return (
      <section aria-labelledby="section-title">
        <h2 id="section-title">{t('admin.sections.sso')}</h2>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </section>
    );

  return (
    <section aria-labelledby="section-title">
      <h2 id="section-title">{t('admin.sections.sso')}</h2>
      <p>{t('sso.admin.intro')}</p>
      <div className="notice code">
        <p>
          <strong>{t('sso.admin.registerAt')}</strong>
        </p>
        <p>
          {t('sso.admin.redirectUri')}: <code>{settings.redirectUri}</code>
        </p>
        <p>
          {t('sso.admin.postLogoutUri')}: <code>{settings.postLogoutRedirectUri}</code>
        </p>
      </div>
      <form onSubmit={(e) => void save(e)}>
        <label>
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{' '}
          {t('sso.admin.enabled')}
        </label>
        <label htmlFor={`${id}-issuer`}>{t('sso.admin.issuer')}</label>
        <input
          id={`${id}-issuer`}
          type="url"
          value={issuer}
          onChange={(e) => setIssuer(e.target.value)}
          placeholder="https://login.microsoftonline.com/<Mandant>/v2.0"
          required
        />
        <label htmlFor={`${id}-client`}>{t('sso.admin.clientId')}</label>
        <input id={`${id}-client`} value={clientId} onChange={(e) => setClientId(e.target.value)} required />
        <label htmlFor={`${id}-secret`}>{t('sso.admin.clientSecret')}</label>
        <input
          id={`${id}-secret`}
          type="password"
          autoComplete="new-password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          disabled={removeSecret}
          aria-describedby={`${id}-secret-hint`}
        />
        <p id={`${id}-secret-hint`} className="hint">
          {settings.hasClientSecret ? t('sso.admin.secretStored') : t('sso.admin.secretNone')}
        </p>
        {settings.hasClientSecret && (
          <label>
            <input type="checkbox" checked={removeSecret} onChange={(e) => setRemoveSecret(e.target.checked)} />{' '}
            {t('sso.admin.removeSecret')}
          </label>
        )}
        <label htmlFor={`${id}-claim`}>{t('sso.admin.rolesClaim')}</label>
        <input id={`${id}-claim`} value={rolesClaim} onChange={(e) => setRolesClaim(e.target.value)} required />

        <fieldset>
          <legend>{t('sso.admin.mapping')}</legend>
          <p className="hint">{t('sso.admin.mappingHint')}</p>
          {mapping.map((row) => (
            <div key={row.key} className="mapping-row">
              <label htmlFor={`${id}-value-${row.key}`}>{t('sso.admin.claimValue')}</label>
              <input
                id={`${id}-value-${row.key}`}
                value={row.value}
                onChange={(e) => setRow(row.key, { value: e.target.value })}
              />
              <fieldset>
                <legend>{t('sso.admin.rolesFor', { value: row.value })}</legend>
                {roleOptions.map((o) => (
                  <label key={o.value}>
                    <input
                      type="checkbox"
                      checked={row.roles.includes(o.value as Role)}
                      onChange={(e) =>
                        setRow(row.key, {
                          roles: e.target.checked
                            ? [...row.roles, o.value as Role]
                            : row.roles.filter((r) => r !== o.value),
                        })
                      }
                    />{' '}
                    {o.label}
                  </label>
                ))}
              </fieldset>
              <button type="button" onClick={() => setMapping((rows) => rows.filter((r) => r.key !== row.key))}>
                {t('sso.admin.removeMapping')}
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setMapping((rows) => [...rows, { key: nextKey++, value: '', roles: [] }])}
          >
            {t('sso.admin.addMapping')}
          </button>
        </fieldset>

        <label>
          <input
            type="checkbox"
            checked={createPeople}
            onChange={(e) => setCreatePeople(e.target.checked)}
            aria-describedby={settings.directoryManaged ? `${id}-directory` : undefined}
          />{' '}
          {t('sso.admin.createPeople')}
        </label>
        {settings.directoryManaged && (
          <p id={`${id}-directory`} className="hint">
            {t('sso.admin.directoryManaged')}
          </p>
        )}
        <label>
          <input type="checkbox" checked={localPasswords} onChange={(e) => setLocalPasswords(e.target.checked)} />{' '}
          {t('sso.admin.localPasswords')}
        </label>
        <label htmlFor={`${id}-breakglass`}>{t('sso.admin.breakGlass')}</label>
        <input
          id={`${id}-breakglass`}
          value={breakGlass}
          onChange={(e) => setBreakGlass(e.target.value)}
          required={!localPasswords}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {status && <p role="status">{status}</p>}
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy}>
            {t('sso.admin.save')}
          </button>
          <button type="button" onClick={() => void runCheck()} disabled={!settings.configured}>
            {t('sso.admin.check')}
          </button>
          <button
            type="button"
            disabled={!settings.configured || !orgSlug}
            onClick={() => orgSlug && window.location.assign(`${ssoStartPath(orgSlug)}?test=1`)}
            aria-describedby={`${id}-test-hint`}
          >
            {t('sso.admin.test')}
          </button>
        </div>
        <p id={`${id}-test-hint`} className="hint">
          {t('sso.admin.testHint')}
        </p>
      </form>
      {check && (
        <p role="status" className={check.ok ? 'notice' : 'notice danger'}>
          {check.message}
        </p>
      )}
      {settings.lastTest && (
        <div role="status" className={settings.lastTest.ok ? 'notice' : 'notice danger'}>
          <p>
            <strong>{t('sso.admin.lastTest', { time: formatClock(settings.lastTest.at, i18n.language) })}</strong>
          </p>
          <p>{settings.lastTest.message}</p>
          {Object.keys(settings.lastTest.claims).length > 0 && (
            <details>
              <summary>{t('sso.admin.claimsSeen')}</summary>
              <pre>{JSON.stringify(settings.lastTest.claims, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

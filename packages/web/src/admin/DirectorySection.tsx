import {
  roleLabels,
  roles,
  routes,
  scimBasePath,
  type DirectoryReport,
  type DirectoryRun,
  type DirectorySource,
  type DirectorySourceInput,
  type Role,
  type ScimTokenCreated,
} from '@wachsam/protocol';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { ListBody } from './ListBody.js';
import { useList } from './useList.js';

/** What the form holds: text as typed, so nothing is lost on an error. */
interface Draft {
  name: string;
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userFilter: string;
  groupDns: string;
  login: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  externalId: string;
  department: string;
  roleMapping: string;
  groupMapping: string;
  everyMinutes: string;
}

const emptyDraft: Draft = {
  name: 'Active Directory',
  url: 'ldaps://',
  bindDn: '',
  bindPassword: '',
  baseDn: '',
  userFilter: '(&(objectCategory=person)(objectClass=user))',
  groupDns: '',
  login: 'sAMAccountName',
  firstName: 'givenName',
  lastName: 'sn',
  email: 'mail',
  phone: 'telephoneNumber',
  externalId: 'objectGUID',
  department: 'department',
  roleMapping: '',
  groupMapping: '',
  everyMinutes: '',
};

const toDraft = (s: DirectorySource): Draft => ({
  name: s.name,
  url: s.settings.url,
  bindDn: s.settings.bindDn,
  bindPassword: '',
  baseDn: s.settings.baseDn,
  userFilter: s.settings.userFilter,
  groupDns: s.settings.groupDns.join('\n'),
  ...s.settings.attributes,
  department: s.settings.attributes.department ?? '',
  roleMapping: Object.entries(s.settings.roleMapping)
    .map(([dn, r]) => `${dn} = ${r.map((x) => roleLabels[x]).join(', ')}`)
    .join('\n'),
  groupMapping: Object.entries(s.settings.groupMapping)
    .map(([dn, g]) => `${dn} = ${g}`)
    .join('\n'),
  everyMinutes: s.everyMinutes === null ? '' : String(s.everyMinutes),
});

/** "DN = value" per line; the DN itself contains "=", so the last " = " splits. */
function pairs(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.lastIndexOf(' = ');
      return i < 0 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 3).trim()];
    });
}

const roleOf = (word: string): Role | string => {
  const w = word.trim().toLowerCase();
  return roles.find((r) => r === w || roleLabels[r].toLowerCase() === w) ?? word.trim();
};

function toBody(d: Draft): unknown {
  return {
    name: d.name,
    settings: {
      url: d.url,
      bindDn: d.bindDn,
      baseDn: d.baseDn,
      userFilter: d.userFilter,
      groupDns: d.groupDns
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      attributes: {
        login: d.login,
        firstName: d.firstName,
        lastName: d.lastName,
        email: d.email,
        phone: d.phone,
        externalId: d.externalId,
        department: d.department.trim() || null,
      },
      roleMapping: Object.fromEntries(pairs(d.roleMapping).map(([dn, r]) => [dn, r.split(',').map(roleOf)])),
      groupMapping: Object.fromEntries(pairs(d.groupMapping)),
    },
    bindPassword: d.bindPassword === '' ? null : d.bindPassword,
    everyMinutes: d.everyMinutes.trim() === '' ? null : Number(d.everyMinutes),
  };
}

function Field({
  label,
  value,
  onChange,
  type = 'text',
  rows,
  hint,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  rows?: number;
  hint?: string;
}) {
  const id = useId();
  return (
    <p>
      <label htmlFor={id}>{label}</label>
      {rows ? (
        <textarea id={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          id={id}
          type={type}
          value={value}
          autoComplete={type === 'password' ? 'new-password' : 'off'}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint && <span className="hint">{hint}</span>}
    </p>
  );
}

function Report({ run }: { run: DirectoryRun }) {
  const { t, i18n } = useTranslation();
  const r: DirectoryReport | null = run.report;
  return (
    <div role="status" className={run.status === 'failed' || run.status === 'held' ? 'notice warning' : 'notice'}>
      <p>
        <strong>{t(`directory.status.${run.status}`)}</strong> ({formatTime(run.startedAt, i18n.language)},{' '}
        {run.startedBy})
      </p>
      {run.error && <p>{run.error}</p>}
      {r && (
        <>
          <p>
            {t('directory.counts', {
              read: r.read,
              added: r.added.length,
              changed: r.changed.length,
              deactivated: r.deactivated.length,
              reactivated: r.reactivated.length,
              refused: r.refused.length,
            })}
          </p>
          {r.warnings.length > 0 && (
            <>
              <h4>{t('directory.warnings')}</h4>
              <ul>
                {r.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </>
          )}
          {(['added', 'changed', 'deactivated', 'reactivated', 'refused', 'roleRequests'] as const).map(
            (k) =>
              r[k].length > 0 && (
                <details key={k} open={k !== 'added'}>
                  <summary>
                    {t(`directory.lists.${k}`)} ({r[k].length})
                  </summary>
                  <ul>
                    {r[k].slice(0, 500).map((e) => (
                      <li key={`${k}:${e.login}`}>
                        {e.name} ({e.login}){e.details.length > 0 && `: ${e.details.join('; ')}`}
                      </li>
                    ))}
                  </ul>
                </details>
              ),
          )}
        </>
      )}
    </div>
  );
}

function SourceEditor({ source, onSaved }: { source: DirectorySource | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const [d, setD] = useState<Draft>(source ? toDraft(source) : emptyDraft);
  const [saved, setSaved] = useState<DirectorySource | null>(source);
  const [run, setRun] = useState<DirectoryRun | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof Draft) => (v: string) => setD({ ...d, [k]: v });

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy('save');
    try {
      const body = toBody(d) as DirectorySourceInput;
      const s = saved
        ? await call(routes.updateDirectorySource, { params: { id: saved.id }, body })
        : await call(routes.createDirectorySource, { body });
      setSaved(s);
      setD({ ...d, bindPassword: '' });
      onSaved();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  async function start(dryRun: boolean, acceptWarnings = false) {
    if (!saved) return;
    setError(null);
    setBusy(dryRun ? 'dry' : 'apply');
    try {
      setRun(await call(routes.runDirectorySync, { params: { id: saved.id }, body: { dryRun, acceptWarnings } }));
      onSaved();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <form onSubmit={(e) => void save(e)} aria-label={t('directory.form')}>
      <Field label={t('admin.fields.name')} value={d.name} onChange={set('name')} />
      <Field label={t('directory.url')} value={d.url} onChange={set('url')} hint="ldaps://dc1.stadt.local:636" />
      <Field label={t('directory.bindDn')} value={d.bindDn} onChange={set('bindDn')} />
      <Field
        label={t('directory.bindPassword')}
        type="password"
        value={d.bindPassword}
        onChange={set('bindPassword')}
        {...(saved?.hasPassword ? { hint: t('directory.passwordKept') } : {})}
      />
      <Field label={t('directory.baseDn')} value={d.baseDn} onChange={set('baseDn')} />
      <Field label={t('directory.userFilter')} value={d.userFilter} onChange={set('userFilter')} />
      <Field label={t('directory.groupDns')} value={d.groupDns} onChange={set('groupDns')} rows={3} />
      <fieldset>
        <legend>{t('directory.attributes')}</legend>
        {(['login', 'firstName', 'lastName', 'email', 'phone', 'externalId', 'department'] as const).map((k) => (
          <Field key={k} label={t(`directory.attr.${k}`)} value={d[k]} onChange={set(k)} />
        ))}
      </fieldset>
      <Field
        label={t('directory.roleMapping')}
        value={d.roleMapping}
        onChange={set('roleMapping')}
        rows={3}
        hint={t('directory.roleMappingHint')}
      />
      <Field
        label={t('directory.groupMapping')}
        value={d.groupMapping}
        onChange={set('groupMapping')}
        rows={3}
        hint={t('directory.groupMappingHint')}
      />
      <Field
        label={t('directory.everyMinutes')}
        type="number"
        value={d.everyMinutes}
        onChange={set('everyMinutes')}
        hint={t('directory.everyMinutesHint')}
      />
      <p>
        <button type="submit" disabled={busy !== null}>
          {t('directory.save')}
        </button>{' '}
        <button type="button" disabled={!saved || busy !== null} onClick={() => void start(true)}>
          {t('directory.dryRun')}
        </button>{' '}
        <button
          type="button"
          disabled={!saved || busy !== null || run?.status !== 'dry'}
          onClick={() => void start(false, (run?.report?.warnings.length ?? 0) > 0)}
        >
          {(run?.report?.warnings.length ?? 0) > 0 ? t('directory.applyDespite') : t('directory.apply')}
        </button>
      </p>
      {busy && busy !== 'save' && (
        <p role="status" aria-live="polite">
          {t('directory.running')}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {run && <Report run={run} />}
    </form>
  );
}

function Runs({ source }: { source: DirectorySource }) {
  const { t } = useTranslation();
  const list = useList(routes.listDirectoryRuns, { params: { id: source.id } });
  return (
    <details>
      <summary>{t('directory.history')}</summary>
      <ListBody list={list} empty={t('admin.empty')}>
        {(runs) => (
          <>
            {runs.map((r) => (
              <Report key={r.id} run={r} />
            ))}
          </>
        )}
      </ListBody>
    </details>
  );
}

function ScimTokens() {
  const { t, i18n } = useTranslation();
  const list = useList(routes.listScimTokens);
  const [name, setName] = useState('Entra ID');
  const [created, setCreated] = useState<ScimTokenCreated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setCreated(await call(routes.createScimToken, { body: { name } }));
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <section aria-labelledby="scim-title">
      <h3 id="scim-title">{t('directory.scim.title')}</h3>
      <p>{t('directory.scim.intro')}</p>
      <form onSubmit={(e) => void create(e)}>
        <label htmlFor={id}>{t('admin.fields.name')}</label>{' '}
        <input id={id} value={name} onChange={(e) => setName(e.target.value)} />{' '}
        <button type="submit">{t('directory.scim.create')}</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {created && (
        <div role="status" className="notice code">
          <p>{t('directory.scim.once')}</p>
          <p>
            {t('directory.scim.url')} <code>{`${window.location.origin}${scimBasePath}`}</code>
          </p>
          <p>
            {t('directory.scim.token')} <code>{created.secret}</code>
          </p>
        </div>
      )}
      <ListBody list={list} empty={t('admin.empty')}>
        {(tokens) => (
          <ul>
            {tokens.map((tok) => (
              <li key={tok.id}>
                {tok.name} – {tok.createdBy},{' '}
                {tok.revokedAt
                  ? t('directory.scim.revokedAt', { time: formatTime(tok.revokedAt, i18n.language) })
                  : tok.lastUsedAt
                    ? t('directory.scim.lastUsed', { time: formatTime(tok.lastUsedAt, i18n.language) })
                    : t('directory.scim.unused')}{' '}
                {!tok.revokedAt && (
                  <button
                    type="button"
                    onClick={() =>
                      window.confirm(t('directory.scim.confirmRevoke', { name: tok.name })) &&
                      void call(routes.revokeScimToken, { params: { id: tok.id } }).then(list.reload, (err: unknown) =>
                        setError(messageOf(err)),
                      )
                    }
                  >
                    {t('directory.scim.revoke')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </ListBody>
    </section>
  );
}

/** People from the directory: LDAP / Active Directory sources (dry run first) and SCIM access for Entra ID. */
export function DirectorySection() {
  const { t } = useTranslation();
  const list = useList(routes.listDirectorySources);
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="directory-title" className="directory">
      <h2 id="directory-title">{t('admin.sections.directory')}</h2>
      <p>{t('directory.intro')}</p>
      <ListBody list={list} empty={t('directory.none')}>
        {(sources) => (
          <>
            {sources.map((s) => (
              <article key={s.id}>
                <h3>{s.name}</h3>
                <SourceEditor source={s} onSaved={list.reload} />
                <Runs source={s} />
              </article>
            ))}
          </>
        )}
      </ListBody>
      {adding ? (
        <article>
          <h3>{t('directory.new')}</h3>
          <SourceEditor
            source={null}
            onSaved={() => {
              setAdding(false);
              list.reload();
            }}
          />
        </article>
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          {t('directory.add')}
        </button>
      )}
      <ScimTokens />
    </section>
  );
}

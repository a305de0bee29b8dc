import {
  importFields,
  importKinds,
  routes,
  type EnrolmentToken,
  type EnrolmentTokenCreated,
  type ImportKind,
  type ImportResult,
} from '@wachsam/protocol';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { bytesToBase64 } from '../api/base64url.js';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { ListBody } from './ListBody.js';
import type { Lookups } from './lookups.js';
import { ResourceSection } from './ResourceSection.js';
import { useList } from './useList.js';

const hostMappingsCrud = {
  list: routes.listHostMappings,
  create: routes.createHostMapping,
  update: routes.updateHostMapping,
  remove: routes.removeHostMapping,
};

/** Hostname → room (and person): where a PC that enrolled with the organisation token stands. */
export function HostMappingsSection({ canEdit, lookups }: { canEdit: boolean; lookups: Lookups }) {
  const { t } = useTranslation();
  return (
    <ResourceSection
      title={t('admin.sections.hostMappings')}
      resource={hostMappingsCrud}
      canEdit={canEdit}
      intro={<p>{t('rollout.hosts.intro')}</p>}
      columns={[
        { header: t('rollout.hosts.hostname'), cell: (m) => m.hostname },
        { header: t('admin.fields.room'), cell: (m) => lookups.roomLabel(m.roomId) },
        { header: t('admin.devices.person'), cell: (m) => (m.personId ? lookups.personLabel(m.personId) : '–') },
      ]}
      fields={[
        { name: 'hostname', label: t('rollout.hosts.hostname'), kind: 'text' },
        { name: 'roomId', label: t('admin.fields.room'), kind: 'select', options: lookups.options.rooms },
        {
          name: 'personId',
          label: t('admin.devices.person'),
          kind: 'select',
          nullable: true,
          options: lookups.options.people,
        },
      ]}
      empty={{ hostname: '', roomId: '', personId: '' }}
      toDraft={(m) => ({ hostname: m.hostname, roomId: m.roomId, personId: m.personId ?? '' })}
    />
  );
}

function scopeLabel(token: EnrolmentToken, lookups: Lookups, t: (k: string) => string): string {
  const s = token.scope;
  if (s.kind === 'department') return `${t('admin.fields.department')}: ${lookups.departmentName(s.departmentId)}`;
  if (s.kind === 'building') return `${t('admin.fields.building')}: ${lookups.buildingName(s.buildingId)}`;
  return t('rollout.tokens.wholeOrg');
}

/** Organisation enrolment tokens: created for a software-distribution run, shown once, revocable. */
export function EnrolmentTokensSection({ lookups }: { lookups: Lookups }) {
  const { t, i18n } = useTranslation();
  const list = useList(routes.listEnrolmentTokens);
  const [name, setName] = useState('');
  const [days, setDays] = useState('30');
  const [scope, setScope] = useState('organisation');
  const [terminalServers, setTerminalServers] = useState(false);
  const [created, setCreated] = useState<EnrolmentTokenCreated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), days: useId(), scope: useId() };

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const [kind, id] = scope.split(':');
    try {
      const token = await call(routes.createEnrolmentToken, {
        body: {
          name,
          validDays: Number(days),
          scope:
            kind === 'department'
              ? { kind: 'department', departmentId: id! }
              : kind === 'building'
                ? { kind: 'building', buildingId: id! }
                : { kind: 'organisation' },
          terminalServers,
        },
      });
      setCreated(token);
      setName('');
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: EnrolmentToken) {
    if (!window.confirm(t('rollout.tokens.confirmRevoke', { name: token.name }))) return;
    setError(null);
    try {
      await call(routes.revokeEnrolmentToken, { params: { id: token.id } });
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  const server = window.location.origin;
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('admin.sections.enrolmentTokens')}</h2>
      <p>{t('rollout.tokens.intro')}</p>
      <form onSubmit={(e) => void create(e)} className="inline-form">
        <label htmlFor={ids.name}>{t('admin.fields.name')}</label>
        <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor={ids.days}>{t('rollout.tokens.validDays')}</label>
        <input id={ids.days} type="number" min={1} max={365} value={days} onChange={(e) => setDays(e.target.value)} />
        <label htmlFor={ids.scope}>{t('rollout.tokens.scope')}</label>
        <select id={ids.scope} value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="organisation">{t('rollout.tokens.wholeOrg')}</option>
          {lookups.options.departments.map((d) => (
            <option key={d.value} value={`department:${d.value}`}>
              {t('admin.fields.department')}: {d.label}
            </option>
          ))}
          {lookups.options.buildings.map((b) => (
            <option key={b.value} value={`building:${b.value}`}>
              {t('admin.fields.building')}: {b.label}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={terminalServers} onChange={(e) => setTerminalServers(e.target.checked)} />{' '}
          {t('rollout.tokens.terminalServers')}
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t('rollout.tokens.creating') : t('rollout.tokens.create')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {created && (
        <div role="status" className="notice code">
          <p>
            <strong>{t('rollout.tokens.secretOnce', { name: created.name })}</strong>
          </p>
          <p>
            <code>{created.secret}</code>
          </p>
          <p>{t('rollout.tokens.windows')}</p>
          <pre>
            {`powershell -ExecutionPolicy Bypass -File install-wachsam-agent.ps1 -Server ${server} -OrgToken ${created.secret}`}
          </pre>
          <p>{t('rollout.tokens.anyPc')}</p>
          <pre>{`wachsam-agent enroll --server ${server} --org-token ${created.secret}`}</pre>
        </div>
      )}
      <ListBody list={list} empty={t('admin.empty')}>
        {(tokens) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('admin.fields.name')}</th>
                  <th scope="col">{t('rollout.tokens.scope')}</th>
                  <th scope="col">{t('rollout.tokens.expires')}</th>
                  <th scope="col">{t('rollout.tokens.uses')}</th>
                  <th scope="col">{t('rollout.tokens.createdBy')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((tok) => {
                  const expired = new Date(tok.expiresAt).getTime() < Date.now();
                  return (
                    <tr key={tok.id}>
                      <td>{tok.name}</td>
                      <td>
                        {scopeLabel(tok, lookups, t)}
                        {tok.terminalServers && ` (${t('rollout.tokens.forTerminalServers')})`}
                      </td>
                      <td>
                        {tok.revokedAt
                          ? t('rollout.tokens.revokedAt', { time: formatTime(tok.revokedAt, i18n.language) })
                          : expired
                            ? t('rollout.tokens.expired', { time: formatTime(tok.expiresAt, i18n.language) })
                            : formatTime(tok.expiresAt, i18n.language)}
                      </td>
                      <td>
                        {tok.uses}
                        {tok.lastUsedAt && ` (${formatTime(tok.lastUsedAt, i18n.language)})`}
                      </td>
                      <td>{tok.createdBy}</td>
                      <td>
                        {!tok.revokedAt && !expired && (
                          <button type="button" onClick={() => void revoke(tok)}>
                            {t('rollout.tokens.revoke')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ListBody>
    </section>
  );
}

/** CSV import: choose the kind and the file, check the preview, then apply exactly that. */
export function ImportSection() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ImportKind>('people');
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [result, setResult] = useState<ImportResult | null>(null);
  const [skipErrors, setSkipErrors] = useState(false);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { kind: useId(), file: useId() };

  async function preview(base64: string, chosen: Record<string, string | null>, apply = false) {
    setError(null);
    setBusy(apply ? 'apply' : 'preview');
    try {
      const r = await call(routes.importCsv, {
        body: { kind, file: base64, mapping: chosen, apply, skipErrors: apply && skipErrors },
      });
      setResult(r);
      setMapping(r.mapping);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  async function choose(f: File | undefined) {
    setResult(null);
    setMapping({});
    if (!f) return setFile(null);
    const base64 = bytesToBase64(new Uint8Array(await f.arrayBuffer()));
    setFile({ name: f.name, base64 });
    await preview(base64, {});
  }

  const fields = Object.entries(importFields[kind]) as Array<[string, { label: string; required: boolean }]>;
  const shown = result
    ? [...result.lines].sort((a, b) => Number(b.action === 'error') - Number(a.action === 'error'))
    : [];
  const errors = result?.counts.error ?? 0;
  const changes = result ? result.counts.create + result.counts.update : 0;
  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">{t('admin.sections.import')}</h2>
      <p>{t('rollout.import.intro')}</p>
      <p>
        <label htmlFor={ids.kind}>{t('rollout.import.kind')}</label>{' '}
        <select
          id={ids.kind}
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as ImportKind);
            setFile(null);
            setResult(null);
            setMapping({});
          }}
        >
          {importKinds.map((k) => (
            <option key={k} value={k}>
              {t(`rollout.import.kinds.${k}`)}
            </option>
          ))}
        </select>
      </p>
      <p className="hint">
        {t('rollout.import.columns')} {fields.map(([, f]) => `${f.label}${f.required ? '*' : ''}`).join(', ')}
      </p>
      <p>
        <label htmlFor={ids.file}>{t('rollout.import.file')}</label>{' '}
        <input
          key={kind}
          id={ids.file}
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </p>
      {busy && (
        <p role="status" aria-live="polite">
          {busy === 'apply' ? t('rollout.import.applying') : t('rollout.import.checking')}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {file && result && (
        <>
          <fieldset>
            <legend>{t('rollout.import.mapping')}</legend>
            <p className="hint">
              {t('rollout.import.detected', {
                encoding: result.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252',
                delimiter: result.delimiter === '\t' ? 'Tab' : result.delimiter,
              })}
            </p>
            {fields.map(([field, def]) => (
              <MappingSelect
                key={field}
                label={`${def.label}${def.required ? '*' : ''}`}
                columns={result.columns}
                value={mapping[field] ?? null}
                onChange={(column) => {
                  const next = { ...mapping, [field]: column };
                  setMapping(next);
                  void preview(file.base64, next);
                }}
              />
            ))}
          </fieldset>
          <p role={result.applied ? 'status' : undefined} className={result.applied ? 'notice' : undefined}>
            {result.applied ? t('rollout.import.applied') : t('rollout.import.preview')}{' '}
            {t('rollout.import.counts', result.counts)}
          </p>
          {result.alsoCreated.length > 0 && (
            <p>
              {t('rollout.import.alsoCreated')} {result.alsoCreated.join(', ')}
            </p>
          )}
          {!result.applied && changes > 0 && (
            <p>
              {errors > 0 && (
                <>
                  <label className="check">
                    <input type="checkbox" checked={skipErrors} onChange={(e) => setSkipErrors(e.target.checked)} />{' '}
                    {t('rollout.import.skipErrors', { count: errors })}
                  </label>
                </>
              )}
              <button
                type="button"
                disabled={busy !== null || (errors > 0 && !skipErrors)}
                onClick={() => void preview(file.base64, mapping, true)}
              >
                {t('rollout.import.apply', { count: changes })}
              </button>
            </p>
          )}
          <div className="table-wrap">
            <table>
              <caption>{t('rollout.import.lines', { name: file.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('rollout.import.line')}</th>
                  <th scope="col">{t('rollout.import.what')}</th>
                  <th scope="col">{t('rollout.import.action')}</th>
                  <th scope="col">{t('rollout.import.details')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(0, 500).map((l) => (
                  <tr key={l.line} className={l.action === 'error' ? 'state-bad' : undefined}>
                    <td>{l.line}</td>
                    <td>{l.label}</td>
                    <td>{t(`rollout.import.actions.${l.action}`)}</td>
                    <td>{(l.action === 'error' ? l.errors : l.changes).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {shown.length > 500 && <p>{t('rollout.import.more', { count: shown.length - 500 })}</p>}
          </div>
        </>
      )}
    </section>
  );
}

function MappingSelect({
  label,
  columns,
  value,
  onChange,
}: {
  label: string;
  columns: string[];
  value: string | null;
  onChange: (column: string | null) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <p>
      <label htmlFor={id}>{label}</label>{' '}
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{t('rollout.import.notInFile')}</option>
        {columns.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </p>
  );
}

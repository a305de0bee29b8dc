import { routes, type AuditEntry } from '@wachsam/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { useList } from './useList.js';

export function FunctionTestsSection() {
  const { t, i18n } = useTranslation();
  const list = useList(routes.listFunctionTests);
  return (
    <section aria-labelledby="section-title">
      <h2 id="section-title">{t('admin.sections.functionTests')}</h2>
      {list.error && (
        <p role="alert" className="error">
          {list.error}
        </p>
      )}
      <button type="button" onClick={list.reload}>
        {t('admin.reload')}
      </button>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('admin.sections.functionTests')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.tests.device')}</th>
              <th scope="col">{t('admin.tests.requestedAt')}</th>
              <th scope="col">{t('admin.tests.completedAt')}</th>
              <th scope="col">{t('admin.tests.result')}</th>
              <th scope="col">{t('admin.tests.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.length === 0 && (
              <tr>
                <td colSpan={5}>{t('admin.empty')}</td>
              </tr>
            )}
            {(list.data ?? []).map((test) => (
              <tr key={test.id}>
                <td>{test.deviceName}</td>
                <td>{formatTime(test.requestedAt, i18n.language)}</td>
                <td>{formatTime(test.completedAt, i18n.language)}</td>
                <td className={test.result === 'passed' ? 'state-ok' : 'state-bad'}>
                  {t(`admin.tests.results.${test.result}`)}
                </td>
                <td>{test.detail || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const pageSize = 100;

export function AuditSection() {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function load(before?: string): Promise<void> {
    setError(null);
    try {
      const page = await call(routes.audit, { query: { limit: pageSize, before } });
      setEntries((e) => (before ? [...e, ...page] : page));
      setDone(page.length < pageSize);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  useEffect(() => {
    void load();
  }, []);

  const last = entries[entries.length - 1];
  return (
    <section aria-labelledby="section-title">
      <h2 id="section-title">{t('admin.sections.audit')}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('admin.sections.audit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.audit.at')}</th>
              <th scope="col">{t('admin.audit.actor')}</th>
              <th scope="col">{t('admin.audit.action')}</th>
              <th scope="col">{t('admin.audit.subject')}</th>
              <th scope="col">{t('admin.audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at, i18n.language)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.subject}</td>
                <td>
                  <code className="detail">{Object.keys(e.detail).length ? JSON.stringify(e.detail) : '–'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!done && last && /^\d+$/.test(last.id) && (
        <button type="button" onClick={() => void load(last.id)}>
          {t('admin.audit.more')}
        </button>
      )}
    </section>
  );
}

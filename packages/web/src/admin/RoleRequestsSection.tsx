import { routes, type RoleRequest } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatClock } from '../app/format.js';
import { useRoleLabel } from './lookups.js';
import { useList } from './useList.js';

/** Why a request cannot be confirmed here and now, or null. */
function obstacle(r: RoleRequest, t: (key: string, vars?: Record<string, string>) => string): string | null {
  if (!r.mayApprove && r.otherApprovers === 0) return t('roleRequests.noApprover');
  if (!r.mayApprove) return t('roleRequests.yours');
  if (r.waitsForOwnPassword) return t('roleRequests.waitsForPassword', { name: r.personName });
  return null;
}

/**
 * Four eyes: the open requests for roles that open the register (or hand out roles), for the
 * administration and the data-protection officer. The server decides who may confirm; the page
 * says why a request waits.
 */
export function RoleRequestsSection() {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const list = useList(routes.listRoleRequests);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function decide(r: RoleRequest, how: 'approve' | 'reject'): Promise<void> {
    setStatus(null);
    setError(null);
    try {
      await call(how === 'approve' ? routes.approveRoleRequest : routes.rejectRoleRequest, { params: { id: r.id } });
      const vars = { role: roleLabel(r.role), name: r.personName };
      setStatus(t(how === 'approve' ? 'roleRequests.approved' : 'roleRequests.rejected', vars));
    } catch (err) {
      setError(messageOf(err));
    }
    list.reload();
  }

  const rows = list.data ?? [];
  return (
    <section aria-labelledby="section-title">
      <h2 id="section-title">{t('admin.sections.roleRequests')}</h2>
      <p className="muted">{t('roleRequests.intro')}</p>
      {(list.error ?? error) && (
        <p role="alert" className="error">
          {list.error ?? error}
        </p>
      )}
      {status && <p role="status">{status}</p>}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('roleRequests.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('roleRequests.person')}</th>
              <th scope="col">{t('roleRequests.role')}</th>
              <th scope="col">{t('roleRequests.requestedBy')}</th>
              <th scope="col">{t('roleRequests.requestedAt')}</th>
              <th scope="col">{t('roleRequests.state')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={6}>{list.data ? t('roleRequests.none') : t('common.loading')}</td>
              </tr>
            )}
            {rows.map((r) => {
              const why = obstacle(r, t);
              const vars = { role: roleLabel(r.role), name: r.personName };
              return (
                <tr key={r.id}>
                  <td>{r.personName}</td>
                  <td>{roleLabel(r.role)}</td>
                  <td>{r.requestedByName}</td>
                  <td>{formatClock(r.requestedAt, i18n.language)}</td>
                  <td>{why ?? '–'}</td>
                  <td>
                    <div className="actions">
                      {r.mayApprove && (
                        <button
                          type="button"
                          className="primary"
                          aria-label={t('roleRequests.approveFor', vars)}
                          disabled={r.waitsForOwnPassword}
                          onClick={() => void decide(r, 'approve')}
                        >
                          {t('roleRequests.approve')}
                        </button>
                      )}
                      <button
                        type="button"
                        aria-label={t('roleRequests.rejectFor', vars)}
                        onClick={() => void decide(r, 'reject')}
                      >
                        {t('roleRequests.reject')}
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

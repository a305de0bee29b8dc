import { routes, type ReportSummary } from '@wachsam/protocol';
import { ListBody } from '../admin/ListBody.js';
import { useTranslation } from 'react-i18next';
import { useList } from '../admin/useList.js';
import { formatDay } from '../app/format.js';
import { followLink } from '../app/router.js';

function ReportTable({ rows, base, caption }: { rows: readonly ReportSummary[]; base: string; caption: string }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reports.list.occurredAt')}</th>
            <th scope="col">{t('reports.list.categories')}</th>
            <th scope="col">{t('reports.list.level')}</th>
            <th scope="col">{t('reports.list.status')}</th>
            <th scope="col">{t('reports.list.updatedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const to = r.status === 'draft' && r.mine ? `${base}/${r.id}/bearbeiten` : `${base}/${r.id}`;
            return (
              <tr key={r.id}>
                <td>
                  <a href={to} onClick={(e) => followLink(e, to)}>
                    {formatDay(r.occurredOn, i18n.language)}
                  </a>
                </td>
                <td>{r.categories.map((c) => t(`reports.categories.${c}`)).join(', ')}</td>
                <td>{t('reports.levelShort', { level: r.level })}</td>
                <td>
                  {t(`reports.status.${r.status}`)}
                  {r.complaintOnly && ` · ${t('reports.list.complaintOnly')}`}
                </td>
                <td>{formatDay(r.updatedOn, i18n.language)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "Meine Meldungen" (scope mine) or "Zu bearbeiten" (scope inbox: the reviewer's queue). */
export function ReportListPage({ scope, base }: { scope: 'mine' | 'inbox'; base: string }) {
  const { t } = useTranslation();
  const list = useList(routes.listReports, { query: { scope } });
  const title = scope === 'mine' ? t('reports.list.mineTitle') : t('reports.list.inboxTitle');
  const newPath = `${base}/neu`;
  return (
    <section aria-labelledby="report-list-title">
      <h1 id="report-list-title">{title}</h1>
      {scope === 'mine' && (
        <p>
          <a className="button-link" href={newPath} onClick={(e) => followLink(e, newPath)}>
            {t('reports.list.new')}
          </a>
        </p>
      )}
      <button type="button" onClick={list.reload}>
        {t('admin.reload')}
      </button>
      <ListBody list={list} empty={scope === 'mine' ? t('reports.list.noneMine') : t('reports.list.noneInbox')}>
        {(items) => <ReportTable rows={items} base={base} caption={title} />}
      </ListBody>
    </section>
  );
}

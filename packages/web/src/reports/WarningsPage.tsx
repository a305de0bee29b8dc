import { routes, type Warning } from '@wachsam/protocol';
import { ListBody } from '../admin/ListBody.js';
import { useTranslation } from 'react-i18next';
import { useList } from '../admin/useList.js';

/**
 * One published warning. Renders only fields of `Warning`, which the server builds from an
 * allow-list without the reporter: nothing here can show who reported.
 */
function WarningCard({ warning }: { warning: Warning }) {
  const { t, i18n } = useTranslation();
  const p = warning.person;
  const name = p.known ? `${p.firstName} ${p.lastName}`.trim() : '';
  const month = new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric' }).format(
    new Date(`${warning.occurredMonth}-01T12:00:00`),
  );
  const headingId = `warning-${warning.id}`;
  return (
    <li>
      <article className={`warning-card level-${warning.level}`} aria-labelledby={headingId}>
        <h2 id={headingId}>{name || t('warnings.unknownPerson')}</h2>
        <p>
          <span className="badge level">{t('reports.levelShort', { level: warning.level })}</span>{' '}
          {warning.categories.map((c) => t(`reports.categories.${c}`)).join(', ')}
        </p>
        <dl className="facts">
          {p.known && p.birthDate && (
            <>
              <dt>{t('reports.form.birthDate')}</dt>
              <dd>{p.birthDate}</dd>
            </>
          )}
          {p.description && (
            <>
              <dt>{t('warnings.description')}</dt>
              <dd>{p.description}</dd>
            </>
          )}
          <dt>{t('warnings.summary')}</dt>
          <dd>{warning.summary}</dd>
          <dt>{t('warnings.measures')}</dt>
          <dd>
            {warning.measures.length === 0 ? (
              '–'
            ) : (
              <ul>
                {warning.measures.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('warnings.where')}</dt>
          <dd>{[warning.department, warning.building].filter((x) => x).join(', ') || '–'}</dd>
          <dt>{t('warnings.month')}</dt>
          <dd>{month}</dd>
        </dl>
      </article>
    </li>
  );
}

export function WarningsPage() {
  const { t } = useTranslation();
  const list = useList(routes.listWarnings);
  return (
    <section aria-labelledby="warnings-title">
      <h1 id="warnings-title">{t('warnings.title')}</h1>
      <p className="muted">{t('warnings.intro')}</p>
      <ListBody list={list} empty={t('warnings.none')}>
        {(items) => (
          <ul className="warning-list">
            {items.map((w) => (
              <WarningCard key={w.id} warning={w} />
            ))}
          </ul>
        )}
      </ListBody>
    </section>
  );
}

import { routes, type HelpOffer, type SubmitResult } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { useList } from '../admin/useList.js';
import { formatDay } from '../app/format.js';

/** Psychological first aid, company doctor, counselling …: each with whom to contact. */
export function HelpOfferList({ offers, headingLevel = 2 }: { offers: readonly HelpOffer[]; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby="help-offers-title" className="help-offers">
      <Heading id="help-offers-title">{t('help.title')}</Heading>
      <p>{t('help.intro')}</p>
      {offers.length === 0 ? (
        <p>{t('help.none')}</p>
      ) : (
        <ul className="offer-list">
          {offers.map((o) => (
            <li key={o.id}>
              <strong>{o.title}</strong>
              {o.description && <p>{o.description}</p>}
              {o.contact && <p>{t('help.contact', { contact: o.contact })}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The offers from the server, for the person who raised an alarm once it is resolved. */
export function HelpOffersLoaded({ headingLevel }: { headingLevel?: 2 | 3 }) {
  const { data, error } = useList(routes.listHelpOffers);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!data) return null;
  return <HelpOfferList offers={data.filter((o) => o.active)} {...(headingLevel ? { headingLevel } : {})} />;
}

/**
 * What happens next after "Einreichen": below the threshold the zero-tolerance reminder, or the
 * way to the Strafanzeige/Strafantrag with its deadline; and help.
 */
export function SubmitResultView({ result, onOpen }: { result: SubmitResult; onOpen?: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const deadline = result.report?.strafantragDeadline ?? null;
  const next = result.statisticsOnly
    ? t('reports.submitted.statisticsOnly')
    : result.complaintOnly
      ? t('reports.submitted.complaintOnly')
      : t('reports.submitted.next');
  return (
    <div className="submit-result">
      <h1>{t('reports.submitted.title')}</h1>
      <p role="status">{next}</p>
      {result.complaintOnly && deadline && (
        <p className="notice warning">
          <strong>{t('reports.detail.deadline', { date: formatDay(deadline, i18n.language) })}</strong>
        </p>
      )}
      {result.statisticsOnly && (
        <p className="notice warning">
          <strong>{t('reports.submitted.zeroTolerance')}</strong>
        </p>
      )}
      {result.report && onOpen && (
        <p>
          <button type="button" className="link" onClick={() => onOpen(result.report!.id)}>
            {t('reports.submitted.open')}
          </button>
        </p>
      )}
      <HelpOfferList offers={result.helpOffers} />
    </div>
  );
}

import { routes, type HelpOffer, type SubmitResult } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { useList } from '../admin/useList.js';

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

/** What happens next after "Einreichen": the zero-tolerance reminder below the threshold, and help. */
export function SubmitResultView({ result, onOpen }: { result: SubmitResult; onOpen?: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <div className="submit-result">
      <h1>{t('reports.submitted.title')}</h1>
      <p role="status">{result.statisticsOnly ? t('reports.submitted.statisticsOnly') : t('reports.submitted.next')}</p>
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

import { useTranslation } from 'react-i18next';

/**
 * Served over plain HTTP under a name other than localhost, the browser withholds push, the
 * position, the service worker (offline app), WebCrypto (the SMS path) and secure cookies. The
 * alarm console itself still works; this says plainly what does not and what to do, instead
 * of leaving people to find out when they need it.
 */
export function InsecureNotice() {
  const { t } = useTranslation();
  if (typeof window === 'undefined' || window.isSecureContext !== false) return null;
  return (
    <aside className="notice danger insecure" aria-labelledby="insecure-title">
      <h2 id="insecure-title">{t('insecure.title')}</h2>
      <p>{t('insecure.text')}</p>
    </aside>
  );
}

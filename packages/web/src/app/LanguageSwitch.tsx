import { useTranslation } from 'react-i18next';
import { switchLanguage } from '../i18n/index.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const other = i18n.language === 'en' ? 'de' : 'en';
  return (
    <button type="button" lang={other} onClick={() => switchLanguage(other)}>
      {t('app.switchLanguage')}
    </button>
  );
}

import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './de.js';
import { en } from './en.js';

export const languages = ['de', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'wachsam.language';

function initialLanguage(): Language {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(storageKey);
  return stored === 'en' ? 'en' : 'de';
}

export function setupI18n(): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources: { de: { translation: de }, en: { translation: en } },
    lng: initialLanguage(),
    fallbackLng: 'de',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export function switchLanguage(lang: Language): void {
  localStorage.setItem(storageKey, lang);
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

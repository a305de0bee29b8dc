import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadHandsFreeKey, saveHandsFreeKey } from './phoneStore.js';

/** Keys a page can never use as a trigger: they are needed to use the page itself. */
const reserved = new Set(['Tab', 'Escape', 'Enter', ' ', 'Shift', 'Control', 'Alt', 'Meta']);

/**
 * A Bluetooth or USB button sends a key; while the app is open that key raises the alarm at
 * once (the button is a deliberate act, no hold needed).
 */
export function useHandsFreeKey(onTrigger: () => void, enabled: boolean, settingsVersion: number): void {
  useEffect(() => {
    if (!enabled) return;
    const key = loadHandsFreeKey(localStorage);
    const listener = (e: KeyboardEvent): void => {
      if (e.repeat || (e.key !== key && e.code !== key)) return;
      e.preventDefault();
      onTrigger();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [onTrigger, enabled, settingsVersion]);
}

export function HandsFreeSettings({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState(() => loadHandsFreeKey(localStorage));
  const [capturing, setCapturing] = useState(false);

  useEffect(() => {
    if (!capturing) return;
    const listener = (e: KeyboardEvent): void => {
      if (reserved.has(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
      const chosen = e.key.length === 1 ? e.code : e.key;
      saveHandsFreeKey(localStorage, chosen);
      setKey(chosen);
      setCapturing(false);
      onChanged();
    };
    window.addEventListener('keydown', listener, { capture: true });
    return () => window.removeEventListener('keydown', listener, { capture: true });
  }, [capturing, onChanged]);

  return (
    <details className="settings">
      <summary>{t('mobile.settings.title')}</summary>
      <p>{t('mobile.settings.key', { key })}</p>
      <p className="muted">{t('mobile.settings.keyExplain')}</p>
      <button type="button" onClick={() => setCapturing((v) => !v)} aria-pressed={capturing}>
        {capturing ? t('mobile.settings.capturing') : t('mobile.settings.change')}
      </button>
    </details>
  );
}

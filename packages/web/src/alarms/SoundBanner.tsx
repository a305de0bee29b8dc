import { useTranslation } from 'react-i18next';
import { sound, useSoundUnlocked } from './sound.js';

/** Until the browser allows audio, a receiver must know an alarm would arrive without sound. */
export function SoundBanner() {
  const { t } = useTranslation();
  const unlocked = useSoundUnlocked();
  if (unlocked) return null;
  return (
    <div className="notice warning sound-banner">
      <span>{t('sound.locked')}</span>{' '}
      <button type="button" onClick={() => sound.unlock()}>
        {t('sound.enable')}
      </button>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { sound, useSoundUnlocked } from './sound.js';

/**
 * Until the browser allows audio, a receiver must know an alarm would arrive without sound.
 * It disappears by itself once sound works: after a click, or at once where a kiosk policy
 * allows sound for this origin. `kiosk`: point to the kiosk set-up (the console at a desk, not a phone).
 */
export function SoundBanner({ kiosk = true }: { kiosk?: boolean }) {
  const { t } = useTranslation();
  const unlocked = useSoundUnlocked();
  if (unlocked) return null;
  return (
    <div role="alert" className="notice danger sound-banner">
      <div>
        <strong>{t('sound.locked')}</strong>
        {kiosk && <p className="small">{t('sound.explain')}</p>}
      </div>
      <button type="button" className="primary" onClick={() => sound.unlock()}>
        {t('sound.enable')}
      </button>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { useRealtime } from './RealtimeProvider.js';

/** New rights take effect at once: say so, so a changed screen is not a surprise. */
export function RolesChangedNotice() {
  const { t } = useTranslation();
  const { rolesChanged, dismissRolesChanged } = useRealtime();
  if (!rolesChanged) return null;
  return (
    <div role="status" className="notice">
      {t('ended.roles_changed')}{' '}
      <button type="button" onClick={dismissRolesChanged}>
        {t('outbox.close')}
      </button>
    </div>
  );
}

/**
 * The server ended this phone (revoked or removed): it can no longer raise online nor receive,
 * and it does not pretend to by reconnecting. Setting it up again enrols it anew.
 */
export function PhoneEndedNotice({
  reason,
  onSetUpAgain,
}: {
  reason: 'token_revoked' | 'device_removed';
  onSetUpAgain: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="notice danger">
      <p>{t(`ended.${reason}`)}</p>
      <button type="button" onClick={onSetUpAgain}>
        {t('ended.setUpAgain')}
      </button>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sound } from '../alarms/sound.js';
import { useOnline } from './online.js';
import { useRealtime } from './RealtimeProvider.js';

/** A lost connection counts as lost (red, audible) after this long: short blips do not alarm. */
const warnAfterMs = 5_000;
const repeatMs = 30_000;

/**
 * Connected means the socket is open AND the browser has a network: a socket can look open
 * for a while after the network is gone (until the next missed heartbeat), and a person must
 * not read "verbunden" while their phone is offline.
 */
function useConnected(): boolean {
  const { connection } = useRealtime();
  const online = useOnline();
  return connection === 'connected' && online;
}

/** True once the connection has been down for `warnAfterMs`. */
function useLostLong(): boolean {
  const connected = useConnected();
  const [lostLong, setLostLong] = useState(false);
  useEffect(() => {
    if (connected) {
      setLostLong(false);
      return;
    }
    const timer = setTimeout(() => setLostLong(true), warnAfterMs);
    return () => clearTimeout(timer);
  }, [connected]);
  return lostLong && !connected;
}

/**
 * Shows whether alarms can reach this screen. A lost connection is never silent: the
 * indicator turns red and, for receivers, a warning tone repeats (DGUV 112-139: loss of the
 * network signalled audibly).
 */
export function ConnectionIndicator({ audible }: { audible: boolean }) {
  const { t } = useTranslation();
  const { loadError, ended } = useRealtime();
  const lostLong = useLostLong();
  const [everConnected, setEverConnected] = useState(false);
  const connected = useConnected();
  if (connected && !everConnected) setEverConnected(true);

  useEffect(() => {
    if (!lostLong || !audible) return;
    sound.warn();
    const repeat = setInterval(() => sound.warn(), repeatMs);
    return () => clearInterval(repeat);
  }, [lostLong, audible]);

  const text = connected
    ? t('connection.connected')
    : ended
      ? t('connection.ended')
      : everConnected || loadError
        ? t('connection.lost')
        : t('connection.connecting');
  return (
    <div role="status" className={connected ? 'connection ok' : lostLong ? 'connection lost' : 'connection pending'}>
      <span aria-hidden="true" className="dot" />
      {text}
      {!connected && loadError && <span className="sr-detail"> ({loadError})</span>}
    </div>
  );
}

/** Above the overview: while disconnected, the list may be out of date and alarms may not arrive. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const lostLong = useLostLong();
  if (!lostLong) return null;
  return (
    <p role="alert" className="notice danger">
      {t('connection.banner')}
    </p>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sound } from '../alarms/sound.js';
import { useRealtime } from './RealtimeProvider.js';

/** A lost connection is audible after this long, then again every `repeatMs`. */
const warnAfterMs = 5_000;
const repeatMs = 30_000;

/**
 * Shows whether alarms can reach this screen. A lost connection is never silent: a banner
 * and, for receivers, a warning tone (DGUV 112-139: loss of the network signalled audibly).
 */
export function ConnectionIndicator({ audible }: { audible: boolean }) {
  const { t } = useTranslation();
  const { connection, loadError } = useRealtime();
  const [lostLong, setLostLong] = useState(false);
  const [everConnected, setEverConnected] = useState(false);
  const connected = connection === 'connected';
  if (connected && !everConnected) setEverConnected(true);
  const text = connected
    ? t('connection.connected')
    : everConnected || loadError
      ? t('connection.lost')
      : t('connection.connecting');

  useEffect(() => {
    if (connected) {
      setLostLong(false);
      return;
    }
    let repeat: ReturnType<typeof setInterval> | null = null;
    const first = setTimeout(() => {
      setLostLong(true);
      if (!audible) return;
      sound.warn();
      repeat = setInterval(() => sound.warn(), repeatMs);
    }, warnAfterMs);
    return () => {
      clearTimeout(first);
      if (repeat) clearInterval(repeat);
    };
  }, [connected, audible]);

  return (
    <div role="status" className={connected ? 'connection ok' : lostLong ? 'connection lost' : 'connection pending'}>
      <span aria-hidden="true" className="dot" />
      {text}
      {!connected && loadError && <span className="muted"> ({loadError})</span>}
    </div>
  );
}

import type { Alarm } from '@wachsam/protocol';
import { routes } from '@wachsam/protocol';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, messageOf } from '../api/http.js';
import { applyEvent, applySnapshot, emptyAlarms, fromList, markForYou, type AlarmsState } from '../alarms/store.js';
import { RealtimeClient, realtimeUrl, type ConnectionState } from './client.js';

interface RealtimeValue {
  alarms: AlarmsState;
  connection: ConnectionState;
  /** Set while the initial list could not be loaded. */
  loadError: string | null;
  /** An alarm from an HTTP answer (respond, resolve, raise …). */
  applyAlarm: (alarm: Alarm) => void;
  /** Tell the server this alarm is on screen (recorded as delivered to me). */
  sendReceipt: (alarmId: string) => void;
}

const RealtimeContext = createContext<RealtimeValue | null>(null);

export function useRealtime(): RealtimeValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime outside RealtimeProvider');
  return value;
}

/**
 * Loads the open alarms, then follows the realtime stream from the list's `lastEventId`, so
 * no event between the list and the stream can be missed. If the list cannot be loaded, it is
 * retried with backoff and the connection shows as lost.
 */
export function RealtimeProvider({
  children,
  personId,
  onSessionEnded,
}: {
  children: ReactNode;
  personId: string;
  onSessionEnded: () => void;
}) {
  const [alarms, setAlarms] = useState<AlarmsState>(emptyAlarms);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [loadError, setLoadError] = useState<string | null>(null);
  const clientRef = useRef<RealtimeClient | null>(null);
  const receipts = useRef(new Set<string>());
  const sessionEnded = useRef(onSessionEnded);
  sessionEnded.current = onSessionEnded;

  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let delay = 500;
    let lastSessionCheck = 0;
    const load = async (): Promise<void> => {
      try {
        const list = await call(routes.listAlarms, { query: { open: 'true' } });
        if (cancelled) return;
        setLoadError(null);
        // The list names the alarms I was alerted for: after a reload they take the screen again.
        setAlarms(list.forYou.reduce(markForYou, fromList(list.alarms)));
        const client = new RealtimeClient(
          {
            url: realtimeUrl,
            createSocket: (url) => new WebSocket(url),
            onEvent: (event, forYou) => setAlarms((s) => applyEvent(s, event, forYou)),
            onState: (state) => {
              setConnection(state);
              // A refused upgrade looks like any other drop. Ask whether the session still
              // exists: if not, the 401 brings up the login page instead of "reconnecting"
              // forever on a screen that can no longer receive alarms.
              if (state === 'disconnected' && Date.now() - lastSessionCheck > 30_000) {
                lastSessionCheck = Date.now();
                call(routes.me).catch(() => undefined);
              }
            },
            onServerError: (code) => {
              if (code === 'unauthenticated' || code === 'token_revoked') sessionEnded.current();
            },
          },
          list.lastEventId,
        );
        clientRef.current = client;
        client.start();
      } catch (err) {
        if (cancelled) return;
        setLoadError(messageOf(err));
        setConnection('disconnected');
        retry = setTimeout(() => void load(), delay);
        delay = Math.min(delay * 2, 5000);
      }
    };
    void load();
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
      clientRef.current?.stop();
      clientRef.current = null;
    };
  }, [personId]);

  const applyAlarm = useCallback((alarm: Alarm) => setAlarms((s) => applySnapshot(s, alarm)), []);
  const sendReceipt = useCallback((alarmId: string) => {
    const client = clientRef.current;
    if (!client || receipts.current.has(alarmId)) return;
    receipts.current.add(alarmId);
    client.send({ kind: 'receipt', alarmId });
  }, []);

  const value = useMemo(
    () => ({ alarms, connection, loadError, applyAlarm, sendReceipt }),
    [alarms, connection, loadError, applyAlarm, sendReceipt],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

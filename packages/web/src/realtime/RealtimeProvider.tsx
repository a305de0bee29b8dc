import type { Alarm, Role, RouteAuth, SocketEndReason } from '@wachsam/protocol';
import { routes } from '@wachsam/protocol';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, messageOf } from '../api/http.js';
import {
  applyEvent,
  applySnapshot,
  emptyAlarms,
  fromList,
  markForYou,
  withOfflineList,
  type AlarmsState,
} from '../alarms/store.js';
import { useMe } from '../app/me.js';
import { RealtimeClient, realtimeUrl, type ConnectionState } from './client.js';
import { loadOpenAlarms, openPageSize } from './openAlarms.js';

interface RealtimeValue {
  alarms: AlarmsState;
  connection: ConnectionState;
  /** Set while the initial list could not be loaded. */
  loadError: string | null;
  /** Why the server ended this connection for good (no reconnect), if it did. */
  ended: SocketEndReason | null;
  /** The server said this person's roles changed; everything was loaded anew. */
  rolesChanged: boolean;
  dismissRolesChanged: () => void;
  /** An alarm from an HTTP answer (respond, resolve, raise …). */
  applyAlarm: (alarm: Alarm) => void;
  /** Tell the server this alarm is on screen (recorded as delivered to me). */
  sendReceipt: (alarmId: string) => void;
  /** Load everything again and reconnect (e.g. after a phone was set up anew). */
  restart: () => void;
}

const RealtimeContext = createContext<RealtimeValue | null>(null);

export function useRealtime(): RealtimeValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime outside RealtimeProvider');
  return value;
}

/** Roles that may ask for the devices offline now: the route's own list, not a copy. */
const offlineAuth: RouteAuth = routes.listOfflineDevices.auth;
const offlineListRoles: readonly Role[] = offlineAuth.kind === 'session' ? offlineAuth.roles : [];

/**
 * Loads every page of the open alarms, then follows the realtime stream from the first page's
 * `lastEventId`, so no event between the list and the stream can be missed; then the devices
 * offline now (for the roles that see them). If the list cannot be loaded, it is retried with
 * backoff and the connection shows as lost. When the server ends the socket for a reason, the
 * app is told (`onEnded`); new roles reload the person and everything here.
 */
export function RealtimeProvider({
  children,
  personId,
  onEnded,
  onRolesChanged,
}: {
  children: ReactNode;
  personId: string;
  /** The session or device ended (null: the server refused without saying why). Never for new roles. */
  onEnded: (reason: SocketEndReason | null) => void;
  onRolesChanged: () => void;
}) {
  const me = useMe();
  const [alarms, setAlarms] = useState<AlarmsState>(emptyAlarms);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ended, setEnded] = useState<SocketEndReason | null>(null);
  const [generation, setGeneration] = useState(0);
  const [rolesChanged, setRolesChanged] = useState(false);
  const clientRef = useRef<RealtimeClient | null>(null);
  const receipts = useRef(new Set<string>());
  const callbacks = useRef({ onEnded, onRolesChanged });
  callbacks.current = { onEnded, onRolesChanged };
  const seesOffline = useRef(false);
  seesOffline.current = me.roles.some((r) => offlineListRoles.includes(r));

  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let offlineRetry: ReturnType<typeof setTimeout> | null = null;
    let delay = 500;
    let lastSessionCheck = 0;
    receipts.current = new Set();

    // After the alarm list: a device that changes after it arrives as a live event and wins.
    const loadOffline = async (): Promise<void> => {
      if (!seesOffline.current) return;
      try {
        const devices = await call(routes.listOfflineDevices);
        if (!cancelled) setAlarms((s) => withOfflineList(s, devices));
      } catch {
        if (!cancelled) offlineRetry = setTimeout(() => void loadOffline(), 5000);
      }
    };

    const load = async (): Promise<void> => {
      try {
        const list = await loadOpenAlarms((cursor) =>
          call(routes.listAlarms, { query: { open: 'true', limit: openPageSize, cursor } }),
        );
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
              if (code === 'unauthenticated' || code === 'token_revoked') callbacks.current.onEnded(null);
            },
            onEnded: (reason) => {
              if (reason === 'roles_changed') {
                // Other rights may see other alarms: load the person and the list anew.
                callbacks.current.onRolesChanged();
                setRolesChanged(true);
                setGeneration((g) => g + 1);
                return;
              }
              setEnded(reason);
              callbacks.current.onEnded(reason);
            },
          },
          list.lastEventId,
        );
        clientRef.current = client;
        client.start();
        void loadOffline();
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
      if (offlineRetry) clearTimeout(offlineRetry);
      clientRef.current?.stop();
      clientRef.current = null;
    };
  }, [personId, generation]);

  const applyAlarm = useCallback((alarm: Alarm) => setAlarms((s) => applySnapshot(s, alarm)), []);
  const sendReceipt = useCallback((alarmId: string) => {
    const client = clientRef.current;
    if (!client || receipts.current.has(alarmId)) return;
    receipts.current.add(alarmId);
    client.send({ kind: 'receipt', alarmId });
  }, []);
  const restart = useCallback(() => {
    setEnded(null);
    setGeneration((g) => g + 1);
  }, []);

  const dismissRolesChanged = useCallback(() => setRolesChanged(false), []);

  const value = useMemo(
    () => ({
      alarms,
      connection,
      loadError,
      ended,
      rolesChanged,
      dismissRolesChanged,
      applyAlarm,
      sendReceipt,
      restart,
    }),
    [alarms, connection, loadError, ended, rolesChanged, dismissRolesChanged, applyAlarm, sendReceipt, restart],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ClientFrame, EventId, heartbeatIntervalMs } from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../auth/service.js';
import type { Clock } from '../clock.js';
import { sha256 } from '../auth/tokens.js';
import { AppError } from '../http/errors.js';
import { authenticate, bearer } from '../http/register.js';
import type { Conn, Hub } from './hub.js';
import { presenceTickMs, type Presence } from './presence.js';
import { send, type Live, type Sockets } from './sockets.js';

/** A connection may confirm this many different alarms; more is noise (or an attack) and is ignored. */
const maxReceiptsPerConnection = 500;
/** While replaying, wait for the socket to drain above this much buffered output. */
const replayHighWaterBytes = 1 << 20;

/**
 * The realtime endpoint. Authentication happens before the upgrade (cookie or bearer token);
 * then the connection subscribes, replays what it missed since `?since=`, and goes live.
 * The client pings every 10 s; the server pings a client it has not heard for a while (see
 * `pingAfterMs`), and cuts off a peer silent for three intervals. A
 * connection belongs to its session or device: ending those ends it (see Sockets).
 */
export function realtimeRoutes(
  app: FastifyInstance,
  auth: AuthService,
  hub: Hub,
  presence: Presence,
  sockets: Sockets,
  clock: Clock,
): { stop: () => void } {
  const heardNow = () => clock.now().getTime();
  const actors = new WeakMap<FastifyRequest, Actor>();

  app.get(
    '/api/realtime',
    {
      schema: { hide: true } as object,
      preValidation: async (req) => {
        const actor = await authenticate(req, auth);
        if (!actor) throw new AppError('unauthenticated', 'Bitte anmelden');
        const since = (req.query as Record<string, unknown>).since;
        if (since !== undefined && !EventId.safeParse(since).success)
          throw new AppError('validation_failed', 'since muss eine Ereignis-ID sein');
        actors.set(req, actor);
      },
      websocket: true,
    },
    (ws, req) => {
      // Everything the connection keeps is taken from the request here; no closure below holds
      // the request or the actor, so both can go once the socket is set up (`releaseUpgrade`).
      const actor = actors.get(req)!;
      const sinceRaw = (req.query as Record<string, string | undefined>).since;
      const token = bearer(req);
      const sessionExpiresAt = actor.kind === 'person' ? actor.sessionExpiresAt : null;
      let closed = false;
      const conn: Conn = {
        id: randomUUID(),
        orgId: actor.orgId,
        listener: {
          personId: actor.personId,
          deviceId: actor.kind === 'device' ? actor.deviceId : null,
          roles: actor.kind === 'person' ? actor.roles : [],
        },
        // A text frame (the browser's `onmessage` gets a string), from the shared encoded bytes.
        send: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame, { binary: false });
        },
        drained: () => drained(ws),
        isClosed: () => closed,
        buffer: null,
      };
      const live: Live = {
        conn,
        ws,
        owner: {
          orgId: actor.orgId,
          sessionHash: actor.kind === 'person' ? actor.sessionHash : null,
          personId: actor.personId,
          deviceId: conn.listener.deviceId,
          roles: conn.listener.roles,
          tokenHash: actor.kind === 'device' && token ? sha256(token) : null,
        },
        lastHeard: heardNow(),
        heardMonotonic: performance.now(),
        clientPingMonotonic: null,
        expiry: null,
        receipts: new Set(),
      };
      sockets.add(live, sessionExpiresAt);
      releaseUpgrade(ws, req, (err) => realtimeSocketError(err, ws, app.log, conn.id));

      ws.on('message', (data) => {
        live.lastHeard = heardNow();
        live.heardMonotonic = performance.now();
        let frame: ClientFrame;
        try {
          frame = ClientFrame.parse(JSON.parse(String(data)));
        } catch {
          send(ws, { kind: 'error', code: 'bad_request', message: 'Unbekannte Nachricht' });
          return;
        }
        if (frame.kind === 'ping') {
          live.clientPingMonotonic = live.heardMonotonic;
          send(ws, { kind: 'pong', at: frame.at });
        } else if (frame.kind === 'receipt') receipt(live, frame.alarmId);
      });
      ws.on('close', () => {
        closed = true;
        sockets.remove(live);
        hub.detach(conn);
        presence
          .disconnected(conn.id, { deviceId: live.owner.deviceId, heardAt: new Date(live.lastHeard) })
          .catch((err: unknown) => app.log.warn({ err, connection: conn.id }, 'could not remove connection row'));
      });

      (async () => {
        await presence.connected(
          { id: conn.id, orgId: conn.orgId, personId: conn.listener.personId, deviceId: live.owner.deviceId },
          new Date(live.lastHeard),
        );
        // Closed while the row was written: the close handler may have run before the insert.
        if (closed) return presence.disconnected(conn.id);
        send(ws, {
          kind: 'hello',
          connectionId: conn.id,
          heartbeatMs: heartbeatIntervalMs,
          lastEventId: sinceRaw ?? '0',
        });
        const attached = await hub.attach(conn, sinceRaw === undefined ? null : BigInt(sinceRaw));
        if (!attached) return;
        send(ws, { kind: 'replayed', count: attached.replayed, lastEventId: attached.lastId.toString() });
      })().catch((err: unknown) => {
        app.log.error({ err, connection: conn.id }, 'realtime connection setup failed');
        ws.close(1011, 'setup failed');
      });
    },
  );

  /** A receipt: recorded for this person (or the raising device), once per alarm and connection. */
  function receipt(live: Live, alarmId: string): void {
    if (live.receipts.has(alarmId)) return;
    if (live.receipts.size >= maxReceiptsPerConnection) {
      send(live.ws, { kind: 'error', code: 'rate_limited', message: 'Zu viele Empfangsbestätigungen' });
      return;
    }
    live.receipts.add(alarmId);
    presence.receipt({ alarmId, personId: live.owner.personId, deviceId: live.owner.deviceId });
  }

  // One timer for all connections: ping the quiet, cut off the silent, and write presence in one batch.
  const pingAfter = presence.pingAfterMs;
  const timer = setInterval(() => {
    const now = heardNow();
    sockets.ping(now, pingAfter).catch((err: unknown) => app.log.warn({ err }, 'pinging failed'));
    presence
      .tick(
        sockets.all().map((l) => ({
          connectionId: l.conn.id,
          orgId: l.conn.orgId,
          personId: l.owner.personId,
          deviceId: l.owner.deviceId,
          heardAt: l.lastHeard,
        })),
      )
      .catch((err: unknown) => app.log.warn({ err }, 'presence refresh failed'));
  }, presenceTickMs);

  return {
    stop: () => {
      clearInterval(timer);
      sockets.terminateAll();
    },
  };
}

/** Resolves once the socket's output buffer is below the high-water mark (or it closed). */
async function drained(ws: { bufferedAmount: number; readyState: number; OPEN: number }): Promise<void> {
  while (ws.readyState === ws.OPEN && ws.bufferedAmount > replayHighWaterBytes)
    await new Promise((r) => setTimeout(r, 10));
}

/**
 * An error on an established realtime socket. A frame the protocol refuses (too large, not UTF-8,
 * a bad opcode: `WS_ERR_*`) is the client's fault: `ws` has already closed that one socket with
 * the matching close code (1009, 1007, 1002), so it is noted, not logged as a server error, and
 * no other socket is touched. Anything else is ours: logged as an error and the socket cut.
 */
export function realtimeSocketError(
  err: Error & { code?: string },
  socket: WebSocket,
  log: FastifyBaseLogger,
  connection?: string,
): void {
  if (err.code?.startsWith('WS_ERR_')) {
    log.info({ code: err.code, connection }, 'realtime frame refused');
    return;
  }
  log.error({ err, connection }, 'realtime socket failed');
  socket.terminate();
}

/**
 * @fastify/websocket keeps the upgrade's request and reply for as long as the socket lives: its
 * error listener closes over them, and the response it made to route the upgrade (never
 * finished) stays assigned to the TCP socket. With the headers (the security headers among them)
 * and the request's logger that was most of an idle connection's memory. Both are let go here;
 * errors on the socket go to `onError` instead.
 */
function releaseUpgrade(ws: WebSocket, req: FastifyRequest, onError: (err: Error) => void): void {
  const theirs = ws.listeners('error') as Array<(err: Error) => void>;
  ws.on('error', onError);
  for (const l of theirs) ws.off('error', l);
  const socket = req.raw.socket as Socket & { _httpMessage?: ServerResponse | null };
  socket._httpMessage?.detachSocket(socket);
}

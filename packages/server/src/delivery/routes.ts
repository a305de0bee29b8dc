import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ClientFrame, EventId, heartbeatIntervalMs, type ServerFrame } from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../auth/service.js';
import { AppError } from '../http/errors.js';
import { authenticate } from '../http/register.js';
import type { Conn, Hub } from './hub.js';
import type { Presence } from './presence.js';

interface Live {
  conn: Conn;
  ws: WebSocket;
  lastHeard: number;
  deviceId: string | null;
}

const send = (ws: WebSocket, frame: ServerFrame) => ws.send(JSON.stringify(frame));

/**
 * The realtime endpoint. Authentication happens before the upgrade (cookie or bearer token);
 * then the connection subscribes, replays what it missed since `?since=`, and goes live.
 * Both sides ping at least every 10 s; a peer silent for three intervals is cut off.
 */
export function realtimeRoutes(
  app: FastifyInstance,
  auth: AuthService,
  hub: Hub,
  presence: Presence,
): { live: () => Live[]; stop: () => void } {
  const lives = new Set<Live>();
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
      const actor = actors.get(req)!;
      const sinceRaw = (req.query as Record<string, string | undefined>).since;
      const conn: Conn = {
        id: randomUUID(),
        orgId: actor.orgId,
        listener: {
          personId: actor.personId,
          deviceId: actor.kind === 'device' ? actor.deviceId : null,
          roles: actor.kind === 'person' ? actor.roles : [],
        },
        send: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame);
        },
        buffer: null,
      };
      const live: Live = { conn, ws, lastHeard: Date.now(), deviceId: conn.listener.deviceId };
      lives.add(live);

      ws.on('message', (data) => {
        live.lastHeard = Date.now();
        let frame: ClientFrame;
        try {
          frame = ClientFrame.parse(JSON.parse(String(data)));
        } catch {
          send(ws, { kind: 'error', code: 'bad_request', message: 'Unbekannte Nachricht' });
          return;
        }
        if (frame.kind === 'ping') send(ws, { kind: 'pong', at: frame.at });
        else if (frame.kind === 'receipt' && actor.personId) presence.receipt(frame.alarmId, actor.personId);
      });
      ws.on('close', () => {
        lives.delete(live);
        hub.detach(conn);
        presence
          .disconnected(conn.id)
          .catch((err: unknown) => req.log.warn({ err }, 'could not remove connection row'));
      });

      (async () => {
        await presence.connected({ id: conn.id, orgId: conn.orgId, personId: actor.personId, deviceId: live.deviceId });
        send(ws, {
          kind: 'hello',
          connectionId: conn.id,
          heartbeatMs: heartbeatIntervalMs,
          lastEventId: sinceRaw ?? '0',
        });
        const { replayed, lastId } = await hub.attach(conn, sinceRaw === undefined ? null : BigInt(sinceRaw));
        send(ws, { kind: 'replayed', count: replayed, lastEventId: lastId.toString() });
      })().catch((err: unknown) => {
        req.log.error({ err }, 'realtime connection setup failed');
        ws.close(1011, 'setup failed');
      });
    },
  );

  // One timer for all connections: ping, cut off the silent, and refresh presence in one batch.
  const timer = setInterval(() => {
    const now = Date.now();
    for (const l of lives) {
      if (now - l.lastHeard > 3 * heartbeatIntervalMs) {
        l.ws.terminate();
        continue;
      }
      send(l.ws, { kind: 'ping', at: now });
    }
    presence
      .tick([...lives].flatMap((l) => (l.deviceId ? [l.deviceId] : [])))
      .catch((err: unknown) => app.log.warn({ err }, 'presence refresh failed'));
  }, heartbeatIntervalMs / 2);

  return {
    live: () => [...lives],
    stop: () => {
      clearInterval(timer);
      for (const l of lives) l.ws.terminate();
    },
  };
}

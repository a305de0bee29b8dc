import { z } from 'zod';
import { Alarm } from './alarms.js';
import { AlarmMessage } from './mobile.js';
import { EventId, Id, Timestamp, text } from './common.js';

/** Why the server ends a realtime connection (sent in a `closing` frame just before the close). */
export const socketEndReasons = [
  /** Logged out (here or in another tab), or the session was ended by an administrator. */
  'session_ended',
  'session_expired',
  /** The password was changed or reset: every session of the person ends. */
  'password_changed',
  'person_removed',
  /** The person's roles changed: reconnect to receive with the new rights. */
  'roles_changed',
  'token_revoked',
  'device_removed',
] as const;
export type SocketEndReason = (typeof socketEndReasons)[number];
/** WebSocket close code used with a `closing` frame (4000–4999 is for applications). */
export const socketEndCloseCode = 4001;

/** Both sides send a heartbeat at least this often; a peer silent for 3 intervals is dead. */
export const heartbeatIntervalMs = 10_000;

export const alarmEventTypes = [
  'alarm.raised',
  'alarm.escalated',
  'alarm.delivered',
  'alarm.responded',
  'alarm.cancelled',
  'alarm.resolved',
  /** The sender's position moved (mobile alarm). */
  'alarm.position',
] as const;

/** Every alarm event carries the whole alarm, so a receiver first alerted at any step has everything. */
export const AlarmEvent = z.object({
  id: EventId,
  type: z.enum(alarmEventTypes),
  at: Timestamp,
  alarm: Alarm,
});
export type AlarmEvent = z.infer<typeof AlarmEvent>;

export const DeviceEvent = z.object({
  id: EventId,
  type: z.enum(['device.offline', 'device.online']),
  at: Timestamp,
  device: z.object({ id: Id, name: z.string(), room: z.string() }),
});
export type DeviceEvent = z.infer<typeof DeviceEvent>;

/**
 * An unprotected seat: a device that stopped sending heartbeats and is not back (since `since`),
 * or a PC that enrolled without a room mapping (`unassigned`, since it enrolled).
 */
export const OfflineDevice = DeviceEvent.shape.device.extend({
  since: Timestamp,
  unassigned: z.boolean().default(false),
});
export type OfflineDevice = z.infer<typeof OfflineDevice>;

/** The server asks an agent to prove its alarm path now (scheduled function test). */
export const FunctionTestEvent = z.object({
  id: EventId,
  type: z.literal('function_test.requested'),
  at: Timestamp,
  functionTestId: Id,
  deviceId: Id,
});
export type FunctionTestEvent = z.infer<typeof FunctionTestEvent>;

/** A text message in the alarm's thread, delivered live to everybody who sees the alarm. */
export const MessageEvent = z.object({
  id: EventId,
  type: z.literal('alarm.message'),
  at: Timestamp,
  alarmId: Id,
  message: AlarmMessage,
});
export type MessageEvent = z.infer<typeof MessageEvent>;

export const RealtimeEvent = z.discriminatedUnion('type', [AlarmEvent, DeviceEvent, FunctionTestEvent, MessageEvent]);
export type RealtimeEvent = z.infer<typeof RealtimeEvent>;

/**
 * Server → client frames. `event` frames carry monotonic ids; a client stores the last id it
 * processed and passes it as `?since=` when it reconnects; it must drop ids it already has.
 */
export const ServerFrame = z.discriminatedUnion('kind', [
  /** First frame. `lastEventId` is where the replay starts (the `since` asked for, or 0). */
  z.object({ kind: z.literal('hello'), connectionId: z.string(), heartbeatMs: z.number(), lastEventId: EventId }),
  /**
   * `forYou`: this connection's person is an alerted receiver of the alarm, so the client
   * shows the full-screen alert; false for overview roles, the sender and the raising device.
   */
  z.object({ kind: z.literal('event'), event: RealtimeEvent, forYou: z.boolean() }),
  /** Replay is complete; `lastEventId` is the newest id this connection has been sent. Live from here. */
  z.object({ kind: z.literal('replayed'), count: z.number().int(), lastEventId: EventId }),
  z.object({ kind: z.literal('ping'), at: z.number() }),
  z.object({ kind: z.literal('pong'), at: z.number() }),
  z.object({ kind: z.literal('error'), code: z.string(), message: z.string() }),
  /**
   * The server is about to close this connection because what it was opened with ended. The
   * client says why. A console reconnects only for `roles_changed` (with the new rights); for a
   * session reason the person logs in again. A device stops for `token_revoked` and
   * `device_removed` (it must be enrolled again) and reconnects for every other reason (its
   * binding to a person or room changed; the handshake decides whether it may).
   */
  z.object({ kind: z.literal('closing'), reason: z.enum(socketEndReasons), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Client → server frames. */
export const ClientFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ping'), at: z.number() }).strict(),
  z.object({ kind: z.literal('pong'), at: z.number() }).strict(),
  /** Receipt: the client has shown this alarm (recorded per receiver with the time). */
  z.object({ kind: z.literal('receipt'), alarmId: Id }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const FunctionTestResult = z
  .object({ result: z.enum(['passed', 'failed']), detail: text(2000).default('') })
  .strict();
export type FunctionTestResult = z.infer<typeof FunctionTestResult>;

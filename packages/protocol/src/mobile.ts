import { z } from 'zod';
import { Id, Name, Timestamp, isSafeText, safeString, text, unsafeTextMessage } from './common.js';

/** A position from the phone's geolocation: WGS84 degrees, accuracy radius in metres. */
export const Position = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    accuracy: z.number().min(0).max(100_000),
    at: Timestamp,
  })
  .strict();
export type Position = z.infer<typeof Position>;

const earthRadiusMeters = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine) between two positions, in metres. */
export function distanceMeters(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMeters * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A link that opens the position on a map (OpenStreetMap; the phone may hand it to its map app). */
export const mapLink = (p: { lat: number; lon: number }): string =>
  `https://www.openstreetmap.org/?mlat=${p.lat.toFixed(6)}&mlon=${p.lon.toFixed(6)}#map=18/${p.lat.toFixed(6)}/${p.lon.toFixed(6)}`;

export const PositionUpdate = z.object({ position: Position }).strict();

// --- the phone as a device --------------------------------------------------------------------

/** A logged-in person binds their phone: it becomes a device of kind `phone` bound to them. */
export const PhoneEnrolRequest = z.object({ name: Name }).strict();
export const PhoneEnrolment = z.object({
  deviceId: Id,
  /** Bearer token of the phone (kept in the app's storage; the server keeps only its hash). */
  token: z.string(),
  sms: z.object({
    /** The organisation's alarm number the SMS goes to; null when no SMS gateway is configured. */
    number: z.string().nullable(),
    /** Short code that names this phone in an SMS. */
    deviceCode: z.string(),
    /** Secret key (base64url) for the SMS authentication code; never leaves the phone otherwise. */
    key: z.string(),
  }),
  /** Press-and-hold time the app requires before it raises an alarm (milliseconds). */
  holdMs: z.number().int(),
});
export type PhoneEnrolment = z.infer<typeof PhoneEnrolment>;

/**
 * The alarm SMS: `WACHSAM <deviceCode> <counter> <mac> [<lat>,<lon>,<accuracy>]`.
 * `counter` increases with every trigger of the phone and is also the idempotency key of the
 * same trigger sent online (`sms-<counter>`), so the SMS and an online retry are one alarm.
 * `mac` = first 16 bytes of HMAC-SHA256(key, smsMacInput(...)), base64url: it proves the SMS
 * came from the enrolled phone; a counter the server has seen by SMS before is a replay.
 */
export const smsKeyword = 'WACHSAM';
export interface SmsAlarm {
  deviceCode: string;
  counter: number;
  mac: string;
  position: { lat: number; lon: number; accuracy: number } | null;
}
export const smsMacInput = (deviceCode: string, counter: number, pos: SmsAlarm['position']): string =>
  `${deviceCode}:${counter}:${pos ? `${pos.lat.toFixed(5)},${pos.lon.toFixed(5)},${Math.round(pos.accuracy)}` : '-'}`;
/** Zero-padded so that even the first trigger's key meets the API's minimum key length. */
export const smsIdempotencyKey = (counter: number): string => `sms-${String(counter).padStart(8, '0')}`;

export function formatSms(a: SmsAlarm): string {
  const pos = a.position
    ? ` ${a.position.lat.toFixed(5)},${a.position.lon.toFixed(5)},${Math.round(a.position.accuracy)}`
    : '';
  return `${smsKeyword} ${a.deviceCode} ${a.counter} ${a.mac}${pos}`;
}

/** Parse an alarm SMS; null when it is not one (malformed). */
export function parseSms(text: string): SmsAlarm | null {
  const m =
    /^\s*WACHSAM\s+([A-Z0-9]{4,12})\s+(\d{1,12})\s+([A-Za-z0-9_-]{16,64})(?:\s+(-?\d{1,3}\.\d{1,8}),(-?\d{1,3}\.\d{1,8}),(\d{1,6}))?\s*$/i.exec(
      text,
    );
  if (!m) return null;
  const [, code, counter, mac, lat, lon, acc] = m;
  const position = lat && lon && acc ? { lat: Number(lat), lon: Number(lon), accuracy: Number(acc) } : null;
  if (position && (Math.abs(position.lat) > 90 || Math.abs(position.lon) > 180)) return null;
  return { deviceCode: code!.toUpperCase(), counter: Number(counter), mac: mac!, position };
}

/** What an SMS gateway posts for an inbound message (generic HTTP gateway). */
export const InboundSms = z
  .object({
    from: text(40).min(1),
    to: text(40).default(''),
    text: safeString().max(1000),
    receivedAt: Timestamp.optional(),
  })
  .strict();
export const InboundSmsResult = z.object({
  accepted: z.boolean(),
  alarmId: Id.nullable(),
  /** Why an SMS was refused: it is logged with this reason. */
  reason: z.enum(['malformed', 'unknown_device', 'forged', 'replayed', 'revoked']).nullable(),
});
export type InboundSmsResult = z.infer<typeof InboundSmsResult>;
/** Header carrying the shared secret of the inbound SMS webhook. */
export const smsGatewaySecretHeader = 'x-wachsam-gateway-secret';

// --- messages on an alarm ---------------------------------------------------------------------

export const MessageInput = z.object({ text: text(1000).min(1, 'Nachricht ist leer') }).strict();
export const AlarmMessage = z.object({
  id: Id,
  alarmId: Id,
  author: z.object({ personId: Id.nullable(), firstName: z.string(), lastName: z.string() }),
  text: z.string(),
  at: Timestamp,
});
export type AlarmMessage = z.infer<typeof AlarmMessage>;

// --- Web Push ---------------------------------------------------------------------------------

export const PushKey = z.object({ publicKey: z.string() });
/** Where the push service takes this browser's messages: an https URL, stored as sent. */
const PushEndpoint = z.url().max(2000).refine(isSafeText, unsafeTextMessage);
export const PushSubscriptionInput = z
  .object({
    endpoint: PushEndpoint,
    keys: z.object({ p256dh: safeString().min(10).max(200), auth: safeString().min(10).max(100) }).strict(),
  })
  .strict();
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionInput>;
export const PushUnsubscribe = z.object({ endpoint: PushEndpoint }).strict();
/** The payload of a push message (encrypted for the subscription); the notification opens `url`. */
export const PushPayload = z.object({
  alarmId: Id,
  title: z.string(),
  body: z.string(),
  url: z.string(),
  test: z.boolean(),
});
export type PushPayload = z.infer<typeof PushPayload>;

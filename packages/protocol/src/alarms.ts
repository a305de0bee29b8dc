import { z } from 'zod';
import { Cursor, EventId, Id, Timestamp, text } from './common.js';
import { Position } from './mobile.js';

export const alarmSources = [
  'hotkey',
  'desktop_icon',
  'tray_icon',
  'hardware_button',
  'network_button',
  'console',
  'mobile',
  'desk_phone',
] as const;
export const AlarmSource = z.enum(alarmSources);
export type AlarmSource = z.infer<typeof AlarmSource>;

export const alarmSourceLabels: Record<AlarmSource, string> = {
  hotkey: 'Tastenkombination Strg+Alt+H',
  desktop_icon: 'Desktop-Symbol',
  tray_icon: 'Symbol in der Taskleiste',
  hardware_button: 'Alarmtaster (USB)',
  network_button: 'Alarmtaster (Netzwerk)',
  console: 'Alarmkonsole',
  mobile: 'Mobiler Alarm',
  desk_phone: 'Taste am Tischtelefon',
};

/**
 * raised → delivered (first receiver got it) → acknowledged (someone is coming) → resolved.
 * A cancel by the sender is a flag, not a state: it may have been forced, so the alarm stays
 * open until a receiver has checked in person and gives the all-clear.
 */
export const alarmStatuses = ['raised', 'delivered', 'acknowledged', 'resolved'] as const;
export const AlarmStatus = z.enum(alarmStatuses);
export type AlarmStatus = z.infer<typeof AlarmStatus>;

export const alarmOutcomes = ['real', 'false_alarm', 'test'] as const;
export const AlarmOutcome = z.enum(alarmOutcomes);
export type AlarmOutcome = z.infer<typeof AlarmOutcome>;

export const responses = ['coming', 'police_called'] as const;
export const Response = z.enum(responses);
export type Response = z.infer<typeof Response>;

export const RaiseAlarmRequest = z
  .object({
    source: AlarmSource,
    /** Test alarm (drill): alerts step 1 only, marked as a test everywhere, never escalates. */
    test: z.boolean().default(false),
    /**
     * Function test of a device: the alarm goes only back to the raising device, proving the
     * whole path (commit, fan-out, receipt) without disturbing anybody. Implies `test`.
     */
    functionTest: z.boolean().default(false),
    /** When the sender pressed (client clock); the server records its own time too. */
    triggeredAt: Timestamp.optional(),
    /** Where the sender is (mobile alarm); the alarm goes out at once without it. */
    position: Position.optional(),
  })
  .strict();
export type RaiseAlarmRequest = z.infer<typeof RaiseAlarmRequest>;

/** Header every raise must carry; a repeat with the same key returns the same alarm. */
export const idempotencyHeader = 'idempotency-key';
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/);

export const Responder = z.object({
  personId: Id,
  firstName: z.string(),
  lastName: z.string(),
  response: Response,
  at: Timestamp,
});
export type Responder = z.infer<typeof Responder>;

export const Alarm = z.object({
  id: Id,
  status: AlarmStatus,
  source: AlarmSource,
  test: z.boolean(),
  functionTest: z.boolean(),
  raisedAt: Timestamp,
  /** When the sender pressed, by the sending device's clock; later than raisedAt is impossible, much earlier means it waited in an outbox. */
  triggeredAt: Timestamp.nullable(),
  sender: z.object({
    personId: Id.nullable(),
    firstName: z.string(),
    lastName: z.string(),
    phone: z.string(),
  }),
  location: z.object({
    building: z.string(),
    address: z.string(),
    floor: z.string(),
    room: z.string(),
    workstation: z.string(),
  }),
  deviceId: Id.nullable(),
  /** The sender's position (mobile alarm, personal button); null for a fixed workplace. */
  position: Position.nullable(),
  /**
   * `live`: sent with the alarm or since; `last_known`: the person's last fix from their phone
   * before the alarm (a personal button has no GPS), to be read with its time.
   */
  positionKind: z.enum(['live', 'last_known']).nullable(),
  /** Address of the known building the position is close to, where there is one. */
  positionAddress: z.string().nullable(),
  /** Escalation step reached, 1-based, and how many the plan has. */
  step: z.number().int(),
  steps: z.number().int(),
  nextEscalationAt: Timestamp.nullable(),
  callPolice: z.boolean(),
  alerted: z.number().int(),
  responders: z.array(Responder),
  cancelledAt: Timestamp.nullable(),
  resolvedAt: Timestamp.nullable(),
  resolvedBy: z.string().nullable(),
  outcome: AlarmOutcome.nullable(),
});
export type Alarm = z.infer<typeof Alarm>;

export const RaiseAlarmResponse = z.object({
  alarm: Alarm,
  /** Receivers with a live connection at the moment of the raise; 0 means warn the sender. */
  receiversOnline: z.number().int(),
  /** True when this answer repeats an earlier raise with the same idempotency key. */
  replayed: z.boolean(),
});
export type RaiseAlarmResponse = z.infer<typeof RaiseAlarmResponse>;

export const RespondRequest = z.object({ response: Response }).strict();
export const ResolveRequest = z.object({ outcome: AlarmOutcome, note: text(2000).default('') }).strict();

export const ReceiverState = z.object({
  personId: Id,
  firstName: z.string(),
  lastName: z.string(),
  step: z.number().int(),
  alertedAt: Timestamp,
  deliveredAt: Timestamp.nullable(),
  /** "Ich komme" and "Polizei verständigt" are separate answers; a helper may give both. */
  comingAt: Timestamp.nullable(),
  policeCalledAt: Timestamp.nullable(),
});
export type ReceiverState = z.infer<typeof ReceiverState>;

export const AlarmDetail = z.object({ alarm: Alarm, receivers: z.array(ReceiverState) });
export type AlarmDetail = z.infer<typeof AlarmDetail>;

/** Newest first; a page ends at `limit`, the next one is fetched with `cursor: nextCursor`. */
export const AlarmListQuery = z
  .object({
    open: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: Cursor.optional(),
  })
  .strict();
export const AlarmList = z.object({
  alarms: z.array(Alarm),
  /** The next (older) page; null when this was the last. */
  nextCursor: Cursor.nullable(),
  /** Ids of the listed alarms the caller was alerted for (show the full-screen alert after a reload). */
  forYou: z.array(Id),
  /** Resume the realtime stream from here: nothing after this id is in the list. */
  lastEventId: EventId,
});
export type AlarmList = z.infer<typeof AlarmList>;

/**
 * A network button press. Over HTTP the button is known by its device token; over MQTT by the
 * topic (see mqttButtonTopic). `pressId` is the idempotency key: a button that repeats a press
 * because it got no answer raises one alarm, not two.
 */
export const ButtonPress = z.object({ pressId: IdempotencyKey, test: z.boolean().default(false) }).strict();
export type ButtonPress = z.infer<typeof ButtonPress>;

/** MQTT topic a network button publishes to: wachsam/<org slug>/buttons/<buttonId>/press */
export const mqttButtonTopic = (orgSlug: string, buttonId: string): string =>
  `wachsam/${orgSlug}/buttons/${buttonId}/press`;

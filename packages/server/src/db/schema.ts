import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AlarmPlanInput, PlanStep, Position, Role } from '@wachsam/protocol';

const id = () => uuid('id').primaryKey().defaultRandom();
const orgId = () =>
  uuid('org_id')
    .notNull()
    .references(() => organisations.id, { onDelete: 'cascade' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const organisations = pgTable('organisations', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const departments = pgTable('departments', { id: id(), orgId: orgId(), name: text('name').notNull() }, (t) => [
  index('departments_org').on(t.orgId),
]);

export const buildings = pgTable(
  'buildings',
  { id: id(), orgId: orgId(), name: text('name').notNull(), address: text('address').notNull().default('') },
  (t) => [index('buildings_org').on(t.orgId)],
);

export const floors = pgTable(
  'floors',
  {
    id: id(),
    orgId: orgId(),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    level: integer('level').notNull(),
  },
  (t) => [index('floors_org').on(t.orgId)],
);

export const rooms = pgTable(
  'rooms',
  {
    id: id(),
    orgId: orgId(),
    floorId: uuid('floor_id')
      .notNull()
      .references(() => floors.id, { onDelete: 'restrict' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
  },
  (t) => [index('rooms_org').on(t.orgId)],
);

export const people = pgTable(
  'people',
  {
    id: id(),
    orgId: orgId(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    phone: text('phone').notNull().default(''),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    login: text('login'),
    passwordHash: text('password_hash'),
    roles: text('roles')
      .array()
      .$type<Role[]>()
      .notNull()
      .default(sql`'{employee}'`),
  },
  (t) => [index('people_org').on(t.orgId), uniqueIndex('people_login').on(t.login)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a database leak does not hand out sessions. */
    tokenHash: text('token_hash').primaryKey(),
    orgId: orgId(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('sessions_person').on(t.personId)],
);

export const alarmGroups = pgTable('alarm_groups', { id: id(), orgId: orgId(), name: text('name').notNull() }, (t) => [
  index('alarm_groups_org').on(t.orgId),
]);

export const alarmGroupMembers = pgTable(
  'alarm_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => alarmGroups.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.personId] })],
);

export const alarmPlans = pgTable(
  'alarm_plans',
  {
    id: id(),
    orgId: orgId(),
    name: text('name').notNull(),
    scope: jsonb('scope').$type<AlarmPlanInput['scope']>().notNull(),
    steps: jsonb('steps').$type<PlanStep[]>().notNull(),
  },
  (t) => [index('alarm_plans_org').on(t.orgId)],
);

export const devices = pgTable(
  'devices',
  {
    id: id(),
    orgId: orgId(),
    kind: text('kind').$type<'workstation' | 'button' | 'phone'>().notNull(),
    name: text('name').notNull(),
    /** Null for a phone: it moves with its person. */
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'restrict' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    externalId: text('external_id'),
    functionTestHours: integer('function_test_hours').notNull().default(24),
    tokenHash: text('token_hash'),
    enrolmentCodeHash: text('enrolment_code_hash'),
    enrolmentExpiresAt: at('enrolment_expires_at'),
    revokedAt: at('revoked_at'),
    lastSeenAt: at('last_seen_at'),
    online: boolean('online').notNull().default(false),
    /** Phones: the code naming the phone in an alarm SMS, its HMAC key, and the highest SMS counter accepted (replay guard). */
    smsCode: text('sms_code'),
    smsKey: text('sms_key'),
    smsCounter: integer('sms_counter').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('devices_org').on(t.orgId),
    uniqueIndex('devices_sms_code').on(t.smsCode),
    uniqueIndex('devices_token').on(t.tokenHash),
    uniqueIndex('devices_enrolment_code').on(t.enrolmentCodeHash),
    uniqueIndex('devices_external').on(t.orgId, t.externalId),
  ],
);

export interface SenderSnapshot {
  personId: string | null;
  firstName: string;
  lastName: string;
  phone: string;
}
export interface LocationSnapshot {
  roomId: string | null;
  floorId: string | null;
  buildingId: string | null;
  departmentId: string | null;
  building: string;
  address: string;
  floor: string;
  room: string;
  workstation: string;
}

export const alarms = pgTable(
  'alarms',
  {
    id: id(),
    orgId: orgId(),
    /** Who may repeat this key: `device:<id>` or `person:<id>`; keys never cross senders. */
    idempotencyScope: text('idempotency_scope').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestFingerprint: text('request_fingerprint').notNull(),
    status: text('status').$type<'raised' | 'delivered' | 'acknowledged' | 'resolved'>().notNull(),
    source: text('source').notNull(),
    test: boolean('test').notNull(),
    functionTest: boolean('function_test').notNull(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    /** Last known position of a mobile sender; updated while the alarm is open. */
    position: jsonb('position').$type<Position>(),
    /** Server time the position was last stored: updates are taken at most every 5 s. */
    positionStoredAt: at('position_stored_at'),
    sender: jsonb('sender').$type<SenderSnapshot>().notNull(),
    location: jsonb('location').$type<LocationSnapshot>().notNull(),
    /** The plan as it was at the raise: editing a plan never changes a running alarm. */
    steps: jsonb('steps').$type<PlanStep[]>().notNull(),
    step: integer('step').notNull(),
    nextEscalationAt: at('next_escalation_at'),
    raisedAt: at('raised_at').notNull(),
    triggeredAt: at('triggered_at'),
    cancelledAt: at('cancelled_at'),
    resolvedAt: at('resolved_at'),
    resolvedBy: text('resolved_by'),
    outcome: text('outcome').$type<'real' | 'false_alarm' | 'test'>(),
    note: text('note').notNull().default(''),
  },
  (t) => [
    uniqueIndex('alarms_idempotency').on(t.orgId, t.idempotencyScope, t.idempotencyKey),
    index('alarms_open').on(t.orgId, t.resolvedAt),
    index('alarms_escalation').on(t.nextEscalationAt),
  ],
);

export const alarmReceivers = pgTable(
  'alarm_receivers',
  {
    alarmId: uuid('alarm_id')
      .notNull()
      .references(() => alarms.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** 0: not alerted by the plan, but responded from the overview (security desk). */
    step: integer('step').notNull(),
    alertedAt: at('alerted_at').notNull(),
    deliveredAt: at('delivered_at'),
    response: text('response').$type<'coming' | 'police_called'>(),
    respondedAt: at('responded_at'),
  },
  (t) => [primaryKey({ columns: [t.alarmId, t.personId] }), index('alarm_receivers_person').on(t.personId)],
);

/**
 * The realtime stream. Ids are allocated under a per-organisation advisory lock held until
 * commit, so within an organisation ids become visible in id order: a client that resumes
 * with "everything after N" can never miss an event that committed late with a lower id.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    orgId: orgId(),
    type: text('type').notNull(),
    alarmId: uuid('alarm_id'),
    deviceId: uuid('device_id'),
    payload: jsonb('payload').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('events_org_id').on(t.orgId, t.id)],
);

/** Live WebSocket connections of every instance: who is online to receive an alarm. */
export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    orgId: orgId(),
    instanceId: text('instance_id').notNull(),
    personId: uuid('person_id'),
    deviceId: uuid('device_id'),
    lastSeenAt: at('last_seen_at').notNull(),
  },
  (t) => [index('connections_person').on(t.personId)],
);

export const functionTests = pgTable(
  'function_tests',
  {
    id: id(),
    orgId: orgId(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    trigger: text('trigger').$type<'start' | 'scheduled' | 'manual'>().notNull(),
    requestedAt: at('requested_at').notNull(),
    completedAt: at('completed_at'),
    result: text('result').$type<'passed' | 'failed' | 'pending'>().notNull(),
    detail: text('detail').notNull().default(''),
    alarmId: uuid('alarm_id'),
  },
  (t) => [index('function_tests_device').on(t.deviceId, t.requestedAt)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    orgId: uuid('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
    at: at('at').notNull(),
    actor: text('actor').notNull(),
    actorPersonId: uuid('actor_person_id'),
    actorDeviceId: uuid('actor_device_id'),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('audit_org_id').on(t.orgId, t.id)],
);

/** Text messages in an alarm's thread (mobile alarm: receiver ↔ sender). */
export const alarmMessages = pgTable(
  'alarm_messages',
  {
    id: id(),
    orgId: orgId(),
    alarmId: uuid('alarm_id')
      .notNull()
      .references(() => alarms.id, { onDelete: 'cascade' }),
    authorPersonId: uuid('author_person_id').references(() => people.id, { onDelete: 'set null' }),
    authorName: jsonb('author_name').$type<{ firstName: string; lastName: string }>().notNull(),
    text: text('text').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('alarm_messages_alarm').on(t.alarmId, t.at)],
);

/** Web Push subscriptions, per person and device; removed when the push service rejects them. */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: id(),
    orgId: orgId(),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('push_subscriptions_person').on(t.personId)],
);

/** Installation-wide settings the server creates itself (e.g. the VAPID key pair). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

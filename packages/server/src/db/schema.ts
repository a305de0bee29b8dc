import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
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
  {
    id: id(),
    orgId: orgId(),
    name: text('name').notNull(),
    address: text('address').notNull().default(''),
    /** Optional coordinates: a mobile alarm near the building is shown with its address. */
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
  },
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
    /**
     * Who set the current password when it was not its holder (an administrator's reset): they
     * know it. Null: chosen by the holder, or set at setup or by the operator on the server. A
     * four-eyes role is confirmed only for a person whose password nobody else knows.
     */
    passwordSetBy: text('password_set_by'),
    roles: text('roles')
      .array()
      .$type<Role[]>()
      .notNull()
      .default(sql`'{employee}'`),
    /**
     * Where the person's phone last saw them (only the latest fix is kept, overwritten): a
     * personal network button raises with it, so receivers know where to go.
     */
    lastPosition: jsonb('last_position').$type<Position>(),
    lastPositionStoredAt: at('last_position_stored_at'),
    email: text('email'),
    /**
     * The person's id in the directory that manages them (AD objectGUID, Entra object id, SCIM
     * externalId); null for a person entered by hand.
     */
    externalId: text('external_id'),
    /** Which directory keeps the person up to date: 'ldap', 'scim', or null (by hand, CSV). */
    managedBy: text('managed_by').$type<'ldap' | 'scim'>(),
    /**
     * Deactivated (left, disabled in the directory): no login, no devices, alerted by no alarm;
     * the person and their history stay. Null: active.
     */
    deactivatedAt: at('deactivated_at'),
  },
  (t) => [
    index('people_org').on(t.orgId),
    uniqueIndex('people_login').on(t.login),
    uniqueIndex('people_external').on(t.orgId, t.externalId),
  ],
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

/**
 * Four eyes for the roles that open the register (and for the administration): a grant by one
 * administrator waits here until a second, different person confirms or rejects it. Decided rows
 * stay as the record of who asked, who decided and when (the audit log has the same facts).
 */
export const roleRequests = pgTable(
  'role_requests',
  {
    id: id(),
    orgId: orgId(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    requestedById: uuid('requested_by_id').references(() => people.id, { onDelete: 'set null' }),
    /** Name and login of the requester as they were: the record outlives the account. */
    requestedBy: text('requested_by').notNull(),
    requestedAt: at('requested_at').notNull(),
    decision: text('decision').$type<'approved' | 'rejected'>(),
    decidedById: uuid('decided_by_id').references(() => people.id, { onDelete: 'set null' }),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
  },
  (t) => [
    index('role_requests_org').on(t.orgId, t.decidedAt),
    // One open request per person and role: asking twice is the same request.
    uniqueIndex('role_requests_open')
      .on(t.personId, t.role)
      .where(sql`decided_at is null`),
  ],
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
    kind: text('kind').$type<'workstation' | 'button' | 'phone' | 'desk_phone'>().notNull(),
    name: text('name').notNull(),
    /** Null for a phone: it moves with its person. */
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'restrict' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    externalId: text('external_id'),
    /** Normalised hostname of a PC enrolled with the organisation token: its room follows `host_mappings`. */
    hostname: text('hostname'),
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
    /** Phones count triggers in Unix seconds (unique after a storage loss): beyond 2038 as bigint. */
    smsCounter: bigint('sms_counter', { mode: 'number' }).notNull().default(0),
    /** Desk phones: the SHA-256 of the secret in their action URL, and where their requests may come from (`AllowedSources`). */
    actionSecretHash: text('action_secret_hash'),
    allowedSources: text('allowed_sources'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('devices_org').on(t.orgId),
    uniqueIndex('devices_sms_code').on(t.smsCode),
    uniqueIndex('devices_token').on(t.tokenHash),
    uniqueIndex('devices_action_secret').on(t.actionSecretHash),
    uniqueIndex('devices_enrolment_code').on(t.enrolmentCodeHash),
    uniqueIndex('devices_external').on(t.orgId, t.externalId),
    uniqueIndex('devices_hostname').on(t.orgId, t.hostname),
  ],
);

/** Organisation enrolment tokens: a PC enrols itself with one (software distribution), found by hostname. */
export const enrolmentTokens = pgTable(
  'enrolment_tokens',
  {
    id: id(),
    orgId: orgId(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** Scope: only PCs mapped into this department or building. Deleting it ends the token. */
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'cascade' }),
    buildingId: uuid('building_id').references(() => buildings.id, { onDelete: 'cascade' }),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    uses: integer('uses').notNull().default(0),
    lastUsedAt: at('last_used_at'),
    /**
     * For terminal servers: a session enrols its client again at every start, taking over the
     * client's device. Off by default: the token sits in install scripts, and a takeover cuts
     * the real PC off.
     */
    reenrol: boolean('reenrol').notNull().default(false),
  },
  (t) => [index('enrolment_tokens_org').on(t.orgId), uniqueIndex('enrolment_tokens_hash').on(t.tokenHash)],
);

/** Hostname → room (and person): where a PC that enrolled with the organisation token stands. */
export const hostMappings = pgTable(
  'host_mappings',
  {
    id: id(),
    orgId: orgId(),
    hostname: text('hostname').notNull(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'restrict' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('host_mappings_host').on(t.orgId, t.hostname)],
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
    /** Whether the position came with the alarm ('live') or is the person's last known one. */
    positionKind: text('position_kind').$type<'live' | 'last_known'>(),
    /** The nearest known building's address, when the position is close to one. */
    positionAddress: text('position_address'),
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

/**
 * Who each step of an alarm alerted: one row per step with the people as an array, written in
 * the raise's (or escalation's) one statement whatever their number. A person is in one step
 * at most. Per-person state (receipt, answers) is in `alarm_receivers`, written when it happens.
 */
export const alarmSteps = pgTable(
  'alarm_steps',
  {
    alarmId: uuid('alarm_id')
      .notNull()
      .references(() => alarms.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    alertedAt: at('alerted_at').notNull(),
    personIds: uuid('person_ids').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.alarmId, t.step] })],
);

/**
 * What happened per person on an alarm: the receipt of an alerted receiver and the answers of
 * anyone who responded (step 0: a volunteer from the overview, not alerted by the plan). A row is
 * written when the first of these happens; who was alerted is in `alarm_steps`.
 */
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
    /** "Ich komme" and "Polizei verständigt" are separate answers: a helper may give both. */
    comingAt: at('coming_at'),
    policeCalledAt: at('police_called_at'),
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
  // `at`: the retention prunes by age; `alarm_id`: an alarm's events are deleted with it.
  (t) => [index('events_org_id').on(t.orgId, t.id), index('events_at').on(t.at), index('events_alarm').on(t.alarmId)],
);

/**
 * Live WebSocket connections of every instance that are being heard: who is online to receive
 * an alarm. A row is written when a connection opens or is heard again after a silence, and
 * deleted when it closes or goes silent: never refreshed while it is simply alive (that is the
 * instance's heartbeat, `instances`), so presence writes do not grow with the connections.
 */
export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    orgId: orgId(),
    instanceId: text('instance_id').notNull(),
    personId: uuid('person_id'),
    deviceId: uuid('device_id'),
    /** When the connection was last heard as the row was written (opened, or heard again). */
    lastSeenAt: at('last_seen_at').notNull(),
  },
  (t) => [
    index('connections_person').on(t.personId),
    index('connections_device').on(t.deviceId),
    index('connections_instance').on(t.instanceId),
  ],
);

/** Server instances and their heartbeat: a connection counts only while its instance is heard. */
export const instances = pgTable('instances', {
  id: text('id').primaryKey(),
  heardAt: at('heard_at').notNull(),
});

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
    /**
     * Written on an act of the person who reported an incident (submitting, evidence added, the
     * report reduced to its count at submission): it names no person and is not listed to the
     * administration, where its time next to that person's login would name them.
     */
    reporterSide: boolean('reporter_side').notNull().default(false),
  },
  // `subject`: what the audit says about a record is deleted with the record.
  (t) => [index('audit_org_id').on(t.orgId, t.id), index('audit_subject').on(t.orgId, t.subject)],
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
/**
 * Single sign-on: one OpenID Connect provider per organisation (Entra ID, ADFS, Keycloak). The
 * client secret is write-only for administration (never sent back).
 */
export const identityProviders = pgTable('identity_providers', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(true),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  clientSecret: text('client_secret'),
  /** The claim with groups or roles (Entra: `groups` or `roles`, Keycloak: a mapper's name). */
  rolesClaim: text('roles_claim').notNull().default('groups'),
  /** Claim value (group id or name) → Wachsam roles. */
  roleMapping: jsonb('role_mapping').$type<Record<string, Role[]>>().notNull().default({}),
  /** May a first login create the person (just in time)? Only where no directory sync owns people. */
  createPeople: boolean('create_people').notNull().default(false),
  /** Local passwords off: only the break-glass administrator still logs in with a password. */
  localPasswords: boolean('local_passwords').notNull().default(true),
  breakGlassLogin: text('break_glass_login'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Directory sources (LDAP / Active Directory) of an organisation: what to read and how to map it. */
export const directorySources = pgTable(
  'directory_sources',
  {
    id: id(),
    orgId: orgId(),
    name: text('name').notNull(),
    /** Connection, filters and mappings, shaped by the protocol's `LdapSettings`. */
    settings: jsonb('settings').notNull(),
    /** The bind password: write-only for administration. */
    bindPassword: text('bind_password'),
    /** Minutes between scheduled runs; null: only by hand. */
    everyMinutes: integer('every_minutes'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('directory_sources_org').on(t.orgId)],
);

/** One run of a directory sync, dry or applied, with its report (added, changed, deactivated, refused). */
export const directoryRuns = pgTable(
  'directory_runs',
  {
    id: id(),
    orgId: orgId(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => directorySources.id, { onDelete: 'cascade' }),
    startedAt: at('started_at').notNull(),
    finishedAt: at('finished_at'),
    dryRun: boolean('dry_run').notNull(),
    /** 'running', 'done', 'failed', or 'held' (it would leave a step below its minimum: not applied). */
    status: text('status').notNull(),
    startedBy: text('started_by').notNull(),
    report: jsonb('report'),
  },
  (t) => [index('directory_runs_source').on(t.sourceId, t.startedAt)],
);

/** Bearer tokens of the SCIM 2.0 endpoint (Entra ID provisioning), one organisation each. */
export const scimTokens = pgTable(
  'scim_tokens',
  {
    id: id(),
    orgId: orgId(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    revokedAt: at('revoked_at'),
    lastUsedAt: at('last_used_at'),
  },
  (t) => [uniqueIndex('scim_tokens_hash').on(t.tokenHash)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

// --- ZeMAG: reports, register, statistics (issue 4) ---

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** Per-organisation ZeMAG settings (level mapping, review and retention periods); JSON shaped by the protocol. */
export const zemagSettings = pgTable('zemag_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
});

/** Per-organisation contact details the Art. 14/15 letters carry (controller, DPO, supervisory authority); JSON shaped by the protocol. */
export const privacyContacts = pgTable('privacy_contacts', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
});

/**
 * Incident reports (Meldungen). The form's content lives in `data` (shaped by the protocol);
 * the columns are what the workflow and its queries need. A report below the entry threshold
 * keeps no person data: it is deleted once its anonymous fact is written.
 */
export const incidentReports = pgTable(
  'incident_reports',
  {
    id: id(),
    orgId: orgId(),
    reporterPersonId: uuid('reporter_person_id').references(() => people.id, { onDelete: 'set null' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    status: text('status').notNull(),
    /**
     * When it happened, set from the checked form at submission. A draft keeps the form as typed
     * in `data`; while its time is not (yet) valid this holds the time the draft was saved.
     */
    occurredAt: at('occurred_at').notNull(),
    level: integer('level').notNull(),
    categories: text('categories').array().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    alarmId: uuid('alarm_id').references(() => alarms.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    submittedAt: at('submitted_at'),
    publishedAt: at('published_at'),
    /**
     * Below the register threshold, sent on only for the Strafanzeige/Strafantrag the reporter
     * asked for: supervisor and HR, never the central unit; reduced to the anonymous count once
     * HR has decided. Set at each submission.
     */
    complaintOnly: boolean('complaint_only').notNull().default(false),
    /** The published warning, built from an allow-list of fields: never holds reporter data. */
    warning: jsonb('warning').$type<Record<string, unknown>>(),
    /** The reporter's Idempotency-Key of the create: a retried create finds this draft again. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    index('incident_reports_org_status').on(t.orgId, t.status),
    index('incident_reports_reporter').on(t.reporterPersonId),
    // The alarm retention asks whether a kept report names an alarm.
    index('incident_reports_alarm').on(t.alarmId),
    uniqueIndex('incident_reports_idempotency').on(t.orgId, t.reporterPersonId, t.idempotencyKey),
  ],
);

/** Every workflow step of a report: who, when, from which state to which, with what comment. */
export const reportTransitions = pgTable(
  'report_transitions',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    orgId: orgId(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => incidentReports.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status').notNull(),
    toStatus: text('to_status').notNull(),
    at: at('at').notNull(),
    actorPersonId: uuid('actor_person_id').references(() => people.id, { onDelete: 'set null' }),
    actorRole: text('actor_role').notNull(),
    comment: text('comment').notNull().default(''),
  },
  (t) => [index('report_transitions_report').on(t.reportId, t.id)],
);

/** Evidence files of a report, with their SHA-256 and upload time. */
export const reportAttachments = pgTable(
  'report_attachments',
  {
    id: id(),
    orgId: orgId(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => incidentReports.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedAt: at('uploaded_at').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => people.id, { onDelete: 'set null' }),
    content: bytea('content').notNull(),
  },
  (t) => [index('report_attachments_report').on(t.reportId)],
);

/**
 * Anonymous facts for statistics, one per submitted incident: month, department, categories,
 * level. No person, no text. `reportId` links a fact to a report that is still kept, so a
 * resubmitted report updates its fact instead of counting twice.
 */
export const incidentFacts = pgTable(
  'incident_facts',
  {
    id: id(),
    orgId: orgId(),
    reportId: uuid('report_id')
      .unique()
      .references(() => incidentReports.id, { onDelete: 'set null' }),
    month: date('month', { mode: 'string' }).notNull(),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    mainCategory: text('main_category').notNull(),
    categories: text('categories').array().notNull(),
    level: integer('level').notNull(),
  },
  (t) => [index('incident_facts_org_month').on(t.orgId, t.month)],
);

/**
 * The facts counted by month, department, main category and level: the cube every statistic is
 * a sum of, kept by triggers on `incident_facts` (migration 0018) in the statement that changes
 * a fact, so it is never behind. The Lagebild reads a few thousand rows here instead of grouping
 * a million facts while alarms wait for the database. A key whose facts are gone keeps n = 0.
 */
export const incidentFactCounts = pgTable(
  'incident_fact_counts',
  {
    orgId: orgId(),
    month: date('month', { mode: 'string' }).notNull(),
    // No foreign key: a removed department moves its facts to "no department" through the
    // facts' own foreign key and their update trigger.
    departmentId: uuid('department_id'),
    mainCategory: text('main_category').notNull(),
    level: integer('level').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    uniqueIndex('incident_fact_counts_key').on(
      t.orgId,
      t.month,
      sql`coalesce(${t.departmentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.mainCategory,
      t.level,
    ),
  ],
);

/** Dated protection measures (training, alarm roll-out) for before/after comparisons. */
export const protectionMeasures = pgTable(
  'protection_measures',
  {
    id: id(),
    orgId: orgId(),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
  },
  (t) => [index('protection_measures_org').on(t.orgId)],
);

/** Catalogue of help offers shown after a report or a resolved alarm. */
export const helpOffers = pgTable(
  'help_offers',
  {
    id: id(),
    orgId: orgId(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    contact: text('contact').notNull().default(''),
    sortOrder: integer('sort_order').notNull().default(0),
    active: boolean('active').notNull().default(true),
  },
  (t) => [index('help_offers_org').on(t.orgId)],
);

/** Aftercare follow-ups (debrief) for a supervisor after a report or a resolved alarm. */
export const aftercareTasks = pgTable(
  'aftercare_tasks',
  {
    id: id(),
    orgId: orgId(),
    kind: text('kind').notNull(),
    reportId: uuid('report_id').references(() => incidentReports.id, { onDelete: 'cascade' }),
    alarmId: uuid('alarm_id').references(() => alarms.id, { onDelete: 'cascade' }),
    assigneePersonId: uuid('assignee_person_id').references(() => people.id, { onDelete: 'set null' }),
    affectedPersonId: uuid('affected_person_id').references(() => people.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull(),
    dueAt: at('due_at').notNull(),
    doneAt: at('done_at'),
    note: text('note').notNull().default(''),
  },
  // By report and alarm: they are deleted with them.
  (t) => [
    index('aftercare_tasks_assignee').on(t.assigneePersonId, t.doneAt),
    index('aftercare_tasks_report').on(t.reportId),
    index('aftercare_tasks_alarm').on(t.alarmId),
  ],
);

/**
 * Melde- und Auskunftsregister (§ 3 BSchG NRW). Only the register domain reads this table,
 * through the one function that logs the access.
 */
export const registerEntries = pgTable(
  'register_entries',
  {
    id: id(),
    orgId: orgId(),
    /** Normalised "lastname|firstname" of the name itself: sort order and the list's name filter. */
    nameKey: text('name_key').notNull(),
    /** Every key the lookup finds the entry by: the name's and each alias's "last|first" (names.ts). */
    nameKeys: text('name_keys').array().notNull(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    birthDate: date('birth_date', { mode: 'string' }),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    level: integer('level').notNull(),
    sourceReportId: uuid('source_report_id').references(() => incidentReports.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull(),
    createdBy: uuid('created_by').references(() => people.id, { onDelete: 'set null' }),
    reviewAt: date('review_at', { mode: 'string' }).notNull(),
    deleteAt: date('delete_at', { mode: 'string' }).notNull(),
    deletionWarnedAt: at('deletion_warned_at'),
    /** Art. 14 GDPR notification task: open / sent / deferred, with dates and reason. */
    notification: jsonb('notification').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    index('register_entries_name').on(t.orgId, t.nameKey),
    index('register_entries_keys').using('gin', t.nameKeys),
    index('register_entries_review').on(t.orgId, t.reviewAt),
    index('register_entries_delete').on(t.deleteAt),
    // A deleted report unlinks the entries it was the source of.
    index('register_entries_source').on(t.sourceReportId),
  ],
);

/**
 * Access log of the register: append-only, one hash chain per organisation. Every row's hash
 * covers its content and the previous row's hash; a changed row breaks the chain there.
 */
export const registerAccessLog = pgTable(
  'register_access_log',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    orgId: orgId(),
    at: at('at').notNull(),
    actorPersonId: uuid('actor_person_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    purpose: text('purpose').notNull(),
    caseReference: text('case_reference').notNull().default(''),
    /** The legal basis of the access, e.g. "§ 3 BSchG NRW i. V. m. Art. 6 Abs. 1 lit. e DSGVO". */
    legalBasis: text('legal_basis').notNull().default(''),
    query: jsonb('query').$type<Record<string, unknown>>().notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    /** The previous row of this organisation's chain (null for its first row): tells a pruned gap from a deleted row. */
    prevSeq: bigint('prev_seq', { mode: 'bigint' }),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** Kept beyond the one-year deletion while a data-protection control needs it. */
    heldUntil: date('held_until', { mode: 'string' }),
  },
  (t) => [
    index('register_access_log_org').on(t.orgId, t.seq),
    index('register_access_log_at').on(t.orgId, t.at),
    // One successor per row and one chain start per organisation: a fork fails the insert.
    uniqueIndex('register_access_log_successor').on(t.orgId, sql`coalesce(${t.prevSeq}, 0)`),
  ],
);

/**
 * The keyed head of each organisation's access-log chain: the last row's seq and hash with an
 * HMAC under the register log key (outside the database). Written with every append, so a chain
 * whose newest rows were deleted no longer ends where its head says, and an organisation whose
 * rows are all gone still has a head that names them.
 */
export const registerLogHeads = pgTable('register_log_heads', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
  hash: text('hash').notNull(),
  mac: text('mac').notNull(),
});

import { z } from 'zod';
import { Id, Name, Phone, Role, Timestamp, text } from './common.js';

export const Organisation = z.object({ id: Id, slug: z.string(), name: z.string() });
export type Organisation = z.infer<typeof Organisation>;

export const DepartmentInput = z.object({ name: Name }).strict();
export const Department = DepartmentInput.extend({ id: Id });
export type Department = z.infer<typeof Department>;

export const BuildingInput = z
  .object({
    name: Name,
    address: text(300).default(''),
    /** Optional: a mobile alarm close to the building is shown with the building's address. */
    latitude: z.number().min(-90).max(90).nullable().default(null),
    longitude: z.number().min(-180).max(180).nullable().default(null),
  })
  .strict()
  .refine((b) => (b.latitude === null) === (b.longitude === null), {
    message: 'Breite und Länge nur zusammen angeben',
    path: ['longitude'],
  });
export const Building = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
});
export type Building = z.infer<typeof Building>;

export const FloorInput = z.object({ buildingId: Id, name: Name, level: z.number().int().min(-10).max(200) }).strict();
export const Floor = FloorInput.extend({ id: Id });
export type Floor = z.infer<typeof Floor>;

export const RoomInput = z.object({ floorId: Id, name: Name, departmentId: Id.nullable().default(null) }).strict();
export const Room = RoomInput.extend({ id: Id });
export type Room = z.infer<typeof Room>;

export const PersonInput = z
  .object({
    firstName: Name,
    lastName: Name,
    phone: Phone.default(''),
    departmentId: Id.nullable().default(null),
    /** The person's usual workplace: where "same floor / building" alarm targets find them. */
    roomId: Id.nullable().default(null),
    /** Login for the web console; null: the person has no account (e.g. only a desk agent). */
    login: text(200).toLowerCase().min(3).nullable().default(null),
    roles: z.array(Role).min(1).default(['employee']),
    /** Left out: kept as it is (the directory may have set it). */
    email: text(320).nullable().optional(),
    /** Read-only, from the directory: a person sent back as it was read is accepted, these are ignored. */
    managedBy: z.enum(['ldap', 'scim']).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type PersonInput = z.infer<typeof PersonInput>;
export const Person = z.object({
  id: Id,
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string(),
  departmentId: Id.nullable(),
  roomId: Id.nullable(),
  login: z.string().nullable(),
  roles: z.array(Role),
  email: z.string().nullable(),
  /** Which directory keeps the person up to date ('ldap', 'scim'); null: entered by hand or CSV. */
  managedBy: z.enum(['ldap', 'scim']).nullable(),
  /** Deactivated people (left, disabled in the directory) log in and are alerted no more. */
  active: z.boolean(),
});
export type Person = z.infer<typeof Person>;

export const AlarmGroupInput = z.object({ name: Name, memberIds: z.array(Id).max(1000).default([]) }).strict();
export const AlarmGroup = z.object({ id: Id, name: z.string(), memberIds: z.array(Id) });
export type AlarmGroup = z.infer<typeof AlarmGroup>;

/**
 * Who an escalation step alerts. Relative targets ("floor", "department", "building") are
 * resolved against the room the alarm was raised in, so one default plan serves every room.
 */
export const StepTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), personId: Id }).strict(),
  z.object({ kind: z.literal('group'), groupId: Id }).strict(),
  z.object({ kind: z.literal('role'), role: Role }).strict(),
  z.object({ kind: z.literal('same_floor') }).strict(),
  z.object({ kind: z.literal('same_department') }).strict(),
  z.object({ kind: z.literal('same_building') }).strict(),
]);
export type StepTarget = z.infer<typeof StepTarget>;

export const PlanStep = z
  .object({
    targets: z.array(StepTarget).min(1, 'jede Stufe braucht mindestens ein Ziel').max(100),
    /** Seconds without an acknowledgement before the next step is alerted. */
    timeoutSeconds: z.number().int().min(5).max(3600),
    /** Show receivers of this step the prompt to call the police (110). */
    callPolice: z.boolean().default(false),
    /**
     * Mindestanzahl Empfänger: when fewer of this step's receivers are online (heard from within
     * the offline limit) at the moment it is alerted, the next step is alerted at once instead of
     * after the timeout. 0 turns it off for the step.
     */
    minOnline: z.number().int().min(0).max(100).default(1),
  })
  .strict();
export type PlanStep = z.infer<typeof PlanStep>;
/** The step's minimum of online receivers; plans stored before it existed count as 1. */
export const minOnlineOf = (step: Pick<PlanStep, 'minOnline'> | { minOnline?: number }): number => step.minOnline ?? 1;

export const PlanScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('organisation') }).strict(),
  z.object({ kind: z.literal('department'), departmentId: Id }).strict(),
  z.object({ kind: z.literal('room'), roomId: Id }).strict(),
]);
export type PlanScope = z.infer<typeof PlanScope>;

export const AlarmPlanInput = z
  .object({ name: Name, scope: PlanScope, steps: z.array(PlanStep).min(1).max(10) })
  .strict();
export type AlarmPlanInput = z.infer<typeof AlarmPlanInput>;
export const AlarmPlan = AlarmPlanInput.extend({ id: Id });
export type AlarmPlan = z.infer<typeof AlarmPlan>;

/** The default plan of a new organisation (issue 2): floor/department 30 s, building + desk 60 s, control centre. */
export const defaultPlanSteps: PlanStep[] = [
  {
    targets: [{ kind: 'same_floor' }, { kind: 'same_department' }],
    timeoutSeconds: 30,
    callPolice: false,
    minOnline: 1,
  },
  {
    targets: [{ kind: 'same_building' }, { kind: 'role', role: 'security_desk' }],
    timeoutSeconds: 60,
    callPolice: false,
    minOnline: 1,
  },
  { targets: [{ kind: 'role', role: 'control_centre' }], timeoutSeconds: 120, callPolice: true, minOnline: 1 },
];

export const deviceKinds = ['workstation', 'button', 'phone', 'desk_phone'] as const;
export const DeviceKind = z.enum(deviceKinds);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** Kinds an administrator sets up; phones are enrolled by their owner in the mobile app. */
export const administeredDeviceKinds = ['workstation', 'button', 'desk_phone'] as const;

/** One address or network (`10.1.2.3`, `10.1.2.0/24`, IPv6 alike). */
const SourceAddress = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

/** The entries of an allowed-senders text (`10.1.2.30, 10.1.3.0/24`). */
export const sourceAddresses = (v: string | null): string[] =>
  (v ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

/**
 * The addresses a desk phone's requests may come from, comma-separated; null or empty: any address
 * (the phone's secret alone decides). The server keeps them as `a, b`.
 */
export const AllowedSources = text(500)
  .refine((v) => sourceAddresses(v).every((a) => SourceAddress.safeParse(a).success), {
    message: 'IP-Adressen oder Netze mit Komma trennen, z. B. 10.1.2.30, 10.1.3.0/24',
  })
  .nullable()
  .default(null);

export const DeviceInput = z
  .object({
    kind: z.enum(administeredDeviceKinds),
    name: Name,
    /** A workstation stands in a room. A button has a room, or is personal: bound to a person and carried. */
    roomId: Id.nullable().default(null),
    personId: Id.nullable().default(null),
    /** For network buttons: the id the button sends over MQTT or HTTP (e.g. its MAC). */
    externalId: text(100).min(1).nullable().default(null),
    /** Desk phones: the addresses their requests may come from (empty: any); ignored for other kinds. */
    allowedSources: AllowedSources,
    /** Scheduled function test interval in hours; 0 = only at agent start. */
    functionTestHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 31)
      .default(24),
  })
  .strict()
  .refine((d) => d.roomId !== null || (d.kind === 'button' && d.personId !== null), {
    message: 'Raum angeben (ein Taster ohne Raum muss einer Person zugeordnet sein)',
    path: ['roomId'],
  });
export type DeviceInput = z.infer<typeof DeviceInput>;

export const Device = z.object({
  id: Id,
  kind: DeviceKind,
  name: z.string(),
  /** Null for a phone: it moves with its person. */
  roomId: Id.nullable(),
  personId: Id.nullable(),
  externalId: z.string().nullable(),
  /** Desk phones: the addresses their requests may come from (null: any). */
  allowedSources: z.string().nullable(),
  /** The PC's name, for one that enrolled with the organisation's token (its room follows the mapping). */
  hostname: z.string().nullable(),
  /** A workstation without a room: "Zuordnung fehlt", an unprotected seat until it is assigned. */
  unassigned: z.boolean(),
  functionTestHours: z.number(),
  enrolled: z.boolean(),
  revokedAt: Timestamp.nullable(),
  lastSeenAt: Timestamp.nullable(),
  online: z.boolean(),
  lastFunctionTest: z.object({ at: Timestamp, result: z.enum(['passed', 'failed', 'pending']) }).nullable(),
});
export type Device = z.infer<typeof Device>;

export const EnrolmentCode = z.object({
  deviceId: Id,
  code: z.string(),
  expiresAt: Timestamp,
});
export type EnrolmentCode = z.infer<typeof EnrolmentCode>;

/**
 * A desk phone's action URL, with its secret in the path: shown once, to be entered as the URL of
 * the phone's function key. A new one replaces the old (and lifts a block).
 */
export const DeskPhoneUrl = z.object({
  deviceId: Id,
  url: z.string(),
});
export type DeskPhoneUrl = z.infer<typeof DeskPhoneUrl>;

/** Where a desk phone's key calls in: `<public URL>/api/desk-phone/<secret>` (GET or POST). */
export const deskPhonePath = '/api/desk-phone';

/**
 * An agent enrols with the one-time code of its device, or with the organisation's enrolment
 * token: then its hostname finds its room (a PC without a mapping enrols as "Zuordnung fehlt").
 */
export const EnrolRequest = z.union([
  z.object({ code: text(64).min(6), hostname: text(200).default('') }).strict(),
  z.object({ orgToken: text(200).min(10), hostname: text(200).min(1, 'Rechnername fehlt') }).strict(),
]);
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.object({
  deviceId: Id,
  /** Secret bearer token. Shown once; the server keeps only its hash. */
  token: z.string(),
  organisation: Organisation,
  workstation: z.object({ name: z.string(), room: z.string(), floor: z.string(), building: z.string() }),
  person: z.object({ id: Id, firstName: z.string(), lastName: z.string() }).nullable(),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const FunctionTest = z.object({
  id: Id,
  deviceId: Id,
  deviceName: z.string(),
  requestedAt: Timestamp,
  completedAt: Timestamp.nullable(),
  result: z.enum(['passed', 'failed', 'pending']),
  detail: z.string(),
});
export type FunctionTest = z.infer<typeof FunctionTest>;

export const AuditEntry = z.object({
  id: z.string(),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

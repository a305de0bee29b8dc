import { z } from 'zod';
import {
  AlarmDetail,
  AlarmList,
  AlarmListQuery,
  Alarm,
  ButtonPress,
  RaiseAlarmRequest,
  RaiseAlarmResponse,
  ResolveRequest,
  RespondRequest,
} from './alarms.js';
import {
  ChangePasswordRequest,
  PasswordSet,
  RoleRequest,
  SetupRequest,
  SetupResult,
  SetupStatus,
  approverRoles,
} from './access.js';
import { LoginRequest, Me } from './auth.js';
import { IdParams, everyRole, serialId, type Role } from './common.js';
import { reportRouteDefs } from './report-routes.js';
import { registerRouteDefs } from './register.js';
import { statsRouteDefs } from './stats.js';
import { rolloutRouteDefs } from './rollout.js';
import { ssoRouteDefs } from './sso.js';
import { directoryRouteDefs } from './directory.js';
import { scimRouteDefs } from './scim.js';
import {
  AlarmGroup,
  AlarmGroupInput,
  AlarmPlan,
  AlarmPlanInput,
  AuditEntry,
  Building,
  BuildingInput,
  Department,
  DepartmentInput,
  Device,
  DeviceInput,
  EnrolRequest,
  EnrolResponse,
  DeskPhoneUrl,
  EnrolmentCode,
  Floor,
  FloorInput,
  FunctionTest,
  Person,
  PersonInput,
  Room,
  RoomInput,
} from './org.js';
import {
  AlarmMessage,
  InboundSms,
  InboundSmsResult,
  MessageInput,
  PhoneEnrolRequest,
  PhoneEnrolment,
  PositionUpdate,
  PushKey,
  PushSubscriptionInput,
  PushUnsubscribe,
} from './mobile.js';
import { FunctionTestResult, OfflineDevice } from './realtime.js';

/**
 * Who may call a route.
 * - `public`: nobody needs to be known (login, enrolment with a one-time code).
 * - `session`: a person logged in to the web console, with one of `roles`.
 * - `device`: an enrolled agent or button with its bearer token.
 * - `sender`: a session (any role) or a device: whoever can raise an alarm.
 */
export type RouteAuth =
  | { kind: 'public' }
  | { kind: 'session'; roles: readonly Role[] }
  | { kind: 'device' }
  | { kind: 'sender' }
  /** The SMS gateway, with the shared secret in the `x-wachsam-gateway-secret` header. */
  | { kind: 'gateway' };

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** A larger body than the server's 64 KiB (an import file). */
  bodyLimit?: number;
  /** Success status and body; `null` for 204. */
  status: 200 | 201 | 204;
  response: z.ZodType | null;
}

const everyone = everyRole;
/** Roles that receive alarms and may act on them. */
export const receiverRoles: readonly Role[] = ['helper', 'security_desk', 'control_centre', 'admin'];
const admin: readonly Role[] = ['admin'];
const adminOrDesk: readonly Role[] = ['admin', 'security_desk', 'control_centre'];

const NoContent = null;
const list = <T extends z.ZodType>(item: T) => z.array(item);

/** list / create / update / delete of one administered resource, with the same shape for all. */
function crud<I extends z.ZodType, O extends z.ZodType>(path: string, tag: string, label: string, input: I, output: O) {
  const base = `/api/admin/${path}`;
  return {
    list: {
      method: 'GET',
      url: base,
      summary: `${label}: Liste`,
      tag,
      auth: { kind: 'session', roles: adminOrDesk },
      status: 200,
      response: list(output),
    },
    create: {
      method: 'POST',
      url: base,
      summary: `${label}: anlegen`,
      tag,
      auth: { kind: 'session', roles: admin },
      body: input,
      status: 201,
      response: output,
    },
    update: {
      method: 'PUT',
      url: `${base}/:id`,
      summary: `${label}: ändern`,
      tag,
      auth: { kind: 'session', roles: admin },
      params: IdParams,
      body: input,
      status: 200,
      response: output,
    },
    remove: {
      method: 'DELETE',
      url: `${base}/:id`,
      summary: `${label}: löschen`,
      tag,
      auth: { kind: 'session', roles: admin },
      params: IdParams,
      status: 204,
      response: NoContent,
    },
  } as const satisfies Record<string, RouteDef>;
}

export const adminResources = {
  departments: crud('departments', 'Organisation', 'Abteilungen', DepartmentInput, Department),
  buildings: crud('buildings', 'Organisation', 'Gebäude', BuildingInput, Building),
  floors: crud('floors', 'Organisation', 'Etagen', FloorInput, Floor),
  rooms: crud('rooms', 'Organisation', 'Räume', RoomInput, Room),
  people: crud('people', 'Organisation', 'Personen', PersonInput, Person),
  groups: crud('groups', 'Alarmplan', 'Alarmgruppen', AlarmGroupInput, AlarmGroup),
  plans: crud('plans', 'Alarmplan', 'Alarmpläne', AlarmPlanInput, AlarmPlan),
  devices: crud('devices', 'Geräte', 'Geräte', DeviceInput, Device),
} as const;

export const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: serialId('Protokollnummer muss eine Zahl sein').optional(),
  })
  .strict();

export const FunctionTestReport = FunctionTestResult.extend({
  /** The scheduled test being answered; absent for the test an agent runs at its start. */
  functionTestId: z.uuid().optional(),
  alarmId: z.uuid().nullable().default(null),
}).strict();
export type FunctionTestReport = z.infer<typeof FunctionTestReport>;

export const routes = {
  login: {
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Anmelden (setzt das Sitzungs-Cookie)',
    tag: 'Anmeldung',
    auth: { kind: 'public' },
    body: LoginRequest,
    status: 200,
    response: Me,
  },
  logout: {
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'Abmelden',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: everyone },
    status: 204,
    response: NoContent,
  },
  me: {
    method: 'GET',
    url: '/api/auth/me',
    summary: 'Angemeldete Person',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: everyone },
    status: 200,
    response: Me,
  },
  changePassword: {
    method: 'POST',
    url: '/api/auth/password',
    summary: 'Eigenes Passwort ändern (beendet alle anderen Anmeldungen)',
    tag: 'Anmeldung',
    auth: { kind: 'session', roles: everyone },
    body: ChangePasswordRequest,
    status: 204,
    response: NoContent,
  },
  setupStatus: {
    method: 'GET',
    url: '/api/setup',
    summary: 'Ist die Ersteinrichtung offen? (keine Organisation, Einrichtungscode beim Start ausgegeben)',
    tag: 'Einrichtung',
    auth: { kind: 'public' },
    status: 200,
    response: SetupStatus,
  },
  setup: {
    method: 'POST',
    url: '/api/setup',
    summary: 'Ersteinrichtung: Organisation und erste Administration anlegen (einmalig, mit Einrichtungscode)',
    tag: 'Einrichtung',
    auth: { kind: 'public' },
    body: SetupRequest,
    status: 201,
    response: SetupResult,
  },

  raiseAlarm: {
    method: 'POST',
    url: '/api/alarms',
    summary: 'Alarm auslösen (Header Idempotency-Key erforderlich)',
    tag: 'Alarme',
    auth: { kind: 'sender' },
    body: RaiseAlarmRequest,
    status: 201,
    response: RaiseAlarmResponse,
  },
  listAlarms: {
    method: 'GET',
    url: '/api/alarms',
    summary: 'Alarme, die die Person sehen darf',
    tag: 'Alarme',
    auth: { kind: 'sender' },
    querystring: AlarmListQuery,
    status: 200,
    response: AlarmList,
  },
  getAlarm: {
    method: 'GET',
    url: '/api/alarms/:id',
    summary: 'Alarm mit Empfängerstatus',
    tag: 'Alarme',
    auth: { kind: 'sender' },
    params: IdParams,
    status: 200,
    response: AlarmDetail,
  },
  respond: {
    method: 'POST',
    url: '/api/alarms/:id/respond',
    summary: '„Ich komme“ oder „Polizei verständigt“ (alarmierte Personen und Übersichtsrollen)',
    tag: 'Alarme',
    auth: { kind: 'session', roles: everyone },
    params: IdParams,
    body: RespondRequest,
    status: 200,
    response: Alarm,
  },
  cancel: {
    method: 'POST',
    url: '/api/alarms/:id/cancel',
    summary: 'Abbruch durch die auslösende Person (Empfänger prüfen trotzdem vor Ort)',
    tag: 'Alarme',
    auth: { kind: 'sender' },
    params: IdParams,
    status: 200,
    response: Alarm,
  },
  resolve: {
    method: 'POST',
    url: '/api/alarms/:id/resolve',
    summary: 'Entwarnung mit Ergebnis (alarmierte Personen und Übersichtsrollen)',
    tag: 'Alarme',
    auth: { kind: 'session', roles: everyone },
    params: IdParams,
    body: ResolveRequest,
    status: 200,
    response: Alarm,
  },

  enrol: {
    method: 'POST',
    url: '/api/devices/enrol',
    summary: 'Gerät mit Einmalcode registrieren',
    tag: 'Geräte',
    auth: { kind: 'public' },
    body: EnrolRequest,
    status: 201,
    response: EnrolResponse,
  },
  heartbeat: {
    method: 'POST',
    url: '/api/devices/heartbeat',
    summary: 'Lebenszeichen eines Geräts (Taster ohne WebSocket)',
    tag: 'Geräte',
    auth: { kind: 'device' },
    status: 204,
    response: NoContent,
  },
  buttonPress: {
    method: 'POST',
    url: '/api/buttons/press',
    summary: 'Netzwerk-Alarmtaster gedrückt',
    tag: 'Geräte',
    auth: { kind: 'device' },
    body: ButtonPress,
    status: 201,
    response: RaiseAlarmResponse,
  },
  reportFunctionTest: {
    method: 'POST',
    url: '/api/devices/function-tests',
    summary: 'Ergebnis eines Funktionstests melden',
    tag: 'Geräte',
    auth: { kind: 'device' },
    body: FunctionTestReport,
    status: 200,
    response: FunctionTest,
  },

  enrolmentCode: {
    method: 'POST',
    url: '/api/admin/devices/:id/enrolment-code',
    summary: 'Einmalcode für ein Gerät erzeugen',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 201,
    response: EnrolmentCode,
  },
  deskPhoneUrl: {
    method: 'POST',
    url: '/api/admin/devices/:id/action-url',
    summary: 'Aktions-URL für ein Tischtelefon erzeugen',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 201,
    response: DeskPhoneUrl,
  },
  revokeDevice: {
    method: 'POST',
    url: '/api/admin/devices/:id/revoke',
    summary: 'Gerätezugang sperren',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 200,
    response: Device,
  },
  requestFunctionTest: {
    method: 'POST',
    url: '/api/admin/devices/:id/function-test',
    summary: 'Funktionstest jetzt anfordern',
    tag: 'Geräte',
    auth: { kind: 'session', roles: adminOrDesk },
    params: IdParams,
    status: 201,
    response: FunctionTest,
  },
  listFunctionTests: {
    method: 'GET',
    url: '/api/admin/function-tests',
    summary: 'Funktionstests',
    tag: 'Geräte',
    auth: { kind: 'session', roles: adminOrDesk },
    status: 200,
    response: list(FunctionTest),
  },
  /** The unprotected seats now, so a console that starts (or reloads) shows them before any live event. */
  listOfflineDevices: {
    method: 'GET',
    url: '/api/devices/offline',
    summary: 'Geräte ohne Verbindung',
    tag: 'Geräte',
    auth: { kind: 'session', roles: ['admin', 'security_desk'] },
    status: 200,
    response: list(OfflineDevice),
  },
  setPassword: {
    method: 'PUT',
    url: '/api/admin/people/:id/password',
    summary: 'Passwort setzen',
    tag: 'Organisation',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    body: PasswordSet,
    status: 204,
    response: NoContent,
  },
  listRoleRequests: {
    method: 'GET',
    url: '/api/admin/role-requests',
    summary: 'Offene Anträge auf Rollen, die eine zweite Person freigibt (Vier-Augen-Prinzip)',
    tag: 'Organisation',
    auth: { kind: 'session', roles: approverRoles },
    status: 200,
    response: list(RoleRequest),
  },
  approveRoleRequest: {
    method: 'POST',
    url: '/api/admin/role-requests/:id/approve',
    summary: 'Antrag freigeben (nicht den eigenen, nicht für sich selbst)',
    tag: 'Organisation',
    auth: { kind: 'session', roles: approverRoles },
    params: IdParams,
    status: 204,
    response: NoContent,
  },
  rejectRoleRequest: {
    method: 'POST',
    url: '/api/admin/role-requests/:id/reject',
    summary: 'Antrag ablehnen oder zurückziehen',
    tag: 'Organisation',
    auth: { kind: 'session', roles: approverRoles },
    params: IdParams,
    status: 204,
    response: NoContent,
  },
  audit: {
    method: 'GET',
    url: '/api/admin/audit',
    summary: 'Protokoll',
    tag: 'Protokoll',
    auth: { kind: 'session', roles: admin },
    querystring: AuditQuery,
    status: 200,
    response: list(AuditEntry),
  },

  // --- mobile alarm (issue 3) ---
  enrolPhone: {
    method: 'POST',
    url: '/api/mobile/enrol',
    summary: 'Eigenes Telefon als mobiles Alarmgerät registrieren',
    tag: 'Mobiler Alarm',
    auth: { kind: 'session', roles: everyone },
    body: PhoneEnrolRequest,
    status: 201,
    response: PhoneEnrolment,
  },
  reportPosition: {
    method: 'POST',
    url: '/api/mobile/position',
    summary: 'Letzten bekannten Standort melden (App geöffnet; nur der neueste wird gespeichert)',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    body: PositionUpdate,
    status: 204,
    response: NoContent,
  },
  updatePosition: {
    method: 'POST',
    url: '/api/alarms/:id/position',
    summary: 'Standort der auslösenden Person aktualisieren (höchstens alle 5 s übernommen)',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    params: IdParams,
    body: PositionUpdate,
    status: 204,
    response: NoContent,
  },
  listMessages: {
    method: 'GET',
    url: '/api/alarms/:id/messages',
    summary: 'Nachrichten zum Alarm',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    params: IdParams,
    status: 200,
    response: list(AlarmMessage),
  },
  sendMessage: {
    method: 'POST',
    url: '/api/alarms/:id/messages',
    summary: 'Nachricht zum Alarm senden (auslösende Person, Empfänger, Übersicht)',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    params: IdParams,
    body: MessageInput,
    status: 201,
    response: AlarmMessage,
  },
  pushKey: {
    method: 'GET',
    url: '/api/push/key',
    summary: 'Öffentlicher VAPID-Schlüssel für Web Push',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    status: 200,
    response: PushKey,
  },
  subscribePush: {
    method: 'POST',
    url: '/api/push/subscriptions',
    summary: 'Web-Push-Abonnement dieses Geräts speichern',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    body: PushSubscriptionInput,
    status: 204,
    response: NoContent,
  },
  unsubscribePush: {
    method: 'POST',
    url: '/api/push/subscriptions/delete',
    summary: 'Web-Push-Abonnement entfernen',
    tag: 'Mobiler Alarm',
    auth: { kind: 'sender' },
    body: PushUnsubscribe,
    status: 204,
    response: NoContent,
  },
  inboundSms: {
    method: 'POST',
    url: '/api/sms/inbound',
    summary: 'Eingehende SMS vom SMS-Gateway (Alarm-SMS ohne Internet)',
    tag: 'Mobiler Alarm',
    auth: { kind: 'gateway' },
    body: InboundSms,
    status: 200,
    response: InboundSmsResult,
  },

  // --- ZeMAG (issue 4): reports and aftercare, register, statistics ---
  ...reportRouteDefs,
  ...registerRouteDefs,
  ...statsRouteDefs,
  ...rolloutRouteDefs,
  ...ssoRouteDefs,
  ...directoryRouteDefs,
  ...scimRouteDefs,
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;

/**
 * Every route of the table with its name (`departments.create` for the administered resources),
 * for whatever must cover all of them: the authorisation and bad-input tests, the OpenAPI check.
 */
export const everyRoute: ReadonlyArray<readonly [string, RouteDef]> = [
  ...Object.entries(routes),
  ...Object.entries(adminResources).flatMap(([name, crud]) =>
    Object.entries(crud).map(([op, def]) => [`${name}.${op}`, def] as const),
  ),
];

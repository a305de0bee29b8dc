import { randomUUID } from 'node:crypto';
import type { Role, RouteDef } from '@wachsam/protocol';
import { seedDemo } from '../org/demo.js';
import { api, type TestServer } from '../testing.js';

/**
 * Test support: an organisation with one record of every kind an id in the API can name, made
 * through the API as people would make them. The input and authorisation tests send these ids
 * (their own organisation's, to get past reference checks; another organisation's, to prove
 * they are refused).
 */

export const idKinds = [
  'department',
  'building',
  'floor',
  'room',
  'person',
  'group',
  'plan',
  'device',
  'alarm',
  'report',
  'attachment',
  'helpOffer',
  'task',
  'registerEntry',
  'measure',
  'functionTest',
  'roleRequest',
  'enrolmentToken',
  'hostMapping',
  'directorySource',
  'scimToken',
] as const;
export type IdKind = (typeof idKinds)[number];

/** The kind a path parameter names, by the segment before it (`/api/admin/rooms/:id` → room). */
const pathKinds: Record<string, IdKind> = {
  departments: 'department',
  buildings: 'building',
  floors: 'floor',
  rooms: 'room',
  people: 'person',
  groups: 'group',
  plans: 'plan',
  devices: 'device',
  alarms: 'alarm',
  reports: 'report',
  prefill: 'report',
  attachments: 'attachment',
  'help-offers': 'helpOffer',
  tasks: 'task',
  entries: 'registerEntry',
  measures: 'measure',
  'role-requests': 'roleRequest',
  'enrolment-tokens': 'enrolmentToken',
  'host-mappings': 'hostMapping',
  'directory-sources': 'directorySource',
  'scim-tokens': 'scimToken',
};

/** The kind an id field of a body or query names, by its name (array elements: `memberIds` → memberId). */
const fieldKinds: Record<string, IdKind> = {
  departmentId: 'department',
  buildingId: 'building',
  floorId: 'floor',
  roomId: 'room',
  personId: 'person',
  memberId: 'person',
  groupId: 'group',
  alarmId: 'alarm',
  sourceReportId: 'report',
  entryId: 'registerEntry',
  functionTestId: 'functionTest',
};

/** Fails loudly for a route whose ids this file does not know yet: add the kind above. */
export function pathParamKind(url: string, param: string): IdKind {
  const segments = url.split('/');
  const before = segments[segments.indexOf(`:${param}`) - 1] ?? '';
  const kind = pathKinds[before];
  if (!kind) throw new Error(`${url}: no id kind for :${param} (after "${before}"); add it to pathKinds in world.ts`);
  return kind;
}

export function fieldKind(key: string): IdKind {
  const kind = fieldKinds[key];
  if (!kind) throw new Error(`no id kind for the field "${key}"; add it to fieldKinds in world.ts`);
  return kind;
}

/** The demo logins and their roles (the same in every demo organisation). */
export const people: Array<[string, Role[]]> = [
  ['it', ['admin']],
  ['pforte', ['security_desk']],
  ['leitstelle', ['control_centre']],
  ['jonas.becker', ['employee', 'helper']],
  ['anna.schmidt', ['employee']],
  ['claudia.hartmann', ['employee', 'supervisor']],
  ['personal', ['employee', 'hr']],
  ['sicherheit', ['employee', 'security_management']],
  ['stefan.neumann', ['employee', 'helper', 'lookup']],
  ['datenschutz', ['employee', 'data_protection']],
];

export interface Org {
  slug: string;
  orgId: string;
  /** Session cookie of each demo login. */
  cookies: Map<string, string>;
  ids: Record<IdKind, string>;
  /** Bearer token of the organisation's first device (enrolled here). */
  deviceToken: string;
  /** Access-log sequence number of a lookup. */
  seq: string;
  /** The alarm that was resolved (for the debrief task); `ids.alarm` stays open. */
  resolvedAlarm: string;
  /** The function-test alarm of the enrolled device. */
  deviceAlarm: string;
}

/**
 * Whose record each kind is, where that matters: Anna raised the open alarm (the security desk
 * acts on it) and wrote the draft with its attachment; the debrief task is her supervisor's.
 */
const owners: Partial<Record<IdKind, string>> = {
  alarm: 'pforte',
  report: 'anna.schmidt',
  attachment: 'anna.schmidt',
  task: 'claudia.hartmann',
};

/** Do the route's roles let this demo login in? */
export const mayCall = (def: RouteDef, name: string): boolean => {
  const rule = def.auth;
  if (rule.kind === 'sender') return true;
  return rule.kind === 'session' && people.find(([n]) => n === name)![1].some((r) => rule.roles.includes(r));
};

/**
 * Who calls the route in the tests: the owner of the record its path names where the roles let
 * them in (so the request gets as far as it can), else the first demo login with a role it
 * allows; Anna for a sender route; null for routes without a person.
 */
export function callerOf(def: RouteDef): string | null {
  const rule = def.auth;
  if (rule.kind !== 'sender' && rule.kind !== 'session') return null;
  const param = def.url.match(/:(\w+)/)?.[1];
  const owner = param ? owners[pathParamKind(def.url, param)] : undefined;
  if (rule.kind === 'sender') return 'anna.schmidt';
  if (owner && mayCall(def, owner)) return owner;
  return people.find(([name]) => mayCall(def, name))?.[0] ?? null;
}

/**
 * A real id for a body or query field of `def` in `org`, by the field's name. An alarm named in a
 * body is the resolved one (a report follows an alarm that is over), or for a device its own
 * function-test alarm.
 */
export function idFor(def: RouteDef, org: Org) {
  return (key: string): string => {
    if (key === 'alarmId') return def.auth.kind === 'device' ? org.deviceAlarm : org.resolvedAlarm;
    return org.ids[fieldKind(key)];
  };
}

/** Headers that authenticate `def`'s caller in `org` (cookie, device token or gateway secret). */
export function authHeaders(def: RouteDef, org: Org, gatewaySecret: string): Record<string, string> {
  const headers: Record<string, string> = { 'idempotency-key': `probe-${randomUUID()}` };
  if (def.auth.kind === 'device') headers.authorization = `Bearer ${org.deviceToken}`;
  else if (def.auth.kind === 'gateway') headers['x-wachsam-gateway-secret'] = gatewaySecret;
  else {
    const who = callerOf(def);
    if (who) headers.cookie = org.cookies.get(who)!;
  }
  return headers;
}

/** The route's path with ids of `org` (or those given) filled in. */
export function pathWith(def: RouteDef, org: Org, overrides: Record<string, string> = {}): string {
  return def.url.replace(/:(\w+)/g, (_m, p: string) => overrides[p] ?? org.ids[pathParamKind(def.url, p)]);
}

/** The logins `buildOrg` itself acts as. */
const builders = ['it', 'anna.schmidt', 'pforte', 'claudia.hartmann', 'sicherheit', 'stefan.neumann'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test setup reads whatever came back
const ok = (res: { status: number; body: any }, what: string): any => {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/**
 * Builds the demo organisation `slug` (the server's own when it is `musterstadt`) with one record
 * of every kind: an open alarm, a resolved one with its debrief task, a draft report with an
 * attachment, a register entry, a measure, a function test and a logged lookup.
 */
export async function buildOrg(
  server: TestServer,
  slug = 'musterstadt',
  /** Who logs in (a login costs an Argon2 hash): by default every demo login. */
  logins: string[] = people.map(([name]) => name),
): Promise<Org> {
  if (slug !== 'musterstadt')
    await seedDemo(server.database.db, { dataDir: server.dataDir, publicUrl: server.url, slug, name: `Stadt ${slug}` });
  const cookies = new Map<string, string>();
  const needed = new Set([...logins, ...builders]);
  await Promise.all([...needed].map(async (name) => cookies.set(name, await server.login(`${name}@${slug}.example`))));
  const as = (name: string) => ({ cookie: cookies.get(name)! });
  const get = async (name: string, path: string) => ok(await api(server.url, 'GET', path, as(name)), path);
  const post = async (name: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    ok(await api(server.url, 'POST', path, { ...as(name), body, headers }), path);

  const first = async (path: string) => String((await get('it', `/api/admin/${path}`))[0]!.id);
  const ids: Partial<Record<IdKind, string>> = {};
  for (const [kind, path] of [
    ['department', 'departments'],
    ['building', 'buildings'],
    ['floor', 'floors'],
    ['room', 'rooms'],
    ['person', 'people'],
    ['group', 'groups'],
    ['plan', 'plans'],
    ['device', 'devices'],
  ] as const)
    ids[kind] = await first(path);

  const code = (await post('it', `/api/admin/devices/${ids.device}/enrolment-code`)).code;
  const deviceToken = String(
    ok(await api(server.url, 'POST', '/api/devices/enrol', { body: { code } }), 'enrol').token,
  );
  ids.functionTest = String((await post('it', `/api/admin/devices/${ids.device}/function-test`)).id);
  const deviceAlarm = String(
    ok(
      await api(server.url, 'POST', '/api/alarms', {
        token: deviceToken,
        body: { source: 'hotkey', functionTest: true },
        headers: { 'idempotency-key': randomUUID() },
      }),
      'function-test alarm',
    ).alarm.id,
  );

  // A role that opens the register, granted by the administration: a request a second person confirms.
  await post('it', '/api/admin/people', {
    firstName: 'Rita',
    lastName: 'Antrag',
    login: `rita.antrag@${slug}.example`,
    roles: ['employee', 'lookup'],
  });
  ids.roleRequest = String((await get('it', '/api/admin/role-requests'))[0]!.id);

  const raise = async () =>
    String(
      (await post('anna.schmidt', '/api/alarms', { source: 'console' }, { 'idempotency-key': randomUUID() })).alarm.id,
    );
  ids.alarm = await raise();
  const resolvedAlarm = await raise();
  await post('pforte', `/api/alarms/${resolvedAlarm}/resolve`, { outcome: 'real' });
  ids.task = String((await get('claudia.hartmann', '/api/tasks'))[0]!.id);

  const report = await post(
    'anna.schmidt',
    '/api/reports',
    { occurredAt: '2026-01-15T10:00:00.000Z', categories: ['threat'], causer: { known: false } },
    { 'idempotency-key': randomUUID() },
  );
  ids.report = String(report.id);
  const upload = await fetch(`${server.url}/api/reports/${ids.report}/attachments?name=notiz.txt`, {
    method: 'POST',
    headers: { ...as('anna.schmidt'), 'content-type': 'text/plain' },
    body: 'Notiz',
  });
  ids.attachment = String(((await upload.json()) as { id: string }).id);

  ids.registerEntry = String(
    (
      await post('sicherheit', '/api/register/entries', {
        lastName: 'Muster',
        firstName: 'Max',
        level: 2,
        legalBases: [{ kind: 'hausverbot', date: '2026-01-10', reference: 'HV-1' }],
      })
    ).id,
  );
  ids.measure = String(
    (await post('sicherheit', '/api/stats/measures', { departmentId: null, name: 'Schulung', date: '2026-01-01' })).id,
  );
  ids.helpOffer = String((await get('sicherheit', '/api/help-offers'))[0]!.id);
  const lookup = await post('stefan.neumann', '/api/register/lookup', {
    lastName: 'Muster',
    firstName: 'Max',
    purpose: 'counter',
  });

  // Rollout: an enrolment token, a PC mapping, a directory source (a server that refuses at once) and a SCIM token.
  ids.enrolmentToken = String((await post('it', '/api/admin/enrolment-tokens', { name: 'GPO' })).id);
  ids.hostMapping = String(
    (await post('it', '/api/admin/host-mappings', { hostname: `pc-${slug}`, roomId: ids.room, personId: null })).id,
  );
  ids.directorySource = String(
    (
      await post('it', '/api/admin/directory-sources', {
        name: 'AD',
        settings: {
          url: 'ldap://127.0.0.1:9',
          bindDn: 'cn=wachsam,dc=stadt,dc=example',
          baseDn: 'dc=stadt,dc=example',
          groupDns: ['cn=wachsam,dc=stadt,dc=example'],
        },
        bindPassword: 'geheim',
      })
    ).id,
  );
  ids.scimToken = String((await post('it', '/api/admin/scim-tokens', { name: 'Entra ID' })).id);

  for (const kind of idKinds) if (!ids[kind]) throw new Error(`${slug}: no ${kind} made`);
  return {
    slug,
    orgId: String((await get('it', '/api/auth/me')).organisation.id),
    cookies,
    ids: ids as Record<IdKind, string>,
    deviceToken,
    seq: String(lookup.logSeq),
    resolvedAlarm,
    deviceAlarm,
  };
}

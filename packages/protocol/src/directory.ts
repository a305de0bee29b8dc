import { z } from 'zod';
import { Id, IdParams, Name, Role, Timestamp, safeString, text } from './common.js';
import type { RouteDef } from './routes.js';

// People from the directory: an LDAP / Active Directory source per organisation, read on demand
// or on a schedule, dry first; each run keeps a report (added, changed, deactivated, refused).

const Dn = text(1000).min(3, 'DN fehlt');
const Attribute = text(100).regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'kein LDAP-Attributname');

export const LdapSettings = z
  .object({
    /**
     * ldaps://… (the bind password must not cross the network in clear); ldap:// only to this
     * machine (a local TLS tunnel such as stunnel).
     */
    url: text(500)
      .regex(/^ldaps?:\/\/[^\s/]+(:\d+)?\/?$/, 'ldaps://host:port')
      .refine((u) => u.startsWith('ldaps://') || /^ldap:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(u), {
        message: 'ldaps:// verwenden: über ldap:// ginge das Passwort unverschlüsselt über das Netz',
      }),
    bindDn: Dn,
    baseDn: Dn,
    /** Which entries are people (AD: user accounts, not computers). */
    userFilter: text(1000).default('(&(objectCategory=person)(objectClass=user))'),
    /** Only members of these groups become people (by the `memberOf` attribute). */
    groupDns: z.array(Dn).min(1, 'mindestens eine Gruppe angeben').max(100),
    attributes: z
      .object({
        login: Attribute.default('sAMAccountName'),
        firstName: Attribute.default('givenName'),
        lastName: Attribute.default('sn'),
        email: Attribute.default('mail'),
        phone: Attribute.default('telephoneNumber'),
        /** AD: `objectGUID`; OpenLDAP: `entryUUID`. Stays the same when a person is renamed. */
        externalId: Attribute.default('objectGUID'),
        /** The department's attribute; empty: taken from the entry's first OU. */
        department: Attribute.nullable().default('department'),
      })
      .strict()
      .default({
        login: 'sAMAccountName',
        firstName: 'givenName',
        lastName: 'sn',
        email: 'mail',
        phone: 'telephoneNumber',
        externalId: 'objectGUID',
        department: 'department',
      }),
    /** Directory group DN → Wachsam roles (roles needing four eyes become requests, never grants). */
    roleMapping: z.record(Dn, z.array(Role).max(20)).default({}),
    /** Directory group DN → alarm group name (created if missing; membership follows the directory). */
    groupMapping: z.record(Dn, Name).default({}),
  })
  .strict();
export type LdapSettings = z.infer<typeof LdapSettings>;

export const DirectorySourceInput = z
  .object({
    name: Name,
    settings: LdapSettings,
    /** Write-only: left out (or null) keeps the stored password. */
    bindPassword: safeString().min(1).max(500).nullable().default(null),
    /** Minutes between scheduled runs; null: only by hand. */
    everyMinutes: z.number().int().min(15, 'höchstens alle 15 Minuten').max(10_080).nullable().default(null),
  })
  .strict();
export type DirectorySourceInput = z.infer<typeof DirectorySourceInput>;

export const DirectorySource = z.object({
  id: Id,
  name: z.string(),
  settings: LdapSettings,
  hasPassword: z.boolean(),
  everyMinutes: z.number().nullable(),
});
export type DirectorySource = z.infer<typeof DirectorySource>;

const ReportEntry = z.object({ login: z.string(), name: z.string(), details: z.array(z.string()) });
export type DirectoryReportEntry = z.infer<typeof ReportEntry>;

export const DirectoryReport = z.object({
  /** Entries read from the directory (members of the chosen groups). */
  read: z.number(),
  added: z.array(ReportEntry),
  changed: z.array(ReportEntry),
  deactivated: z.array(ReportEntry),
  reactivated: z.array(ReportEntry),
  /** Entries not taken, with the reason (e.g. a login another organisation has). */
  refused: z.array(ReportEntry),
  /** Roles needing four eyes: filed as requests, waiting for confirmation. */
  roleRequests: z.array(ReportEntry),
  /** Steps, groups or rooms the change leaves below their minimum of receivers. */
  warnings: z.array(z.string()),
});
export type DirectoryReport = z.infer<typeof DirectoryReport>;

export const directoryRunStatuses = ['done', 'dry', 'held', 'failed'] as const;
export const DirectoryRun = z.object({
  id: Id,
  sourceId: Id,
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  dryRun: z.boolean(),
  /** done: applied; dry: only shown; held: not applied, it would leave a step below its minimum; failed: see `error`. */
  status: z.enum(directoryRunStatuses),
  startedBy: z.string(),
  error: z.string().nullable(),
  report: DirectoryReport.nullable(),
});
export type DirectoryRun = z.infer<typeof DirectoryRun>;

export const DirectoryRunRequest = z
  .object({
    dryRun: z.boolean().default(true),
    /** Apply although the change leaves a step or group below its minimum (after a dry run showed it). */
    acceptWarnings: z.boolean().default(false),
  })
  .strict();
export type DirectoryRunRequest = z.infer<typeof DirectoryRunRequest>;

const admin = ['admin'] as const;

export const directoryRouteDefs = {
  listDirectorySources: {
    method: 'GET',
    url: '/api/admin/directory-sources',
    summary: 'Verzeichnisquellen (LDAP / Active Directory)',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    status: 200,
    response: z.array(DirectorySource),
  },
  createDirectorySource: {
    method: 'POST',
    url: '/api/admin/directory-sources',
    summary: 'Verzeichnisquelle anlegen',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    body: DirectorySourceInput,
    status: 201,
    response: DirectorySource,
  },
  updateDirectorySource: {
    method: 'PUT',
    url: '/api/admin/directory-sources/:id',
    summary: 'Verzeichnisquelle ändern',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    body: DirectorySourceInput,
    status: 200,
    response: DirectorySource,
  },
  removeDirectorySource: {
    method: 'DELETE',
    url: '/api/admin/directory-sources/:id',
    summary: 'Verzeichnisquelle löschen (die Personen bleiben)',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 204,
    response: null,
  },
  runDirectorySync: {
    method: 'POST',
    url: '/api/admin/directory-sources/:id/runs',
    summary: 'Abgleich mit dem Verzeichnis: Probelauf oder übernehmen',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    body: DirectoryRunRequest,
    status: 201,
    response: DirectoryRun,
  },
  listDirectoryRuns: {
    method: 'GET',
    url: '/api/admin/directory-sources/:id/runs',
    summary: 'Bisherige Abgleiche mit Bericht',
    tag: 'Verzeichnis',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 200,
    response: z.array(DirectoryRun),
  },
} as const satisfies Record<string, RouteDef>;

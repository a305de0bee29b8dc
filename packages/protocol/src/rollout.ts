import { z } from 'zod';
import { Id, IdParams, Name, Timestamp, text } from './common.js';
import type { RouteDef } from './routes.js';

// Rollout at municipal scale: PCs enrol themselves with an organisation token and find their room
// by their hostname; people, rooms and hostname mappings come in as CSV files.

/**
 * A PC's name as the directory knows it: the first label, lower case ("PC-0042.stadt.local" and
 * "pc-0042" are one PC). Terminal servers report the client's name (`CLIENTNAME`), not their own.
 */
export const normaliseHostname = (name: string): string => name.trim().split('.')[0]!.toLowerCase();

export const Hostname = text(63)
  .min(1, 'darf nicht leer sein')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich')
  .transform(normaliseHostname);

/** Which PCs may enrol with a token: any, or only those mapped into one department or building. */
export const TokenScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('organisation') }).strict(),
  z.object({ kind: z.literal('department'), departmentId: Id }).strict(),
  z.object({ kind: z.literal('building'), buildingId: Id }).strict(),
]);
export type TokenScope = z.infer<typeof TokenScope>;

export const EnrolmentTokenInput = z
  .object({
    name: Name,
    /** Valid for this many days from now. */
    validDays: z.number().int().min(1, 'mindestens 1 Tag').max(365, 'höchstens 365 Tage').default(30),
    scope: TokenScope.default({ kind: 'organisation' }),
    /**
     * For terminal servers (Citrix, RDS): each session enrols its client again and takes over
     * the client's device. Off: an enrolled PC is never taken over with the token.
     */
    terminalServers: z.boolean().default(false),
  })
  .strict();
export type EnrolmentTokenInput = z.infer<typeof EnrolmentTokenInput>;

export const EnrolmentToken = z.object({
  id: Id,
  name: z.string(),
  scope: TokenScope,
  terminalServers: z.boolean(),
  expiresAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  createdBy: z.string(),
  /** How many PCs enrolled with it, and when the last did. */
  uses: z.number(),
  lastUsedAt: Timestamp.nullable(),
});
export type EnrolmentToken = z.infer<typeof EnrolmentToken>;

/** The secret is shown once, on creation; the server keeps only its hash. */
export const EnrolmentTokenCreated = EnrolmentToken.extend({ secret: z.string() });
export type EnrolmentTokenCreated = z.infer<typeof EnrolmentTokenCreated>;

/** Tokens start with this, so a log scanner (and a person) can tell one from a password. */
export const orgTokenPrefix = 'wsorg_';

export const HostMappingInput = z
  .object({
    hostname: Hostname,
    roomId: Id,
    /** The person usually at this PC: named in its alarms. */
    personId: Id.nullable().default(null),
  })
  .strict();
export type HostMappingInput = z.infer<typeof HostMappingInput>;
export const HostMapping = z.object({ id: Id, hostname: z.string(), roomId: Id, personId: Id.nullable() });
export type HostMapping = z.infer<typeof HostMapping>;

// --- CSV import ---------------------------------------------------------------------------------

export const importKinds = ['people', 'rooms', 'hosts'] as const;
export const ImportKind = z.enum(importKinds);
export type ImportKind = z.infer<typeof ImportKind>;

/** The fields each kind of import knows, with their German labels; `required` must be mapped. */
export const importFields = {
  people: {
    login: { label: 'Anmeldename', required: true },
    firstName: { label: 'Vorname', required: true },
    lastName: { label: 'Nachname', required: true },
    phone: { label: 'Telefon', required: false },
    department: { label: 'Abteilung', required: false },
    building: { label: 'Gebäude', required: false },
    room: { label: 'Raum', required: false },
    groups: { label: 'Alarmgruppen', required: false },
  },
  rooms: {
    building: { label: 'Gebäude', required: true },
    floor: { label: 'Etage', required: true },
    level: { label: 'Ebene', required: false },
    room: { label: 'Raum', required: true },
    department: { label: 'Abteilung', required: false },
  },
  hosts: {
    hostname: { label: 'Rechnername', required: true },
    building: { label: 'Gebäude', required: false },
    room: { label: 'Raum', required: true },
    person: { label: 'Person (Anmeldename)', required: false },
  },
} as const satisfies Record<ImportKind, Record<string, { label: string; required: boolean }>>;

/** 10 MB of CSV (21,000 people are about 2 MB), as base64. */
export const importMaxBase64 = Math.ceil((10 * 1024 * 1024) / 3) * 4;

export const ImportRequest = z
  .object({
    kind: ImportKind,
    /** The file as the browser read it, base64: the server decodes UTF-8 or Windows-1252 itself. */
    file: z.base64().max(importMaxBase64, 'Datei zu groß (höchstens 10 MB)'),
    /** Field → column header; a field left out is found by its usual headers. */
    mapping: z.record(z.string(), z.string().max(200).nullable()).default({}),
    /** Apply the changes (false: only show what would change). */
    apply: z.boolean().default(false),
    /** Apply although some lines have errors: those lines are left out. */
    skipErrors: z.boolean().default(false),
  })
  .strict();
export type ImportRequest = z.infer<typeof ImportRequest>;

export const ImportLine = z.object({
  /** Line number in the file (the header is line 1). */
  line: z.number(),
  action: z.enum(['create', 'update', 'unchanged', 'error']),
  /** What the line is about, e.g. "Müller, Anna (amueller)". */
  label: z.string(),
  /** What changes, in German, e.g. "Telefon: 0221 1 → 0221 2". */
  changes: z.array(z.string()),
  errors: z.array(z.string()),
});
export type ImportLine = z.infer<typeof ImportLine>;

export const ImportResult = z.object({
  kind: ImportKind,
  encoding: z.enum(['utf-8', 'windows-1252']),
  delimiter: z.string(),
  columns: z.array(z.string()),
  /** The mapping used (after finding the unmapped fields by their usual headers). */
  mapping: z.record(z.string(), z.string().nullable()),
  lines: z.array(ImportLine),
  counts: z.object({ create: z.number(), update: z.number(), unchanged: z.number(), error: z.number() }),
  /** Also created on the way (departments, buildings, floors, alarm groups), in German. */
  alsoCreated: z.array(z.string()),
  applied: z.boolean(),
});
export type ImportResult = z.infer<typeof ImportResult>;

const admin = ['admin'] as const;
const adminOrDesk = ['admin', 'security_desk', 'control_centre'] as const;

export const rolloutRouteDefs = {
  listEnrolmentTokens: {
    method: 'GET',
    url: '/api/admin/enrolment-tokens',
    summary: 'Registrierungsschlüssel der Organisation',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    status: 200,
    response: z.array(EnrolmentToken),
  },
  createEnrolmentToken: {
    method: 'POST',
    url: '/api/admin/enrolment-tokens',
    summary: 'Registrierungsschlüssel erzeugen (für die Verteilung der Agenten per Softwareverteilung)',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    body: EnrolmentTokenInput,
    status: 201,
    response: EnrolmentTokenCreated,
  },
  revokeEnrolmentToken: {
    method: 'POST',
    url: '/api/admin/enrolment-tokens/:id/revoke',
    summary: 'Registrierungsschlüssel widerrufen (schon registrierte Rechner bleiben registriert)',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 200,
    response: EnrolmentToken,
  },
  listHostMappings: {
    method: 'GET',
    url: '/api/admin/host-mappings',
    summary: 'Rechnerzuordnung: Rechnername → Raum (und Person)',
    tag: 'Geräte',
    auth: { kind: 'session', roles: adminOrDesk },
    status: 200,
    response: z.array(HostMapping),
  },
  createHostMapping: {
    method: 'POST',
    url: '/api/admin/host-mappings',
    summary: 'Rechnerzuordnung anlegen (ein registrierter Rechner dieses Namens zieht mit um)',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    body: HostMappingInput,
    status: 201,
    response: HostMapping,
  },
  updateHostMapping: {
    method: 'PUT',
    url: '/api/admin/host-mappings/:id',
    summary: 'Rechnerzuordnung ändern (ein registrierter Rechner dieses Namens zieht mit um)',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    body: HostMappingInput,
    status: 200,
    response: HostMapping,
  },
  removeHostMapping: {
    method: 'DELETE',
    url: '/api/admin/host-mappings/:id',
    summary: 'Rechnerzuordnung löschen (der Rechner behält seinen Raum)',
    tag: 'Geräte',
    auth: { kind: 'session', roles: admin },
    params: IdParams,
    status: 204,
    response: null,
  },
  importCsv: {
    method: 'POST',
    url: '/api/admin/import',
    summary: 'CSV-Import von Personen, Räumen oder Rechnerzuordnungen (Vorschau oder Übernahme)',
    tag: 'Organisation',
    auth: { kind: 'session', roles: admin },
    body: ImportRequest,
    bodyLimit: importMaxBase64 + 64 * 1024,
    status: 200,
    response: ImportResult,
  },
} as const satisfies Record<string, RouteDef>;

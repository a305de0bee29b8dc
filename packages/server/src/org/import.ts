import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import {
  Hostname,
  Name,
  Phone,
  importFields,
  text,
  type ImportKind,
  type ImportLine,
  type ImportRequest,
  type ImportResult,
} from '@wachsam/protocol';
import type { z } from 'zod';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import {
  alarmGroupMembers,
  alarmGroups,
  buildings,
  departments,
  devices,
  floors,
  hostMappings,
  people,
  rooms,
} from '../db/schema.js';
import { followMapping } from '../devices/rollout.js';
import { departmentNamed } from './service.js';
import { AppError } from '../http/errors.js';

// CSV import of people, rooms and hostname mappings, as IT departments export them from Excel
// (German Excel: `;`, often Windows-1252, sometimes with a BOM) or from their directory. The
// preview and the import are the same plan: computed against the organisation's data in one
// transaction, and written only when the import is confirmed.

// --- reading the file ---------------------------------------------------------------------------

export interface CsvTable {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: string;
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
}

/** UTF-8 when the bytes are valid UTF-8 (with or without BOM), else Windows-1252 (Excel's "CSV"). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvTable['encoding'] } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** Lines per import: Cologne's 21,000 staff fit; a file of a million short lines does not run. */
export const maxRows = 50_000;

const badFile = (message: string) => new AppError('validation_failed', message, [{ path: 'body.file', message }]);

export function readCsv(bytes: Uint8Array): CsvTable {
  const { text, encoding } = decodeCsv(bytes);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // The separator the header uses most: `;` (German Excel), `,` or a tab.
  const delimiter = [';', ',', '\t']
    .map((d) => [d, firstLine.split(d).length] as const)
    .sort((a, b) => b[1] - a[1])[0]![0];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as { lines?: number; code?: string };
    throw badFile(
      `Die CSV-Datei ist nicht lesbar${e.lines ? ` (Zeile ${e.lines})` : ''}: ` +
        (e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'ein Anführungszeichen wird nicht geschlossen' : 'ungültiges Format'),
    );
  }
  const [head, ...body] = records;
  if (!head) throw badFile('Die Datei ist leer');
  if (body.length > maxRows)
    throw badFile(
      `Die Datei hat ${body.length.toLocaleString('de-DE')} Zeilen; höchstens ${maxRows.toLocaleString('de-DE')} je Import (bitte aufteilen)`,
    );
  return {
    encoding,
    delimiter,
    header: head.record.map((h) => h.trim()),
    rows: body.map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}

// --- which column is which field ----------------------------------------------------------------

const fold = (s: string) =>
  s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');

/** The headers a field is usually found under (German, English, Active Directory attributes). */
const synonyms: Record<string, string[]> = {
  login: [
    'anmeldename',
    'login',
    'kennung',
    'benutzername',
    'benutzerkennung',
    'samaccountname',
    'userprincipalname',
    'upn',
    'email',
    'mail',
  ],
  firstName: ['vorname', 'givenname', 'firstname'],
  lastName: ['nachname', 'familienname', 'name', 'sn', 'surname', 'lastname'],
  phone: ['telefon', 'telefonnummer', 'tel', 'durchwahl', 'telephonenumber', 'phone', 'mobil', 'mobile'],
  department: ['abteilung', 'organisationseinheit', 'oe', 'amt', 'dienststelle', 'department'],
  building: ['gebaeude', 'standort', 'liegenschaft', 'building'],
  floor: ['etage', 'stockwerk', 'geschoss', 'floor'],
  level: ['ebene', 'level', 'etagennummer'],
  room: ['raum', 'raumnummer', 'zimmer', 'buero', 'room'],
  groups: ['alarmgruppen', 'alarmgruppe', 'gruppen', 'groups'],
  hostname: ['rechnername', 'rechner', 'hostname', 'computername', 'computer', 'pc', 'pcname', 'arbeitsplatz'],
  person: ['person', 'anmeldename', 'login', 'kennung', 'benutzer', 'benutzername', 'samaccountname', 'mitarbeiter'],
};

export function mapColumns(
  kind: ImportKind,
  header: string[],
  given: Record<string, string | null>,
): Record<string, string | null> {
  const fields = Object.keys(importFields[kind]);
  const unknown = Object.keys(given).filter((f) => !fields.includes(f));
  if (unknown.length) throw badFile(`Unbekanntes Feld in der Spaltenzuordnung: ${unknown.join(', ')}`);
  const mapping: Record<string, string | null> = {};
  const used = new Set<string>();
  for (const f of fields) {
    const chosen = given[f];
    if (chosen === undefined) continue;
    if (chosen !== null && !header.includes(chosen)) throw badFile(`Die Spalte „${chosen}“ gibt es in der Datei nicht`);
    mapping[f] = chosen;
    if (chosen) used.add(chosen);
  }
  for (const f of fields) {
    if (f in mapping) continue;
    const found = header.find((h) => !used.has(h) && synonyms[f]!.includes(fold(h)));
    mapping[f] = found ?? null;
    if (found) used.add(found);
  }
  const missing = Object.entries(importFields[kind])
    .filter(([f, def]) => def.required && !mapping[f])
    .map(([, def]) => def.label);
  if (missing.length)
    throw new AppError(
      'validation_failed',
      `Spalte nicht gefunden: ${missing.join(', ')}. Bitte in der Spaltenzuordnung wählen.`,
      missing.map((m) => ({ path: 'body.mapping', message: `${m} fehlt` })),
    );
  return mapping;
}

// --- the plan -----------------------------------------------------------------------------------

interface Line extends ImportLine {
  /** The write this line makes, run only when the import is applied. */
  write?: (w: Writer) => Promise<void>;
}

/** What a plan creates on the way (departments, buildings, floors, groups): created once, by name. */
class Writer {
  readonly ids = new Map<string, string>();
  constructor(
    readonly tx: Tx,
    readonly orgId: string,
  ) {}
  async once(key: string, create: () => Promise<string>): Promise<string> {
    let id = this.ids.get(key);
    if (!id) {
      id = await create();
      this.ids.set(key, id);
    }
    return id;
  }
  /** The department a line names: unchanged (undefined), none (null), known, or created once. */
  async department(wanted: string | null | undefined, known: string | undefined): Promise<string | null | undefined> {
    if (wanted === undefined || wanted === null) return wanted;
    return known ?? this.once(`dep:${key(wanted)}`, () => departmentNamed(this.tx, this.orgId, wanted));
  }
}

const firstIssue = (r: z.ZodSafeParseResult<unknown>) => (r.success ? null : r.error.issues[0]!.message);

function check<T>(schema: z.ZodType<T>, value: string, label: string, errors: string[]): T | null {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  errors.push(`${label}: ${firstIssue(r)}`);
  return null;
}

const Login = text(200).toLowerCase().min(3, 'mindestens 3 Zeichen');
const Level = text(10).regex(/^-?\d{1,3}$/, 'ganze Zahl erwartet');

/** "2. OG" → 2, "EG" → 0, "UG" → -1: the floor's level when the file has none. */
export function levelOf(floorName: string): number {
  const n = fold(floorName);
  if (n === 'eg' || n.startsWith('erdgeschoss')) return 0;
  const num = /(-?\d+)/.exec(floorName)?.[1];
  if (n.includes('ug') || n.includes('untergeschoss') || n.includes('keller')) return -Math.abs(Number(num ?? 1));
  return num ? Number(num) : 0;
}

type Loaded = Awaited<ReturnType<typeof load>>;

async function load(tx: Tx, orgId: string) {
  const [deps, blds, flrs, rms, ppl, grps, members, maps] = await Promise.all([
    tx.select().from(departments).where(eq(departments.orgId, orgId)),
    tx.select().from(buildings).where(eq(buildings.orgId, orgId)),
    tx.select().from(floors).where(eq(floors.orgId, orgId)),
    tx.select().from(rooms).where(eq(rooms.orgId, orgId)),
    tx
      .select({
        id: people.id,
        login: people.login,
        managedBy: people.managedBy,
        firstName: people.firstName,
        lastName: people.lastName,
        phone: people.phone,
        departmentId: people.departmentId,
        roomId: people.roomId,
      })
      .from(people)
      .where(eq(people.orgId, orgId)),
    tx.select().from(alarmGroups).where(eq(alarmGroups.orgId, orgId)),
    tx
      .select({ groupId: alarmGroupMembers.groupId, personId: alarmGroupMembers.personId })
      .from(alarmGroupMembers)
      .innerJoin(alarmGroups, eq(alarmGroups.id, alarmGroupMembers.groupId))
      .where(eq(alarmGroups.orgId, orgId)),
    tx.select().from(hostMappings).where(eq(hostMappings.orgId, orgId)),
  ]);
  return { deps, blds, flrs, rms, ppl, grps, members, maps };
}

const key = (...parts: string[]) => parts.map((p) => p.trim().toLowerCase()).join('\u0000');

/** Rooms by name, and by building and name: a room name alone may exist in several buildings. */
function roomFinder(s: Loaded) {
  const buildingOfFloor = new Map(s.flrs.map((f) => [f.id, f.buildingId]));
  const buildingName = new Map(s.blds.map((b) => [b.id, b.name]));
  const floorName = new Map(s.flrs.map((f) => [f.id, f.name]));
  const label = new Map(
    s.rms.map((r) => [
      r.id,
      `${r.name} (${buildingName.get(buildingOfFloor.get(r.floorId)!)}, ${floorName.get(r.floorId)})`,
    ]),
  );
  return {
    label: (id: string | null) => (id ? (label.get(id) ?? id) : '–'),
    find(building: string, room: string, errors: string[]): string | null {
      const matches = s.rms.filter(
        (r) =>
          key(r.name) === key(room) &&
          (!building || key(buildingName.get(buildingOfFloor.get(r.floorId)!) ?? '') === key(building)),
      );
      if (matches.length === 1) return matches[0]!.id;
      if (matches.length === 0)
        errors.push(
          `Raum „${room}“${building ? ` im Gebäude „${building}“` : ''} ist unbekannt (erst Räume importieren)`,
        );
      else errors.push(`Raum „${room}“ gibt es in mehreren Gebäuden: bitte die Spalte Gebäude angeben`);
      return null;
    },
  };
}

function duplicates(lines: Line[], keyOf: Map<number, string>) {
  const seen = new Map<string, number>();
  for (const l of lines) {
    const k = keyOf.get(l.line);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first !== undefined) l.errors.push(`doppelt in der Datei (wie Zeile ${first})`);
    else seen.set(k, l.line);
  }
}

async function planPeople(
  tx: Tx,
  orgId: string,
  s: Loaded,
  rows: CsvTable['rows'],
  col: (cells: string[], f: string) => string | undefined,
) {
  const byLogin = new Map(s.ppl.filter((p) => p.login).map((p) => [p.login!, p]));
  const depByName = new Map(s.deps.map((d) => [key(d.name), d]));
  const depName = new Map(s.deps.map((d) => [d.id, d.name]));
  const groupByName = new Map(s.grps.map((g) => [key(g.name), g]));
  const memberOf = new Set(s.members.map((m) => `${m.groupId}:${m.personId}`));
  const roomsOf = roomFinder(s);
  const alsoCreated = new Set<string>();
  const lines: Line[] = [];
  const loginOf = new Map<number, string>();

  for (const { line, cells } of rows) {
    const errors: string[] = [];
    const login = check(Login, col(cells, 'login') ?? '', 'Anmeldename', errors);
    const firstName = check(Name, col(cells, 'firstName') ?? '', 'Vorname', errors);
    const lastName = check(Name, col(cells, 'lastName') ?? '', 'Nachname', errors);
    const phoneCell = col(cells, 'phone');
    const phone = phoneCell === undefined ? undefined : check(Phone, phoneCell, 'Telefon', errors);
    const depCell = col(cells, 'department');
    const depCheck = depCell ? check(Name, depCell, 'Abteilung', errors) : null;
    const roomCell = col(cells, 'room');
    const roomId =
      roomCell === undefined
        ? undefined
        : roomCell === ''
          ? null
          : roomsOf.find(col(cells, 'building') ?? '', roomCell, errors);
    const groupNames = (col(cells, 'groups') ?? '')
      .split(/[,|]/)
      .map((g) => g.trim())
      .filter(Boolean);
    for (const g of groupNames) check(Name, g, 'Alarmgruppe', errors);
    if (login) loginOf.set(line, login);
    const label = `${lastName ?? '?'}, ${firstName ?? '?'} (${login ?? '?'})`;
    if (errors.length || !login || !firstName || !lastName || phone === null) {
      lines.push({ line, action: 'error', label, changes: [], errors });
      continue;
    }
    const before = byLogin.get(login);
    if (before?.managedBy) {
      lines.push({
        line,
        action: 'error',
        label,
        changes: [],
        errors: [
          `wird über ${before.managedBy === 'ldap' ? 'LDAP' : 'SCIM'} aus dem Verzeichnis gepflegt: dort ändern`,
        ],
      });
      continue;
    }
    const changes: string[] = [];
    const depWanted = depCell === undefined ? undefined : depCheck ? depCheck : null;
    const dep = depWanted ? depByName.get(key(depWanted)) : undefined;
    if (depWanted && !dep) alsoCreated.add(`Abteilung ${depWanted}`);
    const diff = (what: string, a: string, b: string) => {
      if (a !== b) changes.push(`${what}: ${a || '–'} → ${b || '–'}`);
    };
    if (before) {
      diff('Vorname', before.firstName, firstName);
      diff('Nachname', before.lastName, lastName);
      if (phone !== undefined) diff('Telefon', before.phone, phone);
      if (depWanted !== undefined)
        diff('Abteilung', before.departmentId ? (depName.get(before.departmentId) ?? '') : '', depWanted ?? '');
      if (roomId !== undefined && roomId !== before.roomId)
        changes.push(`Raum: ${roomsOf.label(before.roomId)} → ${roomsOf.label(roomId)}`);
    }
    const newGroups = groupNames.filter((g) => {
      const grp = groupByName.get(key(g));
      return !grp || !before || !memberOf.has(`${grp.id}:${before.id}`);
    });
    for (const g of newGroups) {
      changes.push(`+ Alarmgruppe ${g}`);
      if (!groupByName.has(key(g))) alsoCreated.add(`Alarmgruppe ${g}`);
    }
    const action = !before ? 'create' : changes.length ? 'update' : 'unchanged';
    lines.push({
      line,
      action,
      label,
      changes: before ? changes : [],
      errors: [],
      write:
        action === 'unchanged'
          ? undefined
          : async (w) => {
              const departmentId = await w.department(depWanted, dep?.id);
              const values = {
                firstName,
                lastName,
                ...(phone !== undefined ? { phone } : {}),
                ...(departmentId !== undefined ? { departmentId } : {}),
                ...(roomId !== undefined ? { roomId } : {}),
              };
              const id = before
                ? (
                    await w.tx.update(people).set(values).where(eq(people.id, before.id)).returning({ id: people.id })
                  )[0]!.id
                : (
                    await w.tx
                      .insert(people)
                      .values({ ...values, orgId, login })
                      .returning({ id: people.id })
                  )[0]!.id;
              for (const g of newGroups) {
                const groupId =
                  groupByName.get(key(g))?.id ??
                  (await w.once(`group:${key(g)}`, async () => {
                    const [row] = await w.tx
                      .insert(alarmGroups)
                      .values({ orgId, name: g })
                      .returning({ id: alarmGroups.id });
                    return row!.id;
                  }));
                await w.tx.insert(alarmGroupMembers).values({ groupId, personId: id }).onConflictDoNothing();
              }
            },
    });
  }
  duplicates(lines, loginOf);
  // Logins are unique across the installation: one taken in another organisation is refused.
  const fresh = lines.filter((l) => l.action === 'create').map((l) => loginOf.get(l.line)!);
  if (fresh.length) {
    const taken = new Set(
      (
        await tx
          .select({ login: people.login })
          .from(people)
          .where(and(inArray(people.login, fresh), ne(people.orgId, orgId)))
      ).map((p) => p.login),
    );
    for (const l of lines)
      if (l.action === 'create' && taken.has(loginOf.get(l.line)!)) l.errors.push('Anmeldename ist schon vergeben');
  }
  return { lines, alsoCreated };
}

async function planRooms(
  s: Loaded,
  orgId: string,
  rows: CsvTable['rows'],
  col: (cells: string[], f: string) => string | undefined,
) {
  const bldByName = new Map(s.blds.map((b) => [key(b.name), b]));
  const flrByName = new Map(s.flrs.map((f) => [key(f.buildingId, f.name), f]));
  const roomByName = new Map(s.rms.map((r) => [key(r.floorId, r.name), r]));
  const depByName = new Map(s.deps.map((d) => [key(d.name), d]));
  const depName = new Map(s.deps.map((d) => [d.id, d.name]));
  const alsoCreated = new Set<string>();
  const lines: Line[] = [];
  const keyOf = new Map<number, string>();

  for (const { line, cells } of rows) {
    const errors: string[] = [];
    const building = check(Name, col(cells, 'building') ?? '', 'Gebäude', errors);
    const floor = check(Name, col(cells, 'floor') ?? '', 'Etage', errors);
    const room = check(Name, col(cells, 'room') ?? '', 'Raum', errors);
    const levelCell = col(cells, 'level');
    const level = levelCell ? check(Level, levelCell, 'Ebene', errors) : null;
    const depCell = col(cells, 'department');
    const depWanted = depCell === undefined ? undefined : depCell ? check(Name, depCell, 'Abteilung', errors) : null;
    const label = `${room ?? '?'} (${building ?? '?'}, ${floor ?? '?'})`;
    if (errors.length || !building || !floor || !room) {
      lines.push({ line, action: 'error', label, changes: [], errors });
      continue;
    }
    keyOf.set(line, key(building, floor, room));
    const b = bldByName.get(key(building));
    const f = b ? flrByName.get(key(b.id, floor)) : undefined;
    const r = f ? roomByName.get(key(f.id, room)) : undefined;
    const wantedLevel = level !== null ? Number(level) : levelOf(floor);
    const dep = depWanted ? depByName.get(key(depWanted)) : undefined;
    if (!b) alsoCreated.add(`Gebäude ${building}`);
    if (!f) alsoCreated.add(`Etage ${floor} (${building})`);
    if (depWanted && !dep) alsoCreated.add(`Abteilung ${depWanted}`);
    const changes: string[] = [];
    if (r && depWanted !== undefined) {
      const was = r.departmentId ? (depName.get(r.departmentId) ?? '') : '';
      if (was !== (depWanted ?? '')) changes.push(`Abteilung: ${was || '–'} → ${depWanted || '–'}`);
    }
    const levelChanged = f && level !== null && f.level !== wantedLevel;
    if (levelChanged) changes.push(`Ebene der Etage: ${f.level} → ${wantedLevel}`);
    const action = !r ? 'create' : changes.length ? 'update' : 'unchanged';
    lines.push({
      line,
      action,
      label,
      changes,
      errors: [],
      write:
        action === 'unchanged'
          ? undefined
          : async (w) => {
              const buildingId =
                b?.id ??
                (await w.once(`bld:${key(building)}`, async () => {
                  const [row] = await w.tx
                    .insert(buildings)
                    .values({ orgId, name: building })
                    .returning({ id: buildings.id });
                  return row!.id;
                }));
              const floorId =
                f?.id ??
                (await w.once(`flr:${key(buildingId, floor)}`, async () => {
                  const [row] = await w.tx
                    .insert(floors)
                    .values({ orgId, buildingId, name: floor, level: wantedLevel })
                    .returning({ id: floors.id });
                  return row!.id;
                }));
              if (levelChanged) await w.tx.update(floors).set({ level: wantedLevel }).where(eq(floors.id, floorId));
              const departmentId = await w.department(depWanted, dep?.id);
              if (r) {
                if (departmentId !== undefined)
                  await w.tx.update(rooms).set({ departmentId }).where(eq(rooms.id, r.id));
              } else
                await w.tx.insert(rooms).values({ orgId, floorId, name: room, departmentId: departmentId ?? null });
            },
    });
  }
  duplicates(lines, keyOf);
  return { lines, alsoCreated };
}

async function planHosts(
  tx: Tx,
  s: Loaded,
  orgId: string,
  rows: CsvTable['rows'],
  col: (cells: string[], f: string) => string | undefined,
) {
  const byHost = new Map(s.maps.map((m) => [m.hostname, m]));
  const byLogin = new Map(s.ppl.filter((p) => p.login).map((p) => [p.login!, p]));
  const personName = new Map(s.ppl.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
  const roomsOf = roomFinder(s);
  const lines: Line[] = [];
  const keyOf = new Map<number, string>();
  const enrolled = new Set(
    (
      await tx
        .select({ hostname: devices.hostname })
        .from(devices)
        .where(and(eq(devices.orgId, orgId), isNotNull(devices.hostname)))
    ).map((d) => d.hostname!),
  );

  for (const { line, cells } of rows) {
    const errors: string[] = [];
    const hostname = check(Hostname, col(cells, 'hostname') ?? '', 'Rechnername', errors);
    const roomCell = col(cells, 'room') ?? '';
    const roomId = roomCell ? roomsOf.find(col(cells, 'building') ?? '', roomCell, errors) : null;
    if (!roomCell) errors.push('Raum: darf nicht leer sein');
    const personCell = col(cells, 'person')?.toLowerCase() ?? '';
    const person = personCell ? byLogin.get(personCell) : undefined;
    if (personCell && !person) errors.push(`Person „${personCell}“ ist unbekannt (erst Personen importieren)`);
    const label = hostname ?? (col(cells, 'hostname') || '?');
    if (errors.length || !hostname || !roomId) {
      lines.push({ line, action: 'error', label, changes: [], errors });
      continue;
    }
    keyOf.set(line, hostname);
    const personId = person?.id ?? null;
    const before = byHost.get(hostname);
    const changes: string[] = [];
    if (before && before.roomId !== roomId)
      changes.push(`Raum: ${roomsOf.label(before.roomId)} → ${roomsOf.label(roomId)}`);
    if (before && before.personId !== personId)
      changes.push(
        `Person: ${before.personId ? personName.get(before.personId) : '–'} → ${personId ? personName.get(personId) : '–'}`,
      );
    if (changes.length && enrolled.has(hostname)) changes.push('der registrierte Rechner zieht mit um');
    if (!before && enrolled.has(hostname)) changes.push('registrierter Rechner ohne Zuordnung bekommt seinen Raum');
    const action = !before ? 'create' : changes.length ? 'update' : 'unchanged';
    lines.push({
      line,
      action,
      label,
      changes,
      errors: [],
      write:
        action === 'unchanged'
          ? undefined
          : async (w) => {
              const [row] = before
                ? await w.tx
                    .update(hostMappings)
                    .set({ roomId, personId })
                    .where(eq(hostMappings.id, before.id))
                    .returning()
                : await w.tx.insert(hostMappings).values({ orgId, hostname, roomId, personId }).returning();
              await followMapping(w.tx, orgId, row!);
            },
    });
  }
  duplicates(lines, keyOf);
  return { lines, alsoCreated: new Set<string>() };
}

/** Preview (apply: false) or apply a CSV import. The plan is the same either way. */
export class CsvImport {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  run = (actor: Actor, req: ImportRequest): Promise<ImportResult> => {
    const table = readCsv(Buffer.from(req.file, 'base64'));
    const mapping = mapColumns(req.kind, table.header, req.mapping);
    const index = new Map(Object.entries(mapping).map(([f, c]) => [f, c === null ? -1 : table.header.indexOf(c)]));
    /** The cell of a mapped field ('' when the line is short), undefined when the field is not mapped. */
    const col = (cells: string[], f: string) => {
      const i = index.get(f) ?? -1;
      return i < 0 ? undefined : (cells[i] ?? '').trim();
    };
    return this.db.transaction(async (tx) => {
      const state = await load(tx, actor.orgId);
      const plan =
        req.kind === 'people'
          ? await planPeople(tx, actor.orgId, state, table.rows, col)
          : req.kind === 'rooms'
            ? await planRooms(state, actor.orgId, table.rows, col)
            : await planHosts(tx, state, actor.orgId, table.rows, col);
      for (const l of plan.lines)
        if (l.errors.length) {
          l.action = 'error';
          l.changes = [];
        }
      const counts = { create: 0, update: 0, unchanged: 0, error: 0 };
      for (const l of plan.lines) counts[l.action]++;
      if (req.apply && counts.error > 0 && !req.skipErrors)
        throw new AppError(
          'validation_failed',
          `${counts.error} Zeile(n) mit Fehlern: bitte korrigieren oder „fehlerhafte Zeilen überspringen“ wählen`,
        );
      if (req.apply) {
        const w = new Writer(tx, actor.orgId);
        for (const l of plan.lines) if (l.action !== 'error') await l.write?.(w);
        await appendAudit(tx, {
          orgId: actor.orgId,
          at: this.clock.now(),
          actor,
          action: 'import.applied',
          subject: `CSV-Import ${req.kind}`,
          detail: { ...counts, lines: table.rows.length },
        });
      }
      return {
        kind: req.kind,
        encoding: table.encoding,
        delimiter: table.delimiter,
        columns: table.header,
        mapping,
        lines: plan.lines.map(({ line, action, label, changes, errors }) => ({ line, action, label, changes, errors })),
        counts,
        alsoCreated: [...plan.alsoCreated],
        applied: req.apply,
      };
    });
  };
}

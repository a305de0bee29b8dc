import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { agentConfigFileName, defaultPlanSteps, type AgentConfigFile, type Role } from '@wachsam/protocol';
import { hashPassword } from '../auth/passwords.js';
import { newToken, sha256 } from '../auth/tokens.js';
import type { Db } from '../db/client.js';
import {
  alarmGroupMembers,
  alarmGroups,
  alarmPlans,
  buildings,
  departments,
  devices,
  floors,
  organisations,
  people,
  rooms,
} from '../db/schema.js';
import { enrolmentFacts } from '../devices/service.js';
import { seedPrivacyContacts } from '../register/contacts.js';
import { seedHelpOffers } from '../reports/demo.js';
import { firstOrganisationLock } from './setup.js';

export const demoPassword = 'demo1234demo';
export const demoDomain = 'musterstadt.example';

export interface DemoLogin {
  login: string;
  role: string;
}

type PersonSeed = [first: string, last: string, dept: number, room: string, roles: Role[], login?: string];

/**
 * The demo town hall: two buildings, rooms on several floors, twenty-three people, alarm groups, the
 * default plan, and an enrolled demo workstation whose agent config is written to
 * `<dataDir>/demo-agent/agent.json`. Created only when the database has no organisation yet.
 */
export async function seedDemo(
  db: Db,
  opts: { dataDir: string; publicUrl: string; slug?: string; name?: string },
): Promise<DemoLogin[] | null> {
  const slug = opts.slug ?? 'musterstadt';
  const [existing] = await db.select().from(organisations).limit(1);
  if (existing && !opts.slug) return null;
  const hash = await hashPassword(demoPassword);
  const domain = slug === 'musterstadt' ? demoDomain : `${slug}.example`;

  return db.transaction(async (tx) => {
    // Several instances may start at once on a fresh database: one seeds, the others wait here
    // and then find the organisation (the check above ran before the lock, so it is repeated).
    await tx.execute(sql`select pg_advisory_xact_lock(${firstOrganisationLock})`);
    const [seeded] = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(opts.slug ? eq(organisations.slug, slug) : sql`true`)
      .limit(1);
    if (seeded) return null;
    const [org] = await tx
      .insert(organisations)
      .values({ slug, name: opts.name ?? 'Stadt Musterstadt' })
      .returning();
    const orgId = org!.id;
    const deptNames = ['Bürgerbüro', 'Sozialamt', 'Ordnungsamt', 'Stadtkasse', 'Zentrale Dienste'];
    const depts = await tx
      .insert(departments)
      .values(deptNames.map((name) => ({ orgId, name })))
      .returning();
    const [rathaus, nord] = await tx
      .insert(buildings)
      .values([
        // Coordinates let a mobile alarm close to a building show its address.
        { orgId, name: 'Rathaus', address: 'Marktplatz 1, 12345 Musterstadt', latitude: 50.9383, longitude: 6.959 },
        {
          orgId,
          name: 'Bürgerzentrum Nord',
          address: 'Nordring 17, 12345 Musterstadt',
          latitude: 50.9612,
          longitude: 6.9501,
        },
      ])
      .returning();
    const fl = await tx
      .insert(floors)
      .values([
        { orgId, buildingId: rathaus!.id, name: 'Erdgeschoss', level: 0 },
        { orgId, buildingId: rathaus!.id, name: '1. Obergeschoss', level: 1 },
        { orgId, buildingId: nord!.id, name: 'Erdgeschoss', level: 0 },
      ])
      .returning();
    const roomSeeds: Array<[string, number, number]> = [
      ['E.01 Bürgerbüro Schalter 1', 0, 0],
      ['E.02 Bürgerbüro Schalter 2', 0, 0],
      ['E.05 Pforte', 0, 4],
      ['1.10 Sozialamt Beratung', 1, 1],
      ['1.12 Sozialamt Leistungen', 1, 1],
      ['1.20 Stadtkasse', 1, 3],
      ['N.01 Ordnungsamt Außendienst', 2, 2],
      ['N.03 Ordnungsamt Bußgeldstelle', 2, 2],
    ];
    const rm = await tx
      .insert(rooms)
      .values(roomSeeds.map(([name, f, d]) => ({ orgId, floorId: fl[f]!.id, departmentId: depts[d]!.id, name })))
      .returning();
    const roomByName = new Map(rm.map((r) => [r.name.split(' ')[0]!, r.id]));

    const seeds: PersonSeed[] = [
      ['Anna', 'Schmidt', 0, 'E.01', ['employee'], 'anna.schmidt'],
      ['Mehmet', 'Yılmaz', 0, 'E.02', ['employee', 'helper'], 'mehmet.yilmaz'],
      ['Jonas', 'Becker', 0, 'E.02', ['employee', 'helper'], 'jonas.becker'],
      ['Sabine', 'Wagner', 0, 'E.01', ['employee', 'helper']],
      ['Petra', 'Hoffmann', 4, 'E.05', ['security_desk'], 'pforte'],
      ['Leitstelle', 'Sicherheitsdienst', 4, '', ['control_centre'], 'leitstelle'],
      ['Thomas', 'Klein', 1, '1.10', ['employee', 'helper'], 'thomas.klein'],
      ['Fatma', 'Demir', 1, '1.10', ['employee', 'helper']],
      ['Michael', 'Schulz', 1, '1.12', ['employee', 'helper']],
      ['Julia', 'Koch', 1, '1.12', ['employee']],
      ['Andreas', 'Richter', 3, '1.20', ['employee', 'helper']],
      ['Katrin', 'Wolf', 3, '1.20', ['employee']],
      ['Stefan', 'Neumann', 2, 'N.01', ['employee', 'helper', 'lookup'], 'stefan.neumann'],
      ['Olga', 'Schwarz', 2, 'N.01', ['employee']],
      ['Lukas', 'Zimmermann', 2, 'N.03', ['employee', 'helper']],
      ['Miriam', 'Braun', 2, 'N.03', ['employee']],
      ['Daniel', 'Krüger', 4, 'E.05', ['security_desk']],
      ['Claudia', 'Hartmann', 0, 'E.02', ['employee', 'supervisor'], 'claudia.hartmann'],
      ['Bernd', 'Lange', 4, 'E.05', ['admin'], 'it'],
      ['Ute', 'Schmitt', 1, '1.12', ['employee', 'helper']],
      // ZeMAG: HR, the central security unit and the data-protection officer.
      ['Heike', 'Vogel', 4, '', ['employee', 'hr'], 'personal'],
      ['Markus', 'Sommer', 4, '', ['employee', 'security_management'], 'sicherheit'],
      ['Ingrid', 'Peters', 4, '', ['employee', 'data_protection'], 'datenschutz'],
    ];
    const ppl = await tx
      .insert(people)
      .values(
        seeds.map(([firstName, lastName, d, room, roles, login], i) => ({
          orgId,
          firstName,
          lastName,
          phone: `+49 221 555-${String(100 + i)}`,
          departmentId: depts[d]!.id,
          roomId: roomByName.get(room) ?? null,
          roles,
          login: login ? `${login}@${domain}` : null,
          passwordHash: login ? hash : null,
        })),
      )
      .returning();

    const helpersOf = (d: number) => ppl.filter((p, i) => seeds[i]![2] === d && p.roles.includes('helper'));
    for (const [name, d] of [
      ['Ersthelfer Bürgerbüro', 0],
      ['Ersthelfer Sozialamt', 1],
      ['Ersthelfer Ordnungsamt', 2],
    ] as const) {
      const [g] = await tx.insert(alarmGroups).values({ orgId, name }).returning();
      const members = helpersOf(d);
      if (members.length)
        await tx.insert(alarmGroupMembers).values(members.map((p) => ({ groupId: g!.id, personId: p.id })));
    }
    await tx
      .insert(alarmPlans)
      .values({ orgId, name: 'Standard-Alarmplan', scope: { kind: 'organisation' }, steps: defaultPlanSteps });
    await seedHelpOffers(tx, orgId);
    await seedPrivacyContacts(tx, orgId, { name: org!.name, domain });

    const anna = ppl[0]!;
    const [ws] = await tx
      .insert(devices)
      .values({
        orgId,
        kind: 'workstation',
        name: 'PC-BB-01',
        roomId: anna.roomId!,
        personId: anna.id,
        functionTestHours: 24,
      })
      .returning();
    const token = newToken();
    await tx
      .update(devices)
      .set({ tokenHash: sha256(token) })
      .where(eq(devices.id, ws!.id));
    await tx.insert(devices).values({
      orgId,
      kind: 'button',
      name: 'Taster Schalter 2',
      roomId: roomByName.get('E.02')!,
      externalId: 'taster-e02',
      functionTestHours: 0,
    });
    // A personal button of the field service: no room, it raises with Stefan's last known position.
    const stefan = ppl.find((p) => p.lastName === 'Neumann')!;
    await tx.insert(devices).values({
      orgId,
      kind: 'button',
      name: 'Persönlicher Taster Neumann',
      roomId: null,
      personId: stefan.id,
      externalId: 'taster-neumann-persoenlich',
      functionTestHours: 0,
    });

    const agentConfig: AgentConfigFile = {
      version: 1,
      server: opts.publicUrl,
      enrolment: { ...(await enrolmentFacts(tx, ws!)), token },
    };
    const agentDir = join(opts.dataDir, slug === 'musterstadt' ? 'demo-agent' : `demo-agent-${slug}`);
    mkdirSync(agentDir, { recursive: true });
    writeFileSync(join(agentDir, agentConfigFileName), JSON.stringify(agentConfig, null, 2), { mode: 0o600 });

    const loginRole = (l: string, role: string): DemoLogin => ({ login: `${l}@${domain}`, role });
    return [
      loginRole('it', 'Administration'),
      loginRole('pforte', 'Sicherheitsdienst / Pforte'),
      loginRole('leitstelle', 'Leitstelle'),
      loginRole('jonas.becker', 'Helfer/in'),
      loginRole('anna.schmidt', 'Beschäftigte/r (Demo-Arbeitsplatz PC-BB-01)'),
      loginRole('claudia.hartmann', 'Vorgesetzte/r Bürgerbüro'),
      loginRole('personal', 'Personalmanagement'),
      loginRole('sicherheit', 'Sicherheitsmanagement (zentrale Stelle)'),
      loginRole('stefan.neumann', 'Abfragende Stelle (Ordnungsamt Außendienst)'),
      loginRole('datenschutz', 'Datenschutz'),
    ];
  });
}

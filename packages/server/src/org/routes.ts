import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { adminResources, routes } from '@wachsam/protocol';
import { listAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../auth/service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { alarmGroups, alarmPlans, buildings, departments, floors, people, rooms } from '../db/schema.js';
import { register } from '../http/register.js';
import type { CsvImport } from './import.js';
import type { PeopleService } from './people.js';
import type { RoleRequests } from './role-requests.js';
import { cutoffsFor } from '../retention/policy.js';
import type { OrgService, OrgTable } from './service.js';
import type { SetupGate } from './setup.js';

type Crud = (typeof adminResources)[keyof typeof adminResources];

/** The four routes of one administered resource, all in the same shape. */
function crudRoutes<C extends Crud>(
  app: FastifyInstance,
  auth: AuthService,
  org: OrgService,
  crud: C,
  table: OrgTable,
  what: string,
  list: (orgId: string) => Promise<z.input<C['list']['response']>>,
  save: (
    actor: Actor,
    id: string | null,
    body: z.infer<C['create']['body']>,
  ) => Promise<z.input<C['create']['response']>>,
): void {
  register(app, auth, crud.list as Crud['list'], ({ actor }) => list(actor.orgId));
  register(app, auth, crud.create as Crud['create'], ({ actor, body }) =>
    save(actor, null, body as z.infer<C['create']['body']>),
  );
  register(app, auth, crud.update as Crud['update'], ({ actor, params, body }) =>
    save(actor, params.id, body as z.infer<C['create']['body']>),
  );
  register(app, auth, crud.remove, ({ actor, params }) => org.remove(actor, table, what, params.id));
}

export interface OrgServices {
  org: OrgService;
  csvImport: CsvImport;
  people: PeopleService;
  roleRequests: RoleRequests;
  setup: SetupGate;
}

export function orgRoutes(app: FastifyInstance, auth: AuthService, services: OrgServices, db: Db, clock: Clock): void {
  const { org, people: staff, roleRequests, setup, csvImport } = services;
  const r = adminResources;
  crudRoutes(app, auth, org, r.departments, departments, 'Abteilung', org.listDepartments, org.saveDepartment);
  crudRoutes(app, auth, org, r.buildings, buildings, 'Gebäude', org.listBuildings, org.saveBuilding);
  crudRoutes(app, auth, org, r.floors, floors, 'Etage', org.listFloors, org.saveFloor);
  crudRoutes(app, auth, org, r.rooms, rooms, 'Raum', org.listRooms, org.saveRoom);
  crudRoutes(app, auth, org, r.people, people, 'Person', staff.list, staff.save);
  crudRoutes(app, auth, org, r.groups, alarmGroups, 'Alarmgruppe', org.listGroups, org.saveGroup);
  crudRoutes(app, auth, org, r.plans, alarmPlans, 'Alarmplan', org.listPlans, org.savePlan);
  // An import writes thousands of rows: it waits its turn with the other heavy work.
  register(app, auth, routes.importCsv, ({ actor, body }) => csvImport.run(actor, body), { heavy: true });
  register(app, auth, routes.setPassword, ({ actor, params, body }) =>
    staff.setPassword(actor, params.id, body.password),
  );
  register(app, auth, routes.listRoleRequests, ({ actor }) => roleRequests.listOpen(actor));
  register(app, auth, routes.approveRoleRequest, ({ actor, params }) => roleRequests.approve(actor, params.id));
  register(app, auth, routes.rejectRoleRequest, ({ actor, params }) => roleRequests.reject(actor, params.id));
  register(app, auth, routes.setupStatus, async () => ({ needed: await setup.needed() }));
  register(app, auth, routes.setup, async ({ body, req }) => {
    const { token, ...input } = body;
    return setup.setup(token, input, req.ip);
  });
  // Entries past the audit log's retention are not shown, even before the retention job ran.
  register(app, auth, routes.audit, async ({ actor, query }) => {
    const { auditBefore } = await cutoffsFor(db, actor.orgId, clock.now());
    return listAudit(db, actor.orgId, query.limit, query.before, auditBefore);
  });
}

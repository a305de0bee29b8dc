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
import { cutoffsFor } from '../retention/policy.js';
import type { OrgService, OrgTable } from './service.js';

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

export function orgRoutes(app: FastifyInstance, auth: AuthService, org: OrgService, db: Db, clock: Clock): void {
  const r = adminResources;
  crudRoutes(app, auth, org, r.departments, departments, 'Abteilung', org.listDepartments, org.saveDepartment);
  crudRoutes(app, auth, org, r.buildings, buildings, 'Gebäude', org.listBuildings, org.saveBuilding);
  crudRoutes(app, auth, org, r.floors, floors, 'Etage', org.listFloors, org.saveFloor);
  crudRoutes(app, auth, org, r.rooms, rooms, 'Raum', org.listRooms, org.saveRoom);
  crudRoutes(app, auth, org, r.people, people, 'Person', org.listPeople, org.savePerson);
  crudRoutes(app, auth, org, r.groups, alarmGroups, 'Alarmgruppe', org.listGroups, org.saveGroup);
  crudRoutes(app, auth, org, r.plans, alarmPlans, 'Alarmplan', org.listPlans, org.savePlan);
  register(app, auth, routes.setPassword, ({ actor, params, body }) =>
    org.setPassword(actor, params.id, body.password),
  );
  // Entries past the audit log's retention are not shown, even before the retention job ran.
  register(app, auth, routes.audit, async ({ actor, query }) => {
    const { auditBefore } = await cutoffsFor(db, actor.orgId, clock.now());
    return listAudit(db, actor.orgId, query.limit, query.before, auditBefore);
  });
}

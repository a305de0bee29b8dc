import type { FastifyInstance } from 'fastify';
import { adminResources, routes } from '@wachsam/protocol';
import { listAudit } from '../audit/repository.js';
import type { AuthService } from '../auth/service.js';
import type { Db } from '../db/client.js';
import { alarmGroups, alarmPlans, buildings, departments, floors, people, rooms } from '../db/schema.js';
import { register } from '../http/register.js';
import type { OrgService } from './service.js';

export function orgRoutes(app: FastifyInstance, auth: AuthService, org: OrgService, db: Db): void {
  const r = adminResources;

  register(app, auth, r.departments.list, ({ actor }) => org.listDepartments(actor.orgId));
  register(app, auth, r.departments.create, ({ actor, body }) => org.saveDepartment(actor, null, body));
  register(app, auth, r.departments.update, ({ actor, params, body }) => org.saveDepartment(actor, params.id, body));
  register(app, auth, r.departments.remove, ({ actor, params }) =>
    org.remove(actor, departments, 'Abteilung', params.id),
  );

  register(app, auth, r.buildings.list, ({ actor }) => org.listBuildings(actor.orgId));
  register(app, auth, r.buildings.create, ({ actor, body }) => org.saveBuilding(actor, null, body));
  register(app, auth, r.buildings.update, ({ actor, params, body }) => org.saveBuilding(actor, params.id, body));
  register(app, auth, r.buildings.remove, ({ actor, params }) => org.remove(actor, buildings, 'Gebäude', params.id));

  register(app, auth, r.floors.list, ({ actor }) => org.listFloors(actor.orgId));
  register(app, auth, r.floors.create, ({ actor, body }) => org.saveFloor(actor, null, body));
  register(app, auth, r.floors.update, ({ actor, params, body }) => org.saveFloor(actor, params.id, body));
  register(app, auth, r.floors.remove, ({ actor, params }) => org.remove(actor, floors, 'Etage', params.id));

  register(app, auth, r.rooms.list, ({ actor }) => org.listRooms(actor.orgId));
  register(app, auth, r.rooms.create, ({ actor, body }) => org.saveRoom(actor, null, body));
  register(app, auth, r.rooms.update, ({ actor, params, body }) => org.saveRoom(actor, params.id, body));
  register(app, auth, r.rooms.remove, ({ actor, params }) => org.remove(actor, rooms, 'Raum', params.id));

  register(app, auth, r.people.list, ({ actor }) => org.listPeople(actor.orgId));
  register(app, auth, r.people.create, ({ actor, body }) => org.savePerson(actor, null, body));
  register(app, auth, r.people.update, ({ actor, params, body }) => org.savePerson(actor, params.id, body));
  register(app, auth, r.people.remove, ({ actor, params }) => org.remove(actor, people, 'Person', params.id));
  register(app, auth, routes.setPassword, ({ actor, params, body }) =>
    org.setPassword(actor, params.id, body.password),
  );

  register(app, auth, r.groups.list, ({ actor }) => org.listGroups(actor.orgId));
  register(app, auth, r.groups.create, ({ actor, body }) => org.saveGroup(actor, null, body));
  register(app, auth, r.groups.update, ({ actor, params, body }) => org.saveGroup(actor, params.id, body));
  register(app, auth, r.groups.remove, ({ actor, params }) => org.remove(actor, alarmGroups, 'Alarmgruppe', params.id));

  register(app, auth, r.plans.list, ({ actor }) => org.listPlans(actor.orgId));
  register(app, auth, r.plans.create, ({ actor, body }) => org.savePlan(actor, null, body));
  register(app, auth, r.plans.update, ({ actor, params, body }) => org.savePlan(actor, params.id, body));
  register(app, auth, r.plans.remove, ({ actor, params }) => org.remove(actor, alarmPlans, 'Alarmplan', params.id));

  register(app, auth, routes.audit, ({ actor, query }) => listAudit(db, actor.orgId, query.limit, query.before));
}

import { routes } from '@wachsam/protocol';
import { Job, type Domain, type DomainContext } from '../domain.js';
import { register } from '../http/register.js';
import { RoleRequests } from '../org/role-requests.js';
import { DirectoryService } from './service.js';

/**
 * People from LDAP / Active Directory: sources, runs (dry first) and scheduled runs. A scheduled
 * run talks to the directory for as long as it takes: it runs beside housekeeping (its own
 * guarded job), never inside it, so the offline sweep never waits for a directory server.
 */
export function directoryDomain(ctx: DomainContext): Domain {
  const { app, auth, db, clock, log, config } = ctx;
  const service = new DirectoryService(db, clock, new RoleRequests(db, clock), log, {
    ...(config.ldapCaFile ? { caFile: config.ldapCaFile } : {}),
  });
  const r = routes;
  register(app, auth, r.listDirectorySources, ({ actor }) => service.list(actor.orgId));
  register(app, auth, r.createDirectorySource, ({ actor, body }) => service.save(actor, null, body));
  register(app, auth, r.updateDirectorySource, ({ actor, params, body }) => service.save(actor, params.id, body));
  register(app, auth, r.removeDirectorySource, ({ actor, params }) => service.remove(actor, params.id));
  register(app, auth, r.listDirectoryRuns, ({ actor, params }) => service.runs(actor.orgId, params.id));
  register(app, auth, r.runDirectorySync, ({ actor, params, body }) => service.run(actor, params.id, body), {
    heavy: true,
  });
  const scheduled = new Job('directory-sync', log, () => service.runDue());
  return {
    job: () => {
      scheduled.run();
      return Promise.resolve();
    },
  };
}

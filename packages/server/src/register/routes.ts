import type { FastifyReply } from 'fastify';
import { routes, truncatedHeader } from '@wachsam/protocol';
import type { Domain, DomainContext } from '../domain.js';
import { register } from '../http/register.js';
import { heavyWorkOf } from '../http/heavy.js';
import { AccessLogService, type LogExport } from './access-log.js';
import { PrivacyContactsService } from './contacts.js';
import { RegisterRetention } from './retention.js';
import { RightsService } from './rights.js';
import { RegisterService } from './service.js';

/** An export cut at its cap says so in a header, besides its own marker in the body. */
function exported<T>(reply: FastifyReply, e: LogExport<T>): T {
  if (e.truncated) reply.header(truncatedHeader, 'true');
  return e.body;
}

/** Files leave with their own type, never cached: they hold person data. */
function file<T>(reply: FastifyReply, type: string, name: string, body: T): T {
  reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
  return body;
}

/** Melde- und Auskunftsregister: thin routes over the register, access-log and rights services. */
export function registerDomain(ctx: DomainContext): Domain {
  const { app, auth, db, clock, log, registerLogKey } = ctx;
  const reg = new RegisterService(db, clock, registerLogKey);
  const alarmActivity = heavyWorkOf(app).alarms;
  const accessLog = new AccessLogService(db, clock, registerLogKey, () => alarmActivity.quiet());
  const rights = new RightsService(reg);
  const contacts = new PrivacyContactsService(db, clock);
  const retention = new RegisterRetention(db, clock, log, registerLogKey);

  register(app, auth, routes.listRegisterEntries, async ({ actor, query }) => reg.list(actor, query));
  register(app, auth, routes.createRegisterEntry, async ({ actor, body }) => reg.create(actor, body));
  register(app, auth, routes.getRegisterEntry, async ({ actor, params }) => reg.get(actor, params.id));
  register(app, auth, routes.updateRegisterEntry, async ({ actor, params, body }) =>
    reg.update(actor, params.id, body),
  );
  register(app, auth, routes.deleteRegisterEntry, async ({ actor, params }) => reg.remove(actor, params.id));
  register(app, auth, routes.reviewRegisterEntry, async ({ actor, params, body }) =>
    reg.review(actor, params.id, body.comment),
  );
  register(app, auth, routes.listDueRegisterEntries, async ({ actor }) => reg.due(actor));
  register(app, auth, routes.registerPrefill, async ({ actor, params }) => reg.prefill(actor, params.id));
  register(app, auth, routes.lookup, async ({ actor, body }) => reg.lookup(actor, body));

  register(app, auth, routes.searchAccessLog, async ({ actor, query }) => accessLog.search(actor, query));
  register(
    app,
    auth,
    routes.exportAccessLogCsv,
    async ({ actor, query, reply }) =>
      file(
        reply,
        'text/csv; charset=utf-8',
        'zugriffsprotokoll.csv',
        exported(reply, await accessLog.exportCsv(actor, query)),
      ),
    { heavy: true },
  );
  register(
    app,
    auth,
    routes.exportAccessLogJson,
    async ({ actor, query, reply }) =>
      file(
        reply,
        'application/json; charset=utf-8',
        'zugriffsprotokoll.json',
        exported(reply, await accessLog.exportJson(actor, query)),
      ),
    { heavy: true },
  );
  register(app, auth, routes.holdAccessLog, async ({ actor, body }) => accessLog.hold(actor, body));
  register(app, auth, routes.verifyAccessLog, async ({ actor }) => accessLog.verify(actor), { heavy: true });
  register(app, auth, routes.accessLogAnchor, async ({ actor, reply }) => {
    const anchor = await accessLog.anchor(actor);
    return file(
      reply,
      'application/json; charset=utf-8',
      `zugriffsprotokoll-anker-${anchor.at.slice(0, 10)}.json`,
      anchor,
    );
  });

  register(app, auth, routes.listNotificationTasks, async ({ actor }) => rights.tasks(actor));
  register(
    app,
    auth,
    routes.notificationLetter,
    async ({ actor, params, reply }) =>
      file(reply, 'application/pdf', 'benachrichtigung-art14.pdf', await rights.letter(actor, params.id)),
    { heavy: true },
  );
  register(app, auth, routes.recordNotificationSent, async ({ actor, params, body }) =>
    rights.markSent(actor, params.id, body.sentAt),
  );
  register(app, auth, routes.recordNotificationDeferred, async ({ actor, params, body }) =>
    rights.defer(actor, params.id, body.reason, body.reviewAt),
  );
  register(app, auth, routes.accessReport, async ({ actor, body }) => rights.accessReport(actor, body));
  register(
    app,
    auth,
    routes.accessReportPdf,
    async ({ actor, body, reply }) =>
      file(reply, 'application/pdf', 'auskunft-art15.pdf', await rights.accessReportPdf(actor, body)),
    { heavy: true },
  );

  register(app, auth, routes.getPrivacyContacts, async ({ actor }) => contacts.get(actor));
  register(app, auth, routes.putPrivacyContacts, async ({ actor, body }) => contacts.put(actor, body));

  return { job: retention.job };
}

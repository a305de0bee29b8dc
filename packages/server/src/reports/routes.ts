import { IdempotencyKey, idempotencyHeader, routes } from '@wachsam/protocol';
import type { Domain, DomainContext } from '../domain.js';
import { AppError } from '../http/errors.js';
import { register } from '../http/register.js';
import { AftercareService, debriefAfterAlarm } from './aftercare.js';
import { AttachmentService, attachmentRoutes } from './attachments.js';
import { ReportService } from './service.js';
import { SettingsService } from './settings.js';
import { forgetAlarmTasks, ReportRetention } from './retention.js';
import { reportNamesAlarm } from './retention-repository.js';
import { WarningRetention } from './warning-retention.js';
import { asPerson } from './workflow.js';

/** A create must name its idempotency key, so a retry after a lost answer cannot make a second draft. */
function idempotencyKeyOf(header: unknown): string {
  const key = IdempotencyKey.safeParse(header);
  if (!key.success)
    throw new AppError(
      'validation_failed',
      'Header Idempotency-Key fehlt oder ist ungültig (8–200 Zeichen, A–Z a–z 0–9 . _ : -)',
      [{ path: 'headers.idempotency-key', message: 'erforderlich' }],
    );
  return key.data;
}

/** Reports (Meldungen), their workflow, published warnings, help offers and aftercare. */
export function reportsDomain(ctx: DomainContext): Domain {
  const { app, auth, db, clock } = ctx;
  const aftercare = new AftercareService(db, clock);
  const reports = new ReportService(db, clock, aftercare, (c) => ctx.alarms.claims.kept(c));
  const settings = new SettingsService(db, clock);
  ctx.alarms.onResolved(debriefAfterAlarm);
  // An alarm a kept report names is kept as long; its debrief task goes with it.
  ctx.alarms.claims.holdWhile(reportNamesAlarm);
  ctx.alarms.claims.onForget(forgetAlarmTasks);

  register(app, auth, routes.createReport, ({ actor, body, req }) =>
    reports.create(asPerson(actor), body, idempotencyKeyOf(req.headers[idempotencyHeader])),
  );
  register(app, auth, routes.listPlaces, ({ actor }) => reports.places(asPerson(actor)));
  register(app, auth, routes.listReports, ({ actor, query }) => reports.list(asPerson(actor), query));
  register(app, auth, routes.getReport, ({ actor, params }) => reports.get(asPerson(actor), params.id));
  register(app, auth, routes.updateReport, ({ actor, params, body }) =>
    reports.update(asPerson(actor), params.id, body),
  );
  register(app, auth, routes.submitReport, ({ actor, params }) => reports.submit(asPerson(actor), params.id));
  register(app, auth, routes.approveReport, ({ actor, params, body }) =>
    reports.approve(asPerson(actor), params.id, body.comment),
  );
  register(app, auth, routes.returnReport, ({ actor, params, body }) =>
    reports.return(asPerson(actor), params.id, body.comment),
  );
  register(app, auth, routes.fileComplaint, ({ actor, params, body }) =>
    reports.fileComplaint(asPerson(actor), params.id, body),
  );
  register(app, auth, routes.closeComplaint, ({ actor, params, body }) =>
    reports.closeComplaint(asPerson(actor), params.id, body),
  );
  register(app, auth, routes.qualityCheck, ({ actor, params, body }) =>
    reports.qualityCheck(asPerson(actor), params.id, body.comment),
  );
  register(app, auth, routes.publishReport, ({ actor, params, body }) =>
    reports.publish(asPerson(actor), params.id, body),
  );
  register(app, auth, routes.archiveReport, ({ actor, params, body }) =>
    reports.archive(asPerson(actor), params.id, body.comment),
  );
  register(app, auth, routes.reportFromAlarm, ({ actor, params }) => reports.fromAlarm(asPerson(actor), params.id));
  register(app, auth, routes.listWarnings, ({ actor }) => reports.warnings(asPerson(actor)));
  attachmentRoutes(app, auth, new AttachmentService(db, clock));

  register(app, auth, routes.listHelpOffers, ({ actor }) => aftercare.helpOffers(asPerson(actor)));
  register(app, auth, routes.createHelpOffer, ({ actor, body }) => aftercare.createHelpOffer(asPerson(actor), body));
  register(app, auth, routes.updateHelpOffer, ({ actor, params, body }) =>
    aftercare.updateHelpOffer(asPerson(actor), params.id, body),
  );
  register(app, auth, routes.deleteHelpOffer, ({ actor, params }) =>
    aftercare.deleteHelpOffer(asPerson(actor), params.id),
  );
  register(app, auth, routes.listTasks, ({ actor }) => aftercare.tasks(asPerson(actor)));
  register(app, auth, routes.completeTask, ({ actor, params, body }) =>
    aftercare.completeTask(asPerson(actor), params.id, body.comment),
  );

  register(app, auth, routes.getSettings, ({ actor }) => settings.get(asPerson(actor)));
  register(app, auth, routes.putSettings, ({ actor, body }) => settings.put(asPerson(actor), body));
  const warnings = new WarningRetention(db, clock, ctx.log);
  return { job: warnings.job, retainers: [new ReportRetention(db)] };
}

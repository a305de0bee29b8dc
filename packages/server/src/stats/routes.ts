import { statsRouteDefs as defs } from '@wachsam/protocol';
import type { Domain, DomainContext } from '../domain.js';
import { register } from '../http/register.js';
import { statsCsv } from './export.js';
import { renderInWorker } from '../http/file-workers.js';
import { organisationName } from './repository.js';
import { StatsService } from './service.js';

/** Anonymised statistics, exports and before/after comparisons (section 7 of ZeMAG). */
export function statsDomain(ctx: DomainContext): Domain {
  const { app, auth, db, clock } = ctx;
  const stats = new StatsService(db, clock);

  register(app, auth, defs.statsTable, ({ actor, query }) => stats.table(actor.orgId, query));
  register(app, auth, defs.statsTrend, ({ actor, query }) => stats.trend(actor.orgId, query));

  // Text and PDF leave as they are: Fastify sends a string with a non-JSON type, and a Buffer,
  // without the JSON serialiser; the route table still documents them.
  register(
    app,
    auth,
    defs.statsCsv,
    async ({ actor, query, reply }) => {
      const table = await stats.table(actor.orgId, query);
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="lagebild-${query.rows}-${table.period}.csv"`);
      return statsCsv(table);
    },
    { heavy: true },
  );
  register(
    app,
    auth,
    defs.statsPdf,
    async ({ actor, query, reply }) => {
      const { period, sections } = await stats.lagebild(actor.orgId, query);
      const pdf = await renderInWorker('lagebild', {
        organisation: await organisationName(db, actor.orgId),
        period,
        generatedAt: clock.now(),
        sections,
      });
      reply.type('application/pdf').header('content-disposition', `attachment; filename="lagebild-${period}.pdf"`);
      return pdf;
    },
    { heavy: true },
  );

  register(app, auth, defs.listMeasures, ({ actor }) => stats.listMeasures(actor.orgId));
  register(app, auth, defs.createMeasure, ({ actor, body }) => stats.saveMeasure(actor, null, body));
  register(app, auth, defs.updateMeasure, ({ actor, params, body }) => stats.saveMeasure(actor, params.id, body));
  register(app, auth, defs.deleteMeasure, ({ actor, params }) => stats.deleteMeasure(actor, params.id));
  register(app, auth, defs.beforeAfter, ({ actor, params, query }) =>
    stats.beforeAfter(actor.orgId, params.id, query.quarters),
  );
  return {};
}

import type { FastifyInstance } from 'fastify';
import { IdempotencyKey, idempotencyHeader, routes } from '@wachsam/protocol';
import type { AuthService } from '../auth/service.js';
import { AppError } from '../http/errors.js';
import { register } from '../http/register.js';
import type { MessageService } from './messages.js';
import type { AlarmService } from './service.js';

export function alarmRoutes(
  app: FastifyInstance,
  auth: AuthService,
  alarms: AlarmService,
  messages: MessageService,
): void {
  register(app, auth, routes.raiseAlarm, async ({ actor, body, req }) => {
    const key = IdempotencyKey.safeParse(req.headers[idempotencyHeader]);
    if (!key.success) {
      throw new AppError(
        'validation_failed',
        'Header Idempotency-Key fehlt oder ist ungültig (8–200 Zeichen, A–Z a–z 0–9 . _ : -)',
        [{ path: 'headers.idempotency-key', message: 'erforderlich' }],
      );
    }
    return alarms.raise(actor, body, key.data);
  });
  register(app, auth, routes.listAlarms, ({ actor, query }) =>
    alarms.list(actor, {
      open: query.open === undefined ? undefined : query.open === 'true',
      limit: query.limit,
      cursor: query.cursor,
    }),
  );
  register(app, auth, routes.getAlarm, ({ actor, params }) => alarms.detail(actor, params.id));
  register(app, auth, routes.respond, ({ actor, params, body }) => alarms.respond(actor, params.id, body.response));
  register(app, auth, routes.cancel, ({ actor, params }) => alarms.cancel(actor, params.id));
  register(app, auth, routes.resolve, ({ actor, params, body }) =>
    alarms.resolve(actor, params.id, body.outcome, body.note),
  );
  register(app, auth, routes.updatePosition, ({ actor, params, body }) =>
    alarms.updatePosition(actor, params.id, body.position),
  );
  register(app, auth, routes.listMessages, ({ actor, params }) => messages.list(actor, params.id));
  register(app, auth, routes.sendMessage, ({ actor, params, body }) => messages.send(actor, params.id, body.text));
}

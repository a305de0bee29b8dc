import type { FastifyInstance } from 'fastify';
import { routes } from '@wachsam/protocol';
import type { AuthService } from '../auth/service.js';
import { register } from '../http/register.js';
import type { PushService } from '../notify/push.js';
import type { PhoneService } from './phones.js';

export function mobileRoutes(
  app: FastifyInstance,
  auth: AuthService,
  phones: PhoneService,
  push: PushService,
  gatewaySecret: string | null,
): void {
  register(app, auth, routes.enrolPhone, ({ actor, body }) => phones.enrol(actor, body.name));
  register(app, auth, routes.reportPosition, ({ actor, body }) => phones.reportPosition(actor, body.position));
  register(app, auth, routes.inboundSms, ({ body }) => phones.inbound(body), { gatewaySecret });
  register(app, auth, routes.pushKey, async () => ({ publicKey: await push.publicKey() }));
  register(app, auth, routes.subscribePush, ({ actor, body }) => push.subscribe(actor, body));
  register(app, auth, routes.unsubscribePush, ({ actor, body }) => push.unsubscribe(actor, body.endpoint));
}

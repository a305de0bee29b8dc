import type { FastifyInstance } from 'fastify';
import { adminResources, routes } from '@wachsam/protocol';
import type { AlarmService } from '../alarms/service.js';
import type { AuthService } from '../auth/service.js';
import { AppError, notFound } from '../http/errors.js';
import { register } from '../http/register.js';
import type { Rollout } from './rollout.js';
import type { DeviceService } from './service.js';

export function deviceRoutes(
  app: FastifyInstance,
  auth: AuthService,
  devices: DeviceService,
  alarms: AlarmService,
  rollout: Rollout,
  enrolPerMinute: number,
): void {
  const r = adminResources.devices;
  register(app, auth, r.list, ({ actor }) => devices.list(actor.orgId));
  register(app, auth, r.create, ({ actor, body }) => devices.create(actor, body));
  register(app, auth, r.update, ({ actor, params, body }) => devices.update(actor, params.id, body));
  register(app, auth, r.remove, ({ actor, params }) => devices.remove(actor, params.id));
  register(app, auth, routes.enrolmentCode, ({ actor, params }) => devices.enrolmentCode(actor, params.id));
  register(app, auth, routes.revokeDevice, ({ actor, params }) => devices.revoke(actor, params.id));
  register(app, auth, routes.requestFunctionTest, ({ actor, params }) => devices.requestFunctionTest(actor, params.id));
  register(app, auth, routes.listFunctionTests, ({ actor }) => devices.listFunctionTests(actor.orgId));
  register(app, auth, routes.listOfflineDevices, ({ actor }) => devices.listOffline(actor.orgId));

  // Guessing codes is throttled like guessing passwords.
  register(
    app,
    auth,
    routes.enrol,
    ({ body }) =>
      'orgToken' in body
        ? rollout.enrolWithToken(body.orgToken, body.hostname)
        : devices.enrol(body.code, body.hostname),
    {
      config: { rateLimit: { max: enrolPerMinute, timeWindow: 60_000 } },
    },
  );
  const t = routes;
  register(app, auth, t.listEnrolmentTokens, ({ actor }) => rollout.listTokens(actor.orgId));
  register(app, auth, t.createEnrolmentToken, ({ actor, body }) => rollout.createToken(actor, body));
  register(app, auth, t.revokeEnrolmentToken, ({ actor, params }) => rollout.revokeToken(actor, params.id));
  register(app, auth, t.listHostMappings, ({ actor }) => rollout.listMappings(actor.orgId));
  register(app, auth, t.createHostMapping, ({ actor, body }) => rollout.saveMapping(actor, null, body));
  register(app, auth, t.updateHostMapping, ({ actor, params, body }) => rollout.saveMapping(actor, params.id, body));
  register(app, auth, t.removeHostMapping, ({ actor, params }) => rollout.removeMapping(actor, params.id));
  register(app, auth, routes.heartbeat, async ({ actor }) => {
    if (actor.kind === 'device') await devices.seen([actor.deviceId]);
  });
  register(app, auth, routes.reportFunctionTest, async ({ actor, body }) => {
    if (actor.kind !== 'device') throw new AppError('forbidden', 'Nur für registrierte Geräte');
    // A device names only its own test alarm: any other id (another organisation's included) is unknown here.
    if (body.alarmId && !(await alarms.isOwnFunctionTest(actor.orgId, actor.deviceId, body.alarmId)))
      throw notFound('Alarm');
    const result = await devices.reportFunctionTest(actor, body);
    // Its test alarm closes whatever the result: a function test never stays open in a list.
    if (body.alarmId) await alarms.closeFunctionTest(actor.deviceId, body.alarmId);
    return result;
  });
  register(app, auth, routes.buttonPress, async ({ actor, body }) => {
    if (actor.kind === 'device') await devices.seen([actor.deviceId]);
    return alarms.raise(
      actor,
      { source: 'network_button', test: body.test, functionTest: false },
      `button:${body.pressId}`,
    );
  });
}

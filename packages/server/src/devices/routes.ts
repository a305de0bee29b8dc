import type { FastifyInstance } from 'fastify';
import { adminResources, routes } from '@wachsam/protocol';
import type { AlarmService } from '../alarms/service.js';
import type { AuthService } from '../auth/service.js';
import { AttemptCounter } from '../auth/throttle.js';
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
  publicUrl: string | null,
): void {
  const r = adminResources.devices;
  register(app, auth, r.list, ({ actor }) => devices.list(actor.orgId));
  register(app, auth, r.create, ({ actor, body }) => devices.create(actor, body));
  register(app, auth, r.update, ({ actor, params, body }) => devices.update(actor, params.id, body));
  register(app, auth, r.remove, ({ actor, params }) => devices.remove(actor, params.id));
  register(app, auth, routes.enrolmentCode, ({ actor, params }) => devices.enrolmentCode(actor, params.id));
  // The phone calls the address the administrator's browser reached, unless PUBLIC_URL names it.
  register(app, auth, routes.deskPhoneUrl, ({ actor, params, req }) =>
    devices.deskPhoneUrl(actor, params.id, publicUrl ?? `${req.protocol}://${req.host}`),
  );
  register(app, auth, routes.revokeDevice, ({ actor, params }) => devices.revoke(actor, params.id));
  register(app, auth, routes.requestFunctionTest, ({ actor, params }) => devices.requestFunctionTest(actor, params.id));
  register(app, auth, routes.listFunctionTests, ({ actor }) => devices.listFunctionTests(actor.orgId));
  register(app, auth, routes.listOfflineDevices, ({ actor }) => devices.listOffline(actor.orgId));

  // Guessing one-time codes is throttled per address like guessing passwords. An organisation
  // token cannot be guessed: only wrong ones are counted, so the PCs of a building behind one
  // NAT address can all enrol when the software distribution runs at 8:00.
  const attempts = new AttemptCounter();
  const tooMany = () => new AppError('rate_limited', 'Zu viele Registrierungsversuche; bitte eine Minute warten');
  register(app, auth, routes.enrol, async ({ body, req }) => {
    if ('orgToken' in body) {
      const key = `token:${req.ip}`;
      if (attempts.exhausted(key, enrolPerMinute)) throw tooMany();
      try {
        return await rollout.enrolWithToken(body.orgToken, body.hostname);
      } catch (err) {
        if (err instanceof AppError && err.code === 'enrolment_code_invalid') attempts.take(key, enrolPerMinute);
        throw err;
      }
    }
    if (!attempts.take(`code:${req.ip}`, enrolPerMinute)) throw tooMany();
    return devices.enrol(body.code, body.hostname);
  });
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

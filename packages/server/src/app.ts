import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { smsGatewaySecretHeader } from '@wachsam/protocol';
import { MessageService } from './alarms/messages.js';
import { AlarmRetention, lastPositionRetainer } from './alarms/retention.js';
import { auditRetainer } from './audit/retention.js';
import { alarmRoutes } from './alarms/routes.js';
import { AlarmService } from './alarms/service.js';
import { authRoutes } from './auth/routes.js';
import { useSso } from './auth/sso/routes.js';
import { AuthService } from './auth/service.js';
import { setPasswordHashCost } from './auth/passwords.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { Hub } from './delivery/hub.js';
import { isAccessPayload } from './delivery/access.js';
import { pruneEvents } from './delivery/events.js';
import { Presence } from './delivery/presence.js';
import { useFileWorkers } from './http/file-workers.js';
import { heavyWorkOf } from './http/heavy.js';
import { DeskPhones, deskPhoneRoutes } from './devices/desk-phone.js';
import { FunctionTestSummary } from './devices/test-summary.js';
import { SmtpMailer } from './notify/mail.js';
import { Sockets } from './delivery/sockets.js';
import { realtimeRoutes, realtimeSocketError } from './delivery/routes.js';
import { deviceRoutes } from './devices/routes.js';
import { CsvImport } from './org/import.js';
import { directoryDomain } from './directory/routes.js';
import { scimRoutes } from './scim/routes.js';
import { Rollout } from './devices/rollout.js';
import { DeviceService } from './devices/service.js';
import { clientErrorHandler, frameworkErrors, installErrorHandling, unknownRoute } from './http/errors.js';
import { installBrowserGuards } from './http/browser.js';
import { installInputGuard } from './http/input.js';
import { logSerializers } from './http/logging.js';
import { PhoneService } from './mobile/phones.js';
import { mobileRoutes } from './mobile/routes.js';
import { OfflineAlerts } from './notify/alerts.js';
import { MqttButtons } from './notify/mqtt.js';
import { PushService } from './notify/push.js';
import { publicNetwork, type PushNetwork } from './notify/push-endpoint.js';
import { smsGateway } from './notify/sms.js';
import { demoPassword } from './org/demo.js';
import { PeopleService } from './org/people.js';
import { RoleRequests } from './org/role-requests.js';
import { orgRoutes } from './org/routes.js';
import { OrgService } from './org/service.js';
import { SetupGate } from './org/setup.js';
import { everyAtMost, Job, type Domain } from './domain.js';
import { legacyPrunedAction } from './register/chain.js';
import { openLogKey } from './register/log-key.js';
import { privateUmask } from './db/private-files.js';
import { registerDomain } from './register/routes.js';
import { RetentionJob } from './retention/job.js';
import { reportsDomain } from './reports/routes.js';
import { statsDomain } from './stats/routes.js';

export interface Wachsam {
  app: FastifyInstance;
  database: Database;
  services: {
    auth: AuthService;
    alarms: AlarmService;
    devices: DeviceService;
    org: OrgService;
    people: PeopleService;
    roleRequests: RoleRequests;
    push: PushService;
    offlineAlerts: OfflineAlerts;
  };
  hub: Hub;
  presence: Presence;
  /** Listen on the configured port; returns the base URL. */
  listen(): Promise<string>;
  /** Run the periodic jobs once now (tests drive them with a fake clock). */
  tick(): Promise<void>;
  /**
   * With no organisation in the database: open the one-time web setup and return its code (to
   * print on the console, never to the log); otherwise null.
   */
  openSetup(): Promise<string | null>;
  /** Start-up is complete (migrations, demo seed): /api/health answers 200 from now on. */
  markReady(): void;
  close(): Promise<void>;
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

// Validation messages reach people through the console: German, like the rest of the UI.
z.config(z.locales.de());

export async function createWachsam(
  config: Config,
  opts: {
    clock?: Clock;
    database?: Database;
    timers?: boolean;
    /** How push messages reach the network (tests resolve their own names). */
    pushNetwork?: Partial<PushNetwork>;
    /** Where the log goes (default stdout); tests read it to prove what it never says. */
    logStream?: { write(line: string): void };
  } = {},
): Promise<Wachsam> {
  const clock = opts.clock ?? systemClock;
  setPasswordHashCost(config.passwordHashCost);
  // Everything the server writes (database, key file, lock) is its user's alone.
  privateUmask();
  const app = Fastify({
    // No query strings, bodies or SQL parameters in the log (see http/logging.ts).
    logger: {
      level: config.logLevel,
      serializers: logSerializers,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    bodyLimit: 64 * 1024,
    // Error responses never carry stack traces; ids let an admin find the log line.
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
    // What the router and Node's parser refuse is answered like every other error.
    frameworkErrors,
    clientErrorHandler,
  });
  const database =
    opts.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      canaryMs: config.notifyCanaryMs,
      log: app.log,
    }));
  const db = database.db;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installInputGuard(app);

  // JSON only: a form or text/plain body is refused (415) before any route sees it; the evidence
  // upload declares its own types in its own scope.
  app.removeContentTypeParser('text/plain');
  // An empty body on a JSON POST (logout, cancel) is no body, not malformed JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || body === undefined) return done(null, undefined);
    parseJson(req, body.toString(), done);
  });

  // HSTS and upgrade-insecure-requests are added per request where the browser is on https
  // (see http/browser.ts), never over plain http.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: false,
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(websocket, {
    options: { maxPayload: 16 * 1024 },
    // Errors before the route took the socket over (see `releaseUpgrade`).
    errorHandler: (err, socket, req) => realtimeSocketError(err, socket, req.log),
  });
  // After the websocket plugin: its own request hook must have marked an upgrade request for a
  // refused handshake's connection to be closed.
  installBrowserGuards(app, config);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Wachsam API',
        version: '0.1.0',
        description: 'Stiller Alarm, Alarmplan, Geräte. Fehler: {error:{code,message}}.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'wachsam_session' },
          device: { type: 'http', scheme: 'bearer' },
          gateway: { type: 'apiKey', in: 'header', name: smsGatewaySecretHeader },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  // On a production installation the demo's published password logs nobody in, whatever
  // accounts still carry it (a demo seeded before the installation went live).
  const auth = new AuthService(db, clock, config.sessionHours, config.production ? [demoPassword] : []);
  // Heavy requests and their steps wait while this instance raises or fans out an alarm.
  const alarmActivity = heavyWorkOf(app).alarms;
  const alarms = new AlarmService(db, clock, config.deviceOfflineSeconds, alarmActivity);
  const devices = new DeviceService(db, clock, config.deviceOfflineSeconds);
  const org = new OrgService(db, clock);
  const roleRequests = new RoleRequests(db, clock);
  const people = new PeopleService(db, clock, roleRequests);
  const setup = new SetupGate(db, clock);
  const hub = new Hub(db, clock, app.log, undefined, alarmActivity);
  const instanceId = randomUUID();
  const presence = new Presence(db, clock, instanceId, config.deviceOfflineSeconds, alarms, devices, app.log);
  const fileWorkers = useFileWorkers();
  const sockets = new Sockets(db, clock, app.log);
  const messages = new MessageService(db, clock, alarms);
  const phones = new PhoneService(db, clock, alarms, {
    smsNumber: config.alarmSmsNumber,
    holdMs: config.mobileHoldMs,
  });
  const push = new PushService(db, clock, config.pushSubject, app.log, { ...publicNetwork(), ...opts.pushNetwork });
  const mailer = config.mail ? new SmtpMailer(config.mail.url, config.mail.from) : null;
  const offlineAlerts = new OfflineAlerts(
    db,
    clock,
    config.deviceOfflineSeconds,
    smsGateway(config.smsGateway, app.log),
    push,
    app.log,
    mailer && { mailer, publicUrl: config.publicUrl, controlCentre: config.mail!.controlCentre },
  );
  const testSummary = mailer ? new FunctionTestSummary(database.bulk, clock, mailer, app.log) : null;
  alarms.onAlerted((alarmId, step, known) => offlineAlerts.alerted(alarmId, step, known));

  authRoutes(app, auth, config);
  useSso(app, auth, roleRequests, db, clock, config);
  alarmRoutes(app, auth, alarms, messages);
  mobileRoutes(app, auth, phones, push, config.smsInboundSecret);
  deviceRoutes(app, auth, devices, alarms, new Rollout(db, clock), config.loginAttemptsPerMinute, config.publicUrl);
  deskPhoneRoutes(app, new DeskPhones(db, clock, alarms), config.loginAttemptsPerMinute, app.log);
  await scimRoutes(app, auth, db, clock, config.publicUrl);
  orgRoutes(app, auth, { org, people, roleRequests, setup, csvImport: new CsvImport(db, clock) }, db, clock);
  const realtime = realtimeRoutes(app, auth, hub, presence, sockets, clock);
  // The ZeMAG domains run on the bulk connections: an export never takes one an alarm needs.
  // The register's access-log key (outside the database); without it the register refuses every access.
  const registerLogKey = await openLogKey(config.registerLogKeyFile, database.bulk, app.log, clock.now());
  const domainContext = { app, auth, db: database.bulk, clock, config, log: app.log, alarms, registerLogKey };
  const domains: Domain[] = [
    reportsDomain(domainContext),
    registerDomain(domainContext),
    statsDomain(domainContext),
    directoryDomain(domainContext),
  ];
  app.get('/api/openapi.json', { schema: { hide: true } as object }, () => app.swagger());
  // Ready means: migrations applied, the demo (if any) seeded, the database answering. Until
  // then 503, so a load balancer or a test never sends a login into a half-started server.
  let ready = false;
  // Created at listen: its default client id names this host and port, stable across restarts,
  // so the broker keeps this instance's session (and the presses published while it was down).
  let mqtt: MqttButtons | null = null;
  app.get('/api/health', { schema: { hide: true } as object }, async (_req, reply) => {
    const databaseUp = await db
      .execute(sql`select 1`)
      .then(() => true)
      .catch(() => false);
    const ok = ready && databaseUp;
    return reply.status(ok ? 200 : 503).send({
      ok,
      ready,
      database: { kind: database.kind, up: databaseUp, listener: database.listenerHealth() },
      mqtt: mqtt?.health() ?? null,
      connections: hub.connectionCount,
    });
  });

  const webDist = config.webDist ?? defaultWebDist;
  const hasWeb = existsSync(webDist);
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false });
  // The console is a single-page app: unknown non-API paths get index.html.
  app.setNotFoundHandler((req, reply) => {
    if (hasWeb && req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
    return reply.status(404).send(unknownRoute(req.method, req.url));
  });

  await database.listen(
    (payload, committed) => (isAccessPayload(payload) ? sockets.onAccess(payload) : hub.onNotify(payload, committed)),
    () => {
      // Announcements may have been missed: fetch events by id, and check every socket's access.
      hub.onReconnect();
      sockets.revalidate().catch((err: unknown) => app.log.warn({ err }, 'socket revalidation failed'));
    },
  );

  // Two loops with their own timers and guards: an escalation that is due never waits behind
  // housekeeping (offline sweep, function tests, retention), and a slow housekeeping run only
  // delays the next housekeeping run.
  const escalation = new Job('escalation', app.log, () => alarms.escalateDue());
  // Its own job: a mail server that does not answer never holds up housekeeping.
  const summary = new Job('function-test summary', app.log, async () => testSummary?.run());
  const revalidateSockets = everyAtMost(clock, 60_000, () => sockets.revalidate());
  const closeFunctionTests = everyAtMost(clock, 60_000, () => alarms.closeStaleFunctionTests().then(() => undefined));
  const pruneStream = everyAtMost(clock, 3600_000, (now) => pruneEvents(database.bulk, now).then(() => undefined));
  // The retention of every domain's personal data, on the bulk connections. Reports go before
  // alarms: a report deleted in this run no longer holds the alarm it named.
  const retention = new RetentionJob(database.bulk, clock, app.log, [
    ...domains.flatMap((d) => d.retainers ?? []),
    new AlarmRetention(database.bulk, alarms.claims),
    lastPositionRetainer(database.bulk),
    auditRetainer(database.bulk, [legacyPrunedAction]),
  ]);
  const housekeeping = new Job('housekeeping', app.log, async () => {
    await devices.sweepOffline();
    await devices.scheduleFunctionTests();
    await closeFunctionTests();
    await revalidateSockets();
    await pruneStream();
    for (const d of domains) if (d.job) await d.job();
    await retention.job();
  });
  const timers: NodeJS.Timeout[] = [];

  return {
    app,
    database,
    services: { auth, alarms, devices, org, people, roleRequests, push, offlineAlerts },
    hub,
    presence,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      if (config.mqttUrl) {
        const clientId = config.mqttClientId ?? `wachsam-${hostname()}-${port}`;
        mqtt = new MqttButtons(config.mqttUrl, clientId, db, alarms, devices, app.log);
        mqtt.start();
      }
      if (opts.timers !== false) {
        timers.push(setInterval(() => escalation.run(), config.escalationPollMs));
        timers.push(setInterval(() => housekeeping.run(), Math.max(config.escalationPollMs, 1000)));
        if (testSummary) timers.push(setInterval(() => summary.run(), 60_000));
      }
      return `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    },
    async tick() {
      await escalation.now();
      await housekeeping.now();
      await summary.now();
    },
    openSetup: () => setup.open(),
    markReady() {
      ready = true;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await Promise.all([escalation.idle(), housekeeping.idle(), summary.idle()]);
      realtime.stop();
      if (mqtt) await mqtt.stop();
      await app.close();
      await offlineAlerts.idle();
      mailer?.close();
      await presence.close();
      await fileWorkers.release();
      if (!opts.database) await database.close();
    },
  };
}

import { join } from 'node:path';
import { z } from 'zod';
import type { PasswordHashCost } from './auth/passwords.js';

/**
 * The whole configuration, read once at start from the environment. A bad value stops the
 * process with the variable's name and what is expected; nothing runs on a half-read config.
 */
/** The addresses of a comma-separated list. */
const mailList = (v: string): string[] =>
  v
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /**
   * Where people reach the console; printed at start and written into the demo agent config.
   * Also the one origin browsers may send state-changing requests and the realtime handshake
   * from (without it: the scheme and Host of each request). Behind a reverse proxy, set it to
   * the address people type.
   */
  PUBLIC_URL: z.url().optional(),
  /** PostgreSQL server; without it the embedded PGlite database in DATA_DIR is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'muss mit postgres:// beginnen')
    .optional(),
  DATA_DIR: z.string().default('./data'),
  /**
   * The key of the register's access-log chain (HMAC). Default `<DATA_DIR>/register-log.key`,
   * created 0600 at first start; move it where the database's administrators cannot read it.
   */
  REGISTER_LOG_KEY_FILE: z.string().min(1).optional(),
  /**
   * Create the demo organisation when the database has no organisation yet. Unset: on, unless
   * this is a production installation (see `isProduction`); `true` there is refused.
   */
  DEMO: z.enum(['true', 'false']).optional(),
  /** `production` marks a production installation: no demo, the demo password refused at login. */
  NODE_ENV: z.string().optional(),
  /** Optional MQTT broker for network alarm buttons, e.g. mqtt://127.0.0.1:1883. */
  MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, 'muss mit mqtt:// oder mqtts:// beginnen')
    .optional(),
  /** CA certificate(s) for ldaps:// to a directory with an internal certificate authority. */
  LDAP_CA_FILE: z.string().min(1).optional(),
  /**
   * MQTT client id of this instance; its persistent broker session keeps presses published
   * while the instance is down. Default `wachsam-<hostname>-<port>`: stable across restarts.
   */
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'Buchstaben, Ziffern, . _ - (höchstens 64)')
    .optional(),
  /** A device silent for longer than this is shown as offline (EN 50136 SP6: 20 s). */
  DEVICE_OFFLINE_SECONDS: z.coerce.number().int().min(5).max(3600).default(20),
  ESCALATION_POLL_MS: z.coerce.number().int().min(50).max(10_000).default(500),
  /**
   * How often each instance proves its PostgreSQL NOTIFY listener with a canary; a listener
   * silent for 1.5× this is replaced (and what was missed is fetched by id).
   */
  NOTIFY_CANARY_MS: z.coerce.number().int().min(200).max(600_000).default(2000),
  SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /**
   * Argon2id's cost for new password hashes: memory (KiB) and passes. The defaults are argon2's
   * (64 MiB, 3 passes); a production installation refuses less than OWASP's minimum (19 MiB,
   * 2 passes). Test runs lower it: a login there need not withstand an offline attack.
   */
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).max(4_194_304).default(65_536),
  PASSWORD_HASH_PASSES: z.coerce.number().int().min(1).max(10).default(3),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  /** All logins from one address per minute (a town hall behind one proxy address shares it). */
  LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(200),
  /**
   * Behind a reverse proxy: `true` (trust X-Forwarded-For from any hop), a number of hops, or
   * a comma-separated list of proxy addresses/CIDRs. Default false: the socket's address.
   */
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
      'true, false, Anzahl der Proxys oder Adressen mit Komma',
    )
    .default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().optional(),
  /** The organisation's alarm number phones send the alarm SMS to; shown in the phone app. */
  ALARM_SMS_NUMBER: z
    .string()
    .regex(/^\+?[0-9 ()/-]{3,30}$/, 'muss eine Telefonnummer sein')
    .optional(),
  /** Shared secret the SMS gateway sends in `x-wachsam-gateway-secret`; without it the inbound webhook refuses. */
  SMS_INBOUND_SECRET: z.string().min(16, 'mindestens 16 Zeichen').optional(),
  /** Outbound SMS to offline receivers: `log` (development), `http` (generic gateway) or `none`. */
  SMS_GATEWAY: z.enum(['log', 'http', 'none']).default('log'),
  /** The generic HTTP gateway: POST JSON {to, text}; required when SMS_GATEWAY=http. */
  SMS_GATEWAY_URL: z.url().optional(),
  /** Optional bearer token for SMS_GATEWAY_URL. */
  SMS_GATEWAY_TOKEN: z.string().optional(),
  /** SMTP for alarm e-mails and the daily function-test summary (`smtp://user:pass@host:587`, `smtps://…`); without it no e-mail. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'muss mit smtp:// oder smtps:// beginnen' }).optional(),
  /** The sender of those e-mails; required with SMTP_URL. */
  MAIL_FROM: z.string().min(3).optional(),
  /** Addresses (comma-separated) that get every real alarm by e-mail when it reaches the step that asks to call the police. */
  ALARM_MAIL_CONTROL_CENTRE: z
    .string()
    .refine((v) => mailList(v).every((a) => z.email().safeParse(a).success), 'E-Mail-Adressen mit Komma trennen')
    .optional(),
  /** Press-and-hold time of the phone app's alarm button (ms; at most 2 s, per the requirement). */
  MOBILE_HOLD_MS: z.coerce.number().int().min(0).max(2000).default(1500),
  /** VAPID subject (contact of the operator) for Web Push. */
  PUSH_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:)/, 'muss mit mailto: oder https: beginnen')
    .default('mailto:sicherheit@example.invalid'),
  /**
   * A PEM file of certificate authorities to trust for the OpenID providers besides the system's
   * (a municipal internal CA in front of ADFS or Keycloak). Never a switch that trusts anything.
   */
  OIDC_CA_FILE: z.string().min(1).optional(),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | null;
  databaseUrl: string | null;
  dataDir: string;
  /** The register access log's HMAC key file (outside the database). */
  registerLogKeyFile: string;
  demo: boolean;
  /**
   * A production installation: NODE_ENV=production or an https PUBLIC_URL. The demo and its
   * published password never run here.
   */
  production: boolean;
  mqttUrl: string | null;
  mqttClientId: string | null;
  /** CA file for ldaps:// directory sources (internal CA). */
  ldapCaFile: string | null;
  deviceOfflineSeconds: number;
  escalationPollMs: number;
  notifyCanaryMs: number;
  sessionHours: number;
  cookieSecure: boolean;
  loginAttemptsPerMinute: number;
  loginAttemptsPerAddressPerMinute: number;
  passwordHashCost: PasswordHashCost;
  /** Fastify's `trustProxy`: trust all, none, the first n hops (a function), or these addresses. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  webDist: string | null;
  alarmSmsNumber: string | null;
  smsInboundSecret: string | null;
  smsGateway: { kind: 'log' } | { kind: 'none' } | { kind: 'http'; url: string; token: string | null };
  mobileHoldMs: number;
  /** E-mail: the SMTP server and sender, and the control centre's addresses (empty: none). */
  mail: { url: string; from: string; controlCentre: string[] } | null;
  pushSubject: string;
  /** Extra CAs (PEM file) trusted for OpenID providers; read at start. */
  oidcCaFile: string | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Ungültige Konfiguration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? null;
  const production = productionReasons(e.NODE_ENV, publicUrl);
  if (e.DEMO === 'true' && production.length) throw new ConfigError(demoRefused(production));
  if (production.length && (e.PASSWORD_HASH_MEMORY_KIB < 19_456 || e.PASSWORD_HASH_PASSES < 2))
    throw new ConfigError(
      'Ungültige Konfiguration:\n  PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_PASSES: in Produktion mindestens 19456 KiB und 2 Durchläufe (OWASP)',
    );
  if (e.SMS_GATEWAY === 'http' && !e.SMS_GATEWAY_URL)
    throw new ConfigError('Ungültige Konfiguration:\n  SMS_GATEWAY_URL: erforderlich, wenn SMS_GATEWAY=http');
  if (e.SMTP_URL && !e.MAIL_FROM)
    throw new ConfigError('Ungültige Konfiguration:\n  MAIL_FROM: erforderlich, wenn SMTP_URL gesetzt ist');
  if (e.ALARM_MAIL_CONTROL_CENTRE && !e.SMTP_URL)
    throw new ConfigError('Ungültige Konfiguration:\n  ALARM_MAIL_CONTROL_CENTRE: braucht SMTP_URL');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    registerLogKeyFile: e.REGISTER_LOG_KEY_FILE ?? join(e.DATA_DIR, 'register-log.key'),
    demo: e.DEMO === undefined ? production.length === 0 : e.DEMO === 'true',
    production: production.length > 0,
    mqttUrl: e.MQTT_URL ?? null,
    mqttClientId: e.MQTT_CLIENT_ID ?? null,
    ldapCaFile: e.LDAP_CA_FILE ?? null,
    deviceOfflineSeconds: e.DEVICE_OFFLINE_SECONDS,
    escalationPollMs: e.ESCALATION_POLL_MS,
    notifyCanaryMs: e.NOTIFY_CANARY_MS,
    sessionHours: e.SESSION_HOURS,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? (publicUrl?.startsWith('https:') ?? false) : e.COOKIE_SECURE === 'true',
    loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
    loginAttemptsPerAddressPerMinute: e.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE,
    passwordHashCost: { memoryKib: e.PASSWORD_HASH_MEMORY_KIB, passes: e.PASSWORD_HASH_PASSES },
    trustProxy:
      e.TRUST_PROXY === 'true'
        ? true
        : e.TRUST_PROXY === 'false'
          ? false
          : /^\d+$/.test(e.TRUST_PROXY)
            ? hopsOf(Number(e.TRUST_PROXY))
            : e.TRUST_PROXY.split(','),
    logLevel: e.LOG_LEVEL,
    webDist: e.WEB_DIST ?? null,
    alarmSmsNumber: e.ALARM_SMS_NUMBER ?? null,
    smsInboundSecret: e.SMS_INBOUND_SECRET ?? null,
    smsGateway:
      e.SMS_GATEWAY === 'http'
        ? { kind: 'http', url: e.SMS_GATEWAY_URL!, token: e.SMS_GATEWAY_TOKEN ?? null }
        : { kind: e.SMS_GATEWAY },
    mobileHoldMs: e.MOBILE_HOLD_MS,
    mail: e.SMTP_URL
      ? {
          url: e.SMTP_URL,
          from: e.MAIL_FROM!,
          controlCentre: mailList(e.ALARM_MAIL_CONTROL_CENTRE ?? ''),
        }
      : null,
    pushSubject: e.PUSH_SUBJECT,
    oidcCaFile: e.OIDC_CA_FILE ?? null,
  };
}

/** Why this is a production installation (empty: it is not): the variables that say so, in German and English. */
/** Why an environment counts as production (NODE_ENV=production, an https PUBLIC_URL); empty when it does not. */
export function productionReasons(
  nodeEnv: string | undefined,
  publicUrl: string | null,
): Array<{ de: string; en: string }> {
  const reasons: Array<{ de: string; en: string }> = [];
  if (nodeEnv === 'production') reasons.push({ de: 'NODE_ENV=production', en: 'NODE_ENV=production' });
  if (publicUrl?.startsWith('https:'))
    reasons.push({ de: `PUBLIC_URL ist https (${publicUrl})`, en: `PUBLIC_URL is https (${publicUrl})` });
  return reasons;
}

/**
 * The demo accounts share a password printed in the README: on a production installation they
 * would be an open door, so an explicit DEMO=true there stops the start, naming why.
 */
const demoRefused = (reasons: Array<{ de: string; en: string }>): string =>
  [
    'Ungültige Konfiguration:',
    `  DEMO: DEMO=true ist in einer Produktivinstallation nicht erlaubt (${reasons.map((r) => r.de).join(', ')}):`,
    '    die Demo-Zugänge haben ein veröffentlichtes Passwort. DEMO weglassen oder DEMO=false setzen und die',
    '    erste Organisation mit `npm run setup` (wachsam setup) oder dem Einrichtungsformular anlegen.',
    'Invalid configuration:',
    `  DEMO: DEMO=true is refused on a production installation (${reasons.map((r) => r.en).join(', ')}):`,
    '    the demo accounts share a published password. Remove DEMO or set DEMO=false and create the first',
    '    organisation with `npm run setup` (wachsam setup) or the setup form.',
  ].join('\n');

/** Trust the nearest `n` proxies: the client is the address `n` hops back. */
const hopsOf =
  (n: number) =>
  (_address: string, hop: number): boolean =>
    hop < n;

import { z } from 'zod';

/**
 * The whole configuration, read once at start from the environment. A bad value stops the
 * process with the variable's name and what is expected; nothing runs on a half-read config.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Where people reach the console; printed at start and written into the demo agent config. */
  PUBLIC_URL: z.url().optional(),
  /** PostgreSQL server; without it the embedded PGlite database in DATA_DIR is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'muss mit postgres:// beginnen')
    .optional(),
  DATA_DIR: z.string().default('./data'),
  /** Create the demo organisation when the database has no organisation yet. */
  DEMO: z.enum(['true', 'false']).default('true'),
  /** Optional MQTT broker for network alarm buttons, e.g. mqtt://127.0.0.1:1883. */
  MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, 'muss mit mqtt:// oder mqtts:// beginnen')
    .optional(),
  /** A device silent for longer than this is shown as offline (EN 50136 SP6: 20 s). */
  DEVICE_OFFLINE_SECONDS: z.coerce.number().int().min(5).max(3600).default(20),
  ESCALATION_POLL_MS: z.coerce.number().int().min(50).max(10_000).default(500),
  SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | null;
  databaseUrl: string | null;
  dataDir: string;
  demo: boolean;
  mqttUrl: string | null;
  deviceOfflineSeconds: number;
  escalationPollMs: number;
  sessionHours: number;
  cookieSecure: boolean;
  loginAttemptsPerMinute: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  webDist: string | null;
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
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    demo: e.DEMO === 'true',
    mqttUrl: e.MQTT_URL ?? null,
    deviceOfflineSeconds: e.DEVICE_OFFLINE_SECONDS,
    escalationPollMs: e.ESCALATION_POLL_MS,
    sessionHours: e.SESSION_HOURS,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? (publicUrl?.startsWith('https:') ?? false) : e.COOKIE_SECURE === 'true',
    loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    webDist: e.WEB_DIST ?? null,
  };
}

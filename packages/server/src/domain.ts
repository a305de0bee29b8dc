import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AlarmService } from './alarms/service.js';
import type { AuthService } from './auth/service.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';

/** What a ZeMAG domain (reports, register, stats) gets from the server when it is wired in. */
export interface DomainContext {
  app: FastifyInstance;
  auth: AuthService;
  db: Db;
  clock: Clock;
  config: Config;
  log: FastifyBaseLogger;
  alarms: AlarmService;
}

/** A domain registers its routes and may bring a periodic job (retention, reminders). */
export interface Domain {
  job?: () => Promise<void>;
}

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

/**
 * A periodic job that does its work at most every `everyMs` of the clock's time: the server's
 * job loop ticks every few hundred milliseconds, retention needs no more than a run every few
 * minutes. The first tick always runs.
 */
export function everyAtMost(clock: Clock, everyMs: number, run: (now: Date) => Promise<void>): () => Promise<void> {
  let lastRun: number | null = null;
  return async () => {
    const now = clock.now();
    if (lastRun !== null && now.getTime() - lastRun < everyMs) return;
    lastRun = now.getTime();
    await run(now);
  };
}

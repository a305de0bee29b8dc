import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AlarmService } from './alarms/service.js';
import type { AuthService } from './auth/service.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { RegisterLogKey } from './register/log-key.js';
import type { Retainer } from './retention/job.js';

/** What a ZeMAG domain (reports, register, stats) gets from the server when it is wired in. */
export interface DomainContext {
  app: FastifyInstance;
  auth: AuthService;
  db: Db;
  clock: Clock;
  config: Config;
  log: FastifyBaseLogger;
  alarms: AlarmService;
  /** The register access log's HMAC key, or why it is unavailable. */
  registerLogKey: RegisterLogKey;
}

/** A domain registers its routes and may bring a periodic job (reminders) and its share of the retention. */
export interface Domain {
  job?: () => Promise<void>;
  retainers?: Retainer[];
}

/**
 * A periodic job with its own guard: a run that is still going when the timer fires again is
 * not started twice, and a failure is logged and tried again at the next tick.
 */
export class Job {
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly log: FastifyBaseLogger,
    private readonly work: () => Promise<unknown>,
  ) {}

  /** Start a run unless one is going (timers). */
  run(): void {
    if (this.running) return;
    this.running = this.work()
      .then(() => undefined)
      .catch((err: unknown) => this.log.error({ err, job: this.name }, 'periodic job failed'))
      .finally(() => (this.running = null));
  }

  /** Run now, after a run under way (tests drive the jobs with a fake clock). */
  async now(): Promise<void> {
    await this.running;
    await this.work();
  }

  async idle(): Promise<void> {
    await this.running;
  }
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

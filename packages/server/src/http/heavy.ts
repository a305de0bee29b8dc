import type { FastifyInstance } from 'fastify';
import { AlarmActivity } from '../alarms/activity.js';

/**
 * Heavy requests (PDFs, exports, the Lagebild, evidence uploads) take their turn: at most this
 * many run at once on an instance, the rest wait in order. On a small server an export or ten
 * uploads would otherwise take every core, and the alarm path (same process, same database)
 * would wait behind them. Alarms never queue here.
 */
export const heavyAtOnce = 1;

/**
 * A first-come, first-served gate for `heavyAtOnce` tasks at a time, behind the alarms: a task
 * whose turn has come starts when no alarm is being raised or fanned out (`alarms`, which the
 * alarm service and the hub report to), and its steps can ask the same (`alarms.quiet()`).
 */
export class HeavyWork {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly atOnce = heavyAtOnce,
    readonly alarms = new AlarmActivity(),
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.atOnce) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      await this.alarms.quiet();
      return await task();
    } finally {
      // The slot passes to the next in line (running stays the same), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** How many wait for their turn (health, tests). */
  get queued(): number {
    return this.waiting.length;
  }
}

const gates = new WeakMap<object, HeavyWork>();

/** The server's gate for heavy requests: one per HTTP server, shared by all its plugin scopes. */
export function heavyWorkOf(app: FastifyInstance): HeavyWork {
  let gate = gates.get(app.server);
  if (!gate) gates.set(app.server, (gate = new HeavyWork()));
  return gate;
}

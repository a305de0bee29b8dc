import { AppError } from '../http/errors.js';

/**
 * Attempts per key in a fixed one-minute window, for limits that need more than one key per
 * request: @fastify/rate-limit applies only the first of several limiters on a route (one
 * `rateLimitRan` flag per request), so the login's per-account and per-address limits are
 * counted here. In memory, per instance: N instances allow N times the budget.
 */
export class AttemptCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Has the key used up its budget in this window? Counts nothing (for limits on failures only). */
  exhausted(key: string, max: number): boolean {
    const w = this.windows.get(key);
    return w !== undefined && this.now() - w.start < this.windowMs && w.count >= max;
  }

  /** Count one attempt; false when the key is over its budget in this window. */
  take(key: string, max: number): boolean {
    const t = this.now();
    if (this.windows.size > 10_000)
      for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) this.windows.set(key, (w = { start: t, count: 0 }));
    w.count++;
    return w.count <= max;
  }
}

export const tooManyAttempts = () => new AppError('rate_limited', 'Zu viele Anmeldeversuche; bitte eine Minute warten');

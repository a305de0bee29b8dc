/**
 * Whether this instance is raising or fanning out an alarm right now. Heavy work (an export's
 * next page, an evidence file's bytes, the next heavy request) asks `quiet()` before it starts a
 * step and waits while an alarm is under way: on a small server both share the cores and the
 * database, and the alarm goes first. A step that already runs is not stopped; the wait is
 * bounded, so heavy work still moves during an alarm storm.
 */
export class AlarmActivity {
  private active = 0;
  private waiting: Array<() => void> = [];

  /** An alarm step starts (a raise, a fan-out); call the returned function once when it is done. */
  begin(): () => void {
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.active > 0) return;
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve();
    };
  }

  /** Resolves when no alarm step is under way (at once when none is), or after `maxWaitMs` at the latest. */
  quiet(maxWaitMs = 1000): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        resolve();
      }, maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.push(done);
    });
  }

  /** How many alarm steps are under way (tests). */
  get underWay(): number {
    return this.active;
  }
}

/**
 * The alarm button's guard against pocket triggers: an alarm needs either a press held for
 * `holdMs` or two short taps within `doubleTapMs`. A single shorter press raises nothing.
 * Pure logic with an injectable timer, so the rule is tested without a browser.
 */
export interface PressDetectorOptions {
  holdMs: number;
  doubleTapMs?: number;
  onTrigger: (how: 'hold' | 'double_tap') => void;
  /** 0 … 1 while the press is held; 0 when released early. */
  onProgress?: (fraction: number) => void;
  now?: () => number;
  /** Progress tick; 50 ms is smooth enough and cheap. */
  tickMs?: number;
}

export class PressDetector {
  private pressedAt: number | null = null;
  private lastTapAt: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private fired = false;
  private readonly doubleTapMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: PressDetectorOptions) {
    this.doubleTapMs = opts.doubleTapMs ?? 400;
    this.now = opts.now ?? (() => Date.now());
  }

  press(): void {
    if (this.pressedAt !== null) return; // key repeat, second finger
    this.pressedAt = this.now();
    this.fired = false;
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 50);
    this.tick();
  }

  release(): void {
    if (this.pressedAt === null) return;
    const held = this.now() - this.pressedAt;
    this.stopTimer();
    this.pressedAt = null;
    this.opts.onProgress?.(0);
    if (this.fired) return;
    if (held >= this.opts.holdMs) return this.fire('hold');
    // A short tap: an alarm only if it is the second within the double-tap window.
    const at = this.now();
    if (this.lastTapAt !== null && at - this.lastTapAt <= this.doubleTapMs) {
      this.lastTapAt = null;
      this.fire('double_tap');
    } else {
      this.lastTapAt = at;
    }
  }

  /** Finger slid off the button, or the page lost focus: nothing is raised. */
  cancel(): void {
    this.stopTimer();
    this.pressedAt = null;
    this.opts.onProgress?.(0);
  }

  dispose(): void {
    this.stopTimer();
  }

  private tick(): void {
    if (this.pressedAt === null || this.fired) return;
    const held = this.now() - this.pressedAt;
    this.opts.onProgress?.(Math.min(1, held / Math.max(1, this.opts.holdMs)));
    if (held >= this.opts.holdMs) {
      this.stopTimer();
      this.fire('hold');
    }
  }

  private fire(how: 'hold' | 'double_tap'): void {
    this.fired = true;
    this.lastTapAt = null;
    this.opts.onTrigger(how);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

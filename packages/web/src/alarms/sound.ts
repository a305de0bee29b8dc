import { useSyncExternalStore } from 'react';

/**
 * Alarm and warning tones with the Web Audio API (no audio files). Browsers keep audio
 * suspended until the person interacts with the page, after every reload again, so at start the
 * console checks whether sound actually works: an AudioContext that runs without a gesture
 * means the browser allows it (kiosk policy, see the README). Otherwise the first click or key
 * press anywhere unlocks it, and the UI shows a red banner until then: a receiver must know when
 * an alarm would arrive silently.
 */
class Sound {
  private ctx: AudioContext | null = null;
  private alarmTimer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<() => void>();
  private unlocked = false;

  constructor() {
    if (typeof window === 'undefined') return;
    // `click` rather than `pointerdown`: the banner's own button must still receive its click.
    const unlock = (): void => this.unlock();
    for (const type of ['click', 'keydown', 'touchend']) window.addEventListener(type, unlock, { capture: true });
    this.probe();
  }

  /** Without a gesture: a context that starts (or later turns) `running` is allowed to sound. */
  private probe(): void {
    try {
      this.ctx = new AudioContext();
    } catch {
      return; // no audio support: the banner stays visible
    }
    this.follow(this.ctx);
  }

  /** Tracks the context's state: sound counts as on only while it is `running`. */
  private follow(ctx: AudioContext): void {
    const update = (): void => {
      const running = ctx.state === 'running';
      if (running === this.unlocked) return;
      this.unlocked = running;
      for (const l of this.listeners) l();
    };
    ctx.onstatechange = update;
    update();
  }

  isUnlocked = (): boolean => this.unlocked;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Must run inside a user gesture to succeed (unless the browser allows sound anyway). */
  unlock(): void {
    if (!this.ctx) {
      try {
        this.ctx = new AudioContext();
      } catch {
        return; // no audio support: the banner stays visible
      }
      this.follow(this.ctx);
    }
    if (this.ctx.state !== 'running') void this.ctx.resume().catch(() => undefined);
  }

  private beep(freq: number, start: number, duration: number, type: OscillatorType = 'square'): void {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== 'running') return;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    const t = ctx.currentTime + start;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + duration);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + duration + 0.02);
  }

  /** Alarm: a two-tone signal every 1.5 s until `stopAlarm`. */
  startAlarm(): void {
    if (this.alarmTimer) return;
    const play = (): void => {
      this.beep(988, 0, 0.3);
      this.beep(740, 0.35, 0.3);
      this.beep(988, 0.7, 0.3);
    };
    play();
    this.alarmTimer = setInterval(play, 1500);
  }

  stopAlarm(): void {
    if (this.alarmTimer) clearInterval(this.alarmTimer);
    this.alarmTimer = null;
  }

  /** Connection lost: a falling tone, distinct from the alarm. */
  warn(): void {
    this.beep(523, 0, 0.25, 'sine');
    this.beep(392, 0.3, 0.25, 'sine');
    this.beep(262, 0.6, 0.4, 'sine');
  }
}

export const sound = new Sound();

export function useSoundUnlocked(): boolean {
  return useSyncExternalStore(sound.subscribe, sound.isUnlocked);
}

import { useSyncExternalStore } from 'react';

/**
 * Alarm and warning tones with the Web Audio API (no audio files). Browsers keep audio
 * suspended until the person interacts with the page, so the first click or key press anywhere
 * unlocks it, and the UI shows a "Ton aktivieren" banner until it is unlocked: a receiver must
 * know when an alarm would arrive silently.
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
  }

  isUnlocked = (): boolean => this.unlocked;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Must run inside a user gesture to succeed. */
  unlock(): void {
    try {
      this.ctx ??= new AudioContext();
    } catch {
      return; // no audio support: the banner stays visible
    }
    const ctx = this.ctx;
    const done = (): void => {
      const running = ctx.state === 'running';
      if (running !== this.unlocked) {
        this.unlocked = running;
        for (const l of this.listeners) l();
      }
    };
    if (ctx.state === 'running') done();
    else void ctx.resume().then(done, done);
    ctx.onstatechange = done;
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

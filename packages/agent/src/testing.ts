import type { AlertHandle, Notifier } from './notify.js';

/** Test helpers of the agent (like the server's `testing.ts`); not used by the CLI. */

export interface RecordedAlert {
  title: string;
  text: string;
  stopped: boolean;
  silenced: boolean;
}

/** A notifier that records what a person would have seen, instead of showing it. */
export class RecordingNotifier implements Notifier {
  readonly discreetLines: string[] = [];
  readonly warnings: Array<{ title: string; text: string }> = [];
  readonly alerts: RecordedAlert[] = [];

  discreet(text: string): void {
    this.discreetLines.push(text);
  }

  warn(title: string, text: string): void {
    this.warnings.push({ title, text });
  }

  alarm(title: string, text: string): AlertHandle {
    const alert: RecordedAlert = { title, text, stopped: false, silenced: false };
    this.alerts.push(alert);
    return {
      stop: () => (alert.stopped = true),
      silence: () => (alert.silenced = true),
      closed: new Promise<void>(() => undefined),
    };
  }
}

/** Wait for a condition (never a fixed sleep): polls until `probe` returns a value. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

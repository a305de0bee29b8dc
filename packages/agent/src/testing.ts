import type { Alarm } from '@wachsam/protocol';
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

/** A complete alarm as the server presents it: Anna Schmidt at her desk, step 2 of 3. */
export function sampleAlarm(patch: Partial<Alarm> = {}): Alarm {
  return {
    id: '5b1f8d5e-3c1a-4a77-9d2e-1c3f1e1b2a11',
    status: 'raised',
    source: 'hotkey',
    test: false,
    functionTest: false,
    raisedAt: '2026-01-02T10:15:00Z',
    triggeredAt: '2026-01-02T10:15:00Z',
    sender: { personId: null, firstName: 'Anna', lastName: 'Schmidt', phone: '0221 123' },
    location: { building: 'Rathaus', address: '', floor: '2. OG', room: '204', workstation: 'Platz 1' },
    deviceId: null,
    position: null,
    positionKind: null,
    positionAddress: null,
    step: 2,
    steps: 3,
    nextEscalationAt: null,
    callPolice: true,
    alerted: 4,
    responders: [],
    cancelledAt: null,
    resolvedAt: null,
    resolvedBy: null,
    outcome: null,
    ...patch,
  };
}

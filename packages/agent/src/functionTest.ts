import { randomUUID } from 'node:crypto';
import {
  idempotencyHeader,
  isFinalRejection,
  type Alarm,
  type ClientFrame,
  type FunctionTestReport,
} from '@wachsam/protocol';
import type { ApiClient } from './client.js';
import { backoffMs, sleep } from './delivery.js';

/** How long the test alarm may take to come back over the realtime connection. */
export const functionTestTimeoutMs = 15_000;

/**
 * Collects this device's function-test alarms as they arrive on the realtime connection. The
 * event may arrive before the HTTP answer that tells us the alarm id, so arrivals are kept for
 * a while and a waiter first looks at what already came.
 */
export class FunctionTestWatcher {
  private readonly arrived = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();

  arrive(alarm: Alarm): void {
    const now = Date.now();
    for (const [id, at] of this.arrived) if (now - at > 5 * 60_000) this.arrived.delete(id);
    this.arrived.set(alarm.id, now);
    this.waiters.get(alarm.id)?.();
  }

  wait(alarmId: string, timeoutMs: number): Promise<boolean> {
    if (this.arrived.has(alarmId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(alarmId);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(alarmId, () => {
        clearTimeout(timer);
        this.waiters.delete(alarmId);
        resolve(true);
      });
    });
  }
}

export interface FunctionTestDeps {
  client: ApiClient;
  watcher: FunctionTestWatcher;
  realtime: { waitConnected(timeoutMs: number): Promise<boolean>; send(frame: ClientFrame): boolean };
}

export interface FunctionTestOutcome {
  result: 'passed' | 'failed';
  detail: string;
  alarmId: string | null;
  /** The server has the result; false when even reporting failed (then it is kept locally). */
  reported: boolean;
}

/**
 * Proves the whole alarm path of this device: raise a function-test alarm (which the server
 * sends only back to this device), see it arrive over the realtime connection within 15 s,
 * confirm receipt, and report the result. Never throws: a failure is a result.
 */
export async function runFunctionTest(deps: FunctionTestDeps, functionTestId?: string): Promise<FunctionTestOutcome> {
  const outcome = await provePath(deps);
  const report: FunctionTestReport = {
    result: outcome.result,
    detail: outcome.detail,
    alarmId: outcome.alarmId,
    ...(functionTestId ? { functionTestId } : {}),
  };
  let reported = false;
  for (let attempt = 0; attempt < 4 && !reported; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    const result = await deps.client.call('reportFunctionTest', { body: report });
    reported = result.ok;
    if (!result.ok && isFinalRejection(result)) break;
  }
  return { ...outcome, reported };
}

async function provePath(deps: FunctionTestDeps): Promise<Omit<FunctionTestOutcome, 'reported'>> {
  const started = Date.now();
  if (!(await deps.realtime.waitConnected(10_000))) {
    return { result: 'failed', detail: 'Keine Echtzeitverbindung zum Server (10 s)', alarmId: null };
  }

  // A fresh key per test; retries of this one raise reuse it, so a slow answer never makes two.
  const key = `ft-${randomUUID()}`;
  let alarm: Alarm | null = null;
  let lastProblem = '';
  for (let attempt = 0; Date.now() - started < functionTestTimeoutMs; attempt++) {
    const result = await deps.client.call('raiseAlarm', {
      body: { source: 'hotkey', test: true, functionTest: true, triggeredAt: new Date().toISOString() },
      headers: { [idempotencyHeader]: key },
    });
    if (result.ok) {
      alarm = result.data.alarm;
      break;
    }
    lastProblem = `${result.message} (${result.code})`;
    if (isFinalRejection(result)) break;
    await sleep(backoffMs(attempt));
  }
  if (!alarm) return { result: 'failed', detail: `Testalarm nicht angenommen: ${lastProblem}`, alarmId: null };

  const remaining = Math.max(1_000, functionTestTimeoutMs - (Date.now() - started));
  if (!(await deps.watcher.wait(alarm.id, remaining))) {
    return {
      result: 'failed',
      detail: `Testalarm angenommen, aber nicht über die Echtzeitverbindung zurückgekommen (${functionTestTimeoutMs / 1000} s)`,
      alarmId: alarm.id,
    };
  }
  deps.realtime.send({ kind: 'receipt', alarmId: alarm.id });
  return { result: 'passed', detail: `Alarmweg geprüft in ${Date.now() - started} ms`, alarmId: alarm.id };
}

import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '@wachsam/protocol';
import type { ApiClient } from './client.js';
import { FunctionTestWatcher, runFunctionTest } from './functionTest.js';
import { sampleAlarm } from './testing.js';

/**
 * The order of a function test's steps. The server resolves a function-test alarm when the
 * raising device's receipt arrives (and when the result is reported), so the receipt must go
 * before the report: a stand-in client and socket record what is sent, in order.
 */
describe('runFunctionTest', () => {
  it('raises, waits for the arrival, sends the receipt, then reports', async () => {
    const steps: string[] = [];
    const watcher = new FunctionTestWatcher();
    const alarm = sampleAlarm({ functionTest: true, test: true });
    const client = {
      async call(name: string, options: { body?: unknown }) {
        steps.push(name);
        if (name === 'raiseAlarm') {
          // The test alarm comes back over the realtime connection right after the commit.
          setTimeout(() => watcher.arrive(alarm), 10);
          return { ok: true, status: 201, data: { alarm, receiversOnline: 1, replayed: false } };
        }
        steps.push(`report ${(options.body as { result: string }).result}`);
        return { ok: true, status: 201, data: null };
      },
    } as unknown as ApiClient;
    const realtime = {
      waitConnected: async () => true,
      send: (frame: ClientFrame) => {
        steps.push(`${frame.kind}${frame.kind === 'receipt' ? ` ${frame.alarmId}` : ''}`);
        return true;
      },
    };
    const outcome = await runFunctionTest({ client, watcher, realtime });
    expect(outcome).toMatchObject({ result: 'passed', alarmId: alarm.id, reported: true });
    expect(steps).toEqual(['raiseAlarm', `receipt ${alarm.id}`, 'reportFunctionTest', 'report passed']);
  });
});

import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { Presence } from './presence.js';

const log = { error: () => undefined } as unknown as ConstructorParameters<typeof Presence>[6];

describe('receipts', () => {
  it('a failed batch of hundreds of thousands is kept and written on the retry, without a crash', async () => {
    const batches: number[] = [];
    let fail = true;
    const alarms = {
      recordReceipts: async (batch: unknown[]) => {
        batches.push(batch.length);
        if (fail) {
          fail = false;
          throw new Error('canceling statement due to statement timeout');
        }
      },
    };
    const presence = new Presence(null as never, systemClock, 'i', 20, alarms as never, null as never, log);
    const count = 300_000;
    for (let i = 0; i < count; i++) presence.receipt({ alarmId: 'a', personId: `p${i}`, deviceId: null });
    const deadline = Date.now() + 10_000;
    while (batches.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([count, count]);
  });
});

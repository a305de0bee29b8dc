import { describe, expect, it } from 'vitest';
import { HeavyWork } from './heavy.js';

describe('heavy requests take their turn', () => {
  it('runs one at a time, in order of arrival, and goes on after a failure', async () => {
    const gate = new HeavyWork(1);
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, fail = false) =>
      gate.run(async () => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(most).toBe(1);
    expect(gate.queued).toBe(0);
  });
});

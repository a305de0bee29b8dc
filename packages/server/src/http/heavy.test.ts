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

describe('heavy requests wait for the alarms', () => {
  const turn = () => new Promise((r) => setImmediate(r));

  it('starts a task whose turn has come only when no alarm is being raised or fanned out', async () => {
    const gate = new HeavyWork(1);
    const raise = gate.alarms.begin();
    const fanOut = gate.alarms.begin();
    let ran = false;
    const task = gate.run(async () => {
      ran = true;
    });
    await turn();
    raise();
    raise(); // ending twice counts once
    await turn();
    expect(ran).toBe(false);
    fanOut();
    await task;
    expect(ran).toBe(true);
    expect(gate.alarms.underWay).toBe(0);
  });

  it('waits a bounded time: heavy work still moves during an alarm storm', async () => {
    const gate = new HeavyWork(1);
    gate.alarms.begin();
    const started = Date.now();
    await gate.alarms.quiet(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(gate.alarms.underWay).toBe(1);
  });
});

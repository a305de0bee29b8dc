import { describe, expect, it } from 'vitest';
import { mayReadHistory, mergeHistory, withLive } from './history.js';
import { testAlarm } from './testAlarm.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (minute: number): string => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('alarm history', () => {
  it('keeps each alarm once, newest first, across pages', () => {
    const first = [testAlarm({ id: id(3), raisedAt: at(30) }), testAlarm({ id: id(2), raisedAt: at(20) })];
    const older = [
      testAlarm({ id: id(2), raisedAt: at(20), status: 'resolved' }),
      testAlarm({ id: id(1), raisedAt: at(10) }),
    ];
    const rows = mergeHistory(first, older);
    expect(rows.map((a) => a.id)).toEqual([id(3), id(2), id(1)]);
    expect(rows[1]?.status).toBe('resolved');
  });

  it('shows open alarms as the live stream has them, new ones on top, older ones with their page', () => {
    const rows = [testAlarm({ id: id(2), raisedAt: at(20) }), testAlarm({ id: id(1), raisedAt: at(10) })];
    const live = new Map([
      [id(1), testAlarm({ id: id(1), raisedAt: at(10), step: 2 })],
      [id(5), testAlarm({ id: id(5), raisedAt: at(50) })],
      [id(0), testAlarm({ id: id(0), raisedAt: at(5) })],
    ]);
    expect(withLive(rows, live, false).map((a) => [a.id, a.step])).toEqual([
      [id(5), 1],
      [id(2), 1],
      [id(1), 2],
    ]);
    // All pages loaded: nothing is older than the list, so every open alarm is in it.
    expect(withLive(rows, live, true).map((a) => a.id)).toEqual([id(5), id(2), id(1), id(0)]);
    // Before the first page arrives nothing is shown from the stream alone.
    expect(withLive([], live, false)).toEqual([]);
  });

  it('is for the roles that see every alarm', () => {
    expect(mayReadHistory(['security_desk'])).toBe(true);
    expect(mayReadHistory(['control_centre'])).toBe(true);
    expect(mayReadHistory(['admin'])).toBe(true);
    expect(mayReadHistory(['employee', 'helper'])).toBe(false);
  });
});

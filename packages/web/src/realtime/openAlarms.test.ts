import type { AlarmList } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { testAlarm } from '../alarms/testAlarm.js';
import { loadOpenAlarms } from './openAlarms.js';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('loading the open alarms at start', () => {
  it('follows every cursor, keeps "for you" of every page and resumes from the first page', async () => {
    const pages: Record<string, AlarmList> = {
      first: {
        alarms: [testAlarm({ id: id(3) }), testAlarm({ id: id(2) })],
        nextCursor: 'c2',
        forYou: [id(3)],
        lastEventId: '40',
      },
      c2: { alarms: [testAlarm({ id: id(1) })], nextCursor: null, forYou: [id(1)], lastEventId: '41' },
    };
    const asked: (string | undefined)[] = [];
    const loaded = await loadOpenAlarms(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'first']!;
    });
    expect(asked).toEqual([undefined, 'c2']);
    expect(loaded.alarms.map((a) => a.id)).toEqual([id(3), id(2), id(1)]);
    expect(loaded.forYou).toEqual([id(3), id(1)]);
    // The stream replays from the earliest point, so nothing that changed meanwhile is missed.
    expect(loaded.lastEventId).toBe('40');
  });

  it('stops on a cursor it has seen before', async () => {
    let calls = 0;
    const loaded = await loadOpenAlarms(async () => {
      calls++;
      return { alarms: [], nextCursor: 'same', forYou: [], lastEventId: '1' };
    });
    expect(calls).toBe(2);
    expect(loaded.alarms).toEqual([]);
  });
});

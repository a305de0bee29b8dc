import { describe, expect, it } from 'vitest';
import type { Alarm, RealtimeEvent } from '@wachsam/protocol';
import { compactReplay } from './run.js';

const alarmEvent = (id: string, alarmId: string, type: 'alarm.raised' | 'alarm.resolved'): RealtimeEvent => ({
  id,
  type,
  at: '2026-01-01T00:00:00Z',
  alarm: { id: alarmId } as Alarm,
});

describe('compactReplay', () => {
  it('keeps only the latest event per alarm and every other event in order', () => {
    const test: RealtimeEvent = {
      id: '3',
      type: 'function_test.requested',
      at: '2026-01-01T00:00:00Z',
      functionTestId: 'f',
      deviceId: 'd',
    };
    const batch = [
      { event: alarmEvent('1', 'a', 'alarm.raised') },
      { event: alarmEvent('2', 'b', 'alarm.raised') },
      { event: test },
      { event: alarmEvent('4', 'a', 'alarm.resolved') },
    ];
    expect(compactReplay(batch).map((b) => b.event.id)).toEqual(['2', '3', '4']);
  });
});

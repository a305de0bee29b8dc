import { describe, expect, it } from 'vitest';
import { EventDeduper, realtimeUrl, reconnectDelayMs } from './realtime.js';

describe('EventDeduper', () => {
  it('drops ids it has handled and resumes from the newest', () => {
    const d = new EventDeduper(null);
    expect(d.isNew('5')).toBe(true);
    d.markHandled('5');
    expect(d.isNew('5')).toBe(false);
    d.markHandled('7');
    // An id below the newest that was never handled (arrived late) is still new.
    expect(d.isNew('6')).toBe(true);
    d.markHandled('6');
    expect(d.lastEventId).toBe('7');
  });

  it('treats everything up to the stored resume point as handled by the previous run', () => {
    const d = new EventDeduper('100');
    expect(d.isNew('99')).toBe(false);
    expect(d.isNew('100')).toBe(false);
    expect(d.isNew('101')).toBe(true);
    expect(d.lastEventId).toBe('100');
  });

  it('compares ids as numbers, not strings', () => {
    const d = new EventDeduper('9');
    expect(d.isNew('10')).toBe(true);
    d.markHandled('10');
    expect(d.lastEventId).toBe('10');
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const d = new EventDeduper(null, 2);
    d.markHandled('1');
    d.markHandled('2');
    d.markHandled('3');
    expect(d.isNew('1')).toBe(true);
    expect(d.isNew('3')).toBe(false);
  });
});

describe('reconnectDelayMs', () => {
  it('starts fast and never waits more than about 5 s', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(1, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(20, () => 1)).toBe(6000);
    expect(reconnectDelayMs(20, () => 0)).toBe(4000);
  });
});

describe('realtimeUrl', () => {
  it('uses ws/wss and passes the resume point', () => {
    expect(realtimeUrl('http://localhost:3000', null).href).toBe('ws://localhost:3000/api/realtime');
    expect(realtimeUrl('https://alarm.example.de', '42').href).toBe('wss://alarm.example.de/api/realtime?since=42');
  });
});

import type { Alarm } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import {
  alertingFor,
  applyEvent,
  applySnapshot,
  emptyAlarms,
  fromList,
  markForYou,
  openAlarms,
  withOfflineList,
} from './store.js';
import { testAlarm } from './testAlarm.js';

const me = '00000000-0000-4000-8000-0000000000aa';
const base: Alarm = testAlarm();
const ev = (alarm: Alarm, type: 'alarm.raised' | 'alarm.responded' | 'alarm.resolved' = 'alarm.raised') => ({
  id: '1',
  type,
  at: alarm.raisedAt,
  alarm,
});

describe('alarm store', () => {
  it('alerts only for alarms marked for me, and stops once I answered', () => {
    let s = applyEvent(emptyAlarms, ev(base), false);
    expect(alertingFor(s, me)).toEqual([]);
    s = applyEvent(s, ev({ ...base, step: 2 }), true);
    expect(alertingFor(s, me).map((a) => a.id)).toEqual([base.id]);
    const answered = {
      ...base,
      status: 'acknowledged' as const,
      step: 2,
      responders: [{ personId: me, firstName: 'P', lastName: 'F', response: 'coming' as const, at: base.raisedAt }],
    };
    s = applyEvent(s, ev(answered, 'alarm.responded'), false);
    expect(alertingFor(s, me)).toEqual([]);
    expect(openAlarms(s)).toHaveLength(1);
  });

  it('never alerts the sender and never for device function tests', () => {
    let s = applyEvent(emptyAlarms, ev({ ...base, sender: { ...base.sender, personId: me } }), true);
    expect(alertingFor(s, me)).toEqual([]);
    s = applyEvent(emptyAlarms, ev({ ...base, functionTest: true, test: true }), true);
    expect(alertingFor(s, me)).toEqual([]);
  });

  it('removes an alarm from the open list when resolved', () => {
    let s = applyEvent(emptyAlarms, ev(base), true);
    s = applyEvent(
      s,
      ev({ ...base, status: 'resolved', resolvedAt: base.raisedAt, outcome: 'real' }, 'alarm.resolved'),
    );
    expect(openAlarms(s)).toEqual([]);
  });

  it('ignores an HTTP snapshot older than what is shown', () => {
    let s = fromList([{ ...base, step: 2, status: 'delivered' }]);
    s = applySnapshot(s, { ...base, step: 1, status: 'acknowledged' });
    expect(s.alarms.get(base.id)?.step).toBe(2);
    s = applySnapshot(s, { ...base, step: 2, status: 'acknowledged' });
    expect(s.alarms.get(base.id)?.status).toBe('acknowledged');
  });

  it('keeps "for you" once set, and orders open alarms oldest first', () => {
    const later = { ...base, id: '00000000-0000-4000-8000-000000000002', raisedAt: '2026-01-01T10:05:00.000Z' };
    let s = fromList([later, base]);
    s = markForYou(markForYou(s, base.id), later.id);
    s = applyEvent(s, ev({ ...base, step: 3 }), false);
    expect(alertingFor(s, me).map((a) => a.id)).toEqual([base.id, later.id]);
  });

  it('collects live messages per alarm, each once and in time order', () => {
    const msg = (id: string, at: string) => ({
      id,
      alarmId: base.id,
      author: { personId: me, firstName: 'Paul', lastName: 'Pforte' },
      text: `Nachricht ${id}`,
      at,
    });
    const event = (m: ReturnType<typeof msg>) => ({
      id: m.id,
      type: 'alarm.message' as const,
      at: m.at,
      alarmId: base.id,
      message: m,
    });
    const late = msg('00000000-0000-4000-8000-000000000012', '2026-01-01T10:02:00.000Z');
    const early = msg('00000000-0000-4000-8000-000000000011', '2026-01-01T10:01:00.000Z');
    let s = applyEvent(emptyAlarms, event(late));
    s = applyEvent(s, event(early));
    s = applyEvent(s, event(late));
    expect(s.messages.get(base.id)?.map((m) => m.id)).toEqual([early.id, late.id]);
  });

  it('shows the devices offline at start, and a live event since the list wins over the later offline list', () => {
    const seat = (n: number) => ({ id: `00000000-0000-4000-8000-00000000010${n}`, name: `PC ${n}`, room: 'E.01' });
    const since = '2026-01-01T09:00:00.000Z';
    const deviceEvent = (type: 'device.offline' | 'device.online', n: number) => ({
      id: `${10 + n}`,
      type,
      at: '2026-01-01T10:00:00.000Z',
      device: seat(n),
    });
    let s = fromList([]);
    // Seat 2 came back and seat 3 went away after the list, before the offline list arrived.
    s = applyEvent(s, deviceEvent('device.online', 2));
    s = applyEvent(s, deviceEvent('device.offline', 3));
    s = withOfflineList(s, [
      { ...seat(1), since, unassigned: false },
      { ...seat(2), since, unassigned: false },
    ]);
    expect([...s.offlineDevices.keys()]).toEqual([seat(3).id, seat(1).id]);
    expect(s.offlineDevices.get(seat(1).id)?.since).toBe(since);
    // Later events still apply to devices that came from the list.
    s = applyEvent(s, deviceEvent('device.online', 1));
    expect([...s.offlineDevices.keys()]).toEqual([seat(3).id]);
  });
});

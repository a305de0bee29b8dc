import { describe, expect, it } from 'vitest';
import type { Role } from '@wachsam/protocol';
import { audience, audienceKeys } from './audience.js';
import type { EventRow } from './events.js';
import { OrgConns, type Conn } from './hub.js';

const conn = (personId: string | null, deviceId: string | null, r: Role[]): Conn => ({
  id: `${personId}-${deviceId}-${r.join('+')}-${Math.random()}`,
  orgId: 'org',
  listener: { personId, deviceId, roles: r },
  send: () => undefined,
  drained: async () => undefined,
  isClosed: () => false,
  buffer: null,
});

const raised = (sender: string, device: string | null): EventRow => ({
  id: 1n,
  orgId: 'org',
  type: 'alarm.raised',
  alarmId: 'a1',
  deviceId: device,
  at: new Date(),
  payload: { alarm: { deviceId: device, functionTest: false, sender: { personId: sender } } },
});

describe("an organisation's connections", () => {
  it('finds for an event exactly those the audience lets see it, among many who may not', () => {
    const org = new OrgConns();
    const all: Conn[] = [];
    // 2,000 agents (a person and a PC each), 3 desks, a second console of one receiver.
    for (let i = 0; i < 2000; i++) all.push(conn(`p${i}`, `d${i}`, ['employee']));
    for (let i = 0; i < 3; i++) all.push(conn(`desk${i}`, null, ['security_desk']));
    all.push(conn('p7', null, ['employee', 'helper']), conn('admin', null, ['admin']));
    for (const c of all) org.add(c);
    const receivers = new Set(['p7', 'p8', 'p9', 'nobody-here']);
    for (const row of [raised('p1', 'd1'), raised('p1', null), { ...raised('p1', 'd1'), type: 'alarm.delivered' }]) {
      const expected = all.filter((c) => audience(row, receivers, c.listener));
      const found = [...org.candidates(audienceKeys(row, receivers))].filter((c) =>
        audience(row, receivers, c.listener),
      );
      expect(new Set(found)).toEqual(new Set(expected));
      // Only the named and the watchers were asked, not the 2,000.
      expect(org.candidates(audienceKeys(row, receivers)).size).toBeLessThan(12);
    }
    // A receiver's second connection is found, and a closed one no longer.
    const second = all.find((c) => c.listener.personId === 'p7' && c.listener.deviceId === null)!;
    expect(org.candidates(audienceKeys(raised('p1', 'd1'), receivers)).has(second)).toBe(true);
    org.delete(second);
    expect(org.candidates(audienceKeys(raised('p1', 'd1'), receivers)).has(second)).toBe(false);
    expect(org.size).toBe(all.length - 1);
    // Many receivers, few of them here: the same answer from the other side.
    const many = new Set(Array.from({ length: 5000 }, (_, i) => `p${i}`));
    const row = raised('p1', 'd1');
    expect(
      new Set([...org.candidates(audienceKeys(row, many))].filter((c) => audience(row, many, c.listener))),
    ).toEqual(new Set([...all.filter((c) => c !== second)].filter((c) => audience(row, many, c.listener))));
  });
});

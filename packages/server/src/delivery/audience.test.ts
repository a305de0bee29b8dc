import { describe, expect, it } from 'vitest';
import { alarmEventTypes, roles } from '@wachsam/protocol';
import { audience, audienceKeys, seeingRoles, type Listener } from './audience.js';
import type { EventRow } from './events.js';

const alarmRow = (over: { functionTest?: boolean } = {}): EventRow => ({
  id: 1n,
  orgId: 'org',
  type: 'alarm.raised',
  alarmId: 'a1',
  deviceId: 'dev-sender',
  at: new Date(),
  payload: {
    alarm: { deviceId: 'dev-sender', functionTest: over.functionTest ?? false, sender: { personId: 'p-sender' } },
  },
});
const who = (
  personId: string | null,
  roles: Listener['roles'] = ['employee'],
  deviceId: string | null = null,
): Listener => ({ personId, roles, deviceId });
const receivers = new Set(['p-helper']);

describe('who receives an alarm event', () => {
  it('alerted receivers get it for the full-screen alert; watchers only for the overview', () => {
    expect(audience(alarmRow(), receivers, who('p-helper', ['helper']))).toEqual({ forYou: true });
    expect(audience(alarmRow(), receivers, who('p-desk', ['security_desk']))).toEqual({ forYou: false });
    expect(audience(alarmRow(), receivers, who('p-sender'))).toEqual({ forYou: false });
    expect(audience(alarmRow(), receivers, who(null, [], 'dev-sender'))).toEqual({ forYou: false });
  });

  it('nobody else, not even a helper who was not alerted', () => {
    expect(audience(alarmRow(), receivers, who('p-other', ['helper']))).toBeNull();
    expect(audience(alarmRow(), receivers, who(null, [], 'dev-other'))).toBeNull();
  });

  it('"delivered" goes to the sender and the overview, not again to every receiver', () => {
    const row = { ...alarmRow(), type: 'alarm.delivered' };
    expect(audience(row, receivers, who('p-helper', ['helper']))).toBeNull();
    expect(audience(row, receivers, who('p-sender'))).toEqual({ forYou: false });
    expect(audience(row, receivers, who(null, [], 'dev-sender'))).toEqual({ forYou: false });
    expect(audience(row, receivers, who('p-desk', ['security_desk']))).toEqual({ forYou: false });
  });

  it('a function test goes back to the raising device only', () => {
    expect(audience(alarmRow({ functionTest: true }), receivers, who(null, [], 'dev-sender'))).toEqual({
      forYou: false,
    });
    expect(audience(alarmRow({ functionTest: true }), receivers, who('p-desk', ['security_desk']))).toBeNull();
    expect(audience(alarmRow({ functionTest: true }), receivers, who('p-helper', ['helper']))).toBeNull();
  });

  it('a message reaches the same people as the alarm (sender, raising phone, receivers, overview), never as an alert', () => {
    const row = { ...alarmRow(), type: 'alarm.message', payload: { alarmId: 'a1', message: {} } };
    expect(audience(row, receivers, who('p-helper', ['helper']), 'p-sender')).toEqual({ forYou: false });
    expect(audience(row, receivers, who('p-sender'), 'p-sender')).toEqual({ forYou: false });
    expect(audience(row, receivers, who(null, [], 'dev-sender'), 'p-sender')).toEqual({ forYou: false });
    expect(audience(row, receivers, who('p-desk', ['security_desk']), 'p-sender')).toEqual({ forYou: false });
    expect(audience(row, receivers, who('p-other', ['helper']), 'p-sender')).toBeNull();
    expect(audience(row, receivers, who(null, [], 'dev-other'), 'p-sender')).toBeNull();
  });

  it('device offline reports go to administration and the security desk', () => {
    const row = { ...alarmRow(), type: 'device.offline', alarmId: null, payload: {} };
    expect(audience(row, undefined, who('p', ['admin']))).toEqual({ forYou: false });
    expect(audience(row, undefined, who('p', ['helper']))).toBeNull();
  });
});

describe('the keys fan-out finds connections by', () => {
  it('name everybody the audience lets see an event, for every event type and listener', () => {
    const rows: EventRow[] = [
      ...alarmEventTypes.flatMap((type) =>
        [false, true].map((functionTest) => ({ ...alarmRow({ functionTest }), type })),
      ),
      { ...alarmRow(), type: 'alarm.message', deviceId: 'dev-sender', payload: { alarmId: 'a1', message: {} } },
      { ...alarmRow(), type: 'alarm.message', deviceId: null, payload: { alarmId: 'a1', message: {} } },
      { ...alarmRow(), type: 'device.offline', alarmId: null, deviceId: 'dev-other', payload: { device: {} } },
      { ...alarmRow(), type: 'device.online', alarmId: null, deviceId: 'dev-other', payload: { device: {} } },
      { ...alarmRow(), type: 'function_test.requested', alarmId: null, deviceId: 'dev-sender', payload: {} },
      // A phone alarm: no raising device, the sender's person only.
      {
        ...alarmRow(),
        deviceId: null,
        payload: { alarm: { deviceId: null, functionTest: false, sender: { personId: 'p-sender' } } },
      },
    ];
    const roleSets: Array<Listener['roles']> = [
      [],
      ...roles.map((r) => [r]),
      ...roles.flatMap((a) => roles.map((b) => [a, b])),
    ];
    let seen = 0;
    for (const row of rows)
      for (const recv of [receivers, undefined, new Set<string>()])
        for (const sender of ['p-sender', null])
          for (const personId of [null, 'p-helper', 'p-sender', 'p-other'])
            for (const deviceId of [null, 'dev-sender', 'dev-other'])
              for (const r of roleSets) {
                const l = who(personId, r, deviceId);
                if (!audience(row, recv, l, sender)) continue;
                seen++;
                const keys = audienceKeys(row, recv, sender);
                const named =
                  (l.personId !== null && (keys.persons.includes(l.personId) || !!keys.receivers?.has(l.personId))) ||
                  (l.deviceId !== null && keys.devices.includes(l.deviceId)) ||
                  l.roles.some((x) => seeingRoles.includes(x));
                expect(named, `${row.type} ${JSON.stringify(l)}`).toBe(true);
              }
    expect(seen).toBeGreaterThan(1000);
  });
});

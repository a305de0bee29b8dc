import type { Alarm } from '@wachsam/protocol';

/** A plain open alarm for unit tests; override what the test is about. */
export const testAlarm = (over: Partial<Alarm> = {}): Alarm => ({
  id: '00000000-0000-4000-8000-000000000001',
  status: 'raised',
  source: 'hotkey',
  test: false,
  functionTest: false,
  raisedAt: '2026-01-01T10:00:00.000Z',
  triggeredAt: null,
  sender: { personId: '00000000-0000-4000-8000-0000000000bb', firstName: 'Anna', lastName: 'Schmidt', phone: '' },
  location: { building: 'Rathaus', address: '', floor: 'EG', room: '0.12', workstation: '' },
  deviceId: null,
  position: null,
  positionKind: null,
  positionAddress: null,
  step: 1,
  steps: 3,
  nextEscalationAt: null,
  callPolice: false,
  alerted: 2,
  responders: [],
  cancelledAt: null,
  resolvedAt: null,
  resolvedBy: null,
  outcome: null,
  ...over,
});

import { describe, expect, it } from 'vitest';
import type { Alarm } from '@wachsam/protocol';
import { respondedAlarms } from './respondedAlarms.js';

const me = '00000000-0000-4000-8000-0000000000aa';
const sender = '00000000-0000-4000-8000-0000000000bb';
const now = new Date('2026-03-10T12:00:00Z');

const alarm = (id: string, over: Partial<Alarm> = {}): Alarm =>
  ({
    id,
    status: 'resolved',
    test: false,
    functionTest: false,
    resolvedAt: '2026-03-09T12:00:00Z',
    sender: { personId: sender, firstName: 'Anna', lastName: 'Schmidt', phone: '' },
    responders: [{ personId: me, firstName: 'Jonas', lastName: 'Becker', response: 'coming', at: '' }],
    ...over,
  }) as Alarm;

describe('alarms a receiver may report after responding', () => {
  it('offers resolved real alarms the person responded to, in the last seven days, not raised by them', () => {
    const list = [
      alarm('a'),
      alarm('open', { status: 'acknowledged', resolvedAt: null }),
      alarm('test', { test: true }),
      alarm('function-test', { functionTest: true }),
      alarm('old', { resolvedAt: '2026-03-01T12:00:00Z' }),
      alarm('not-responded', { responders: [] }),
      alarm('own', { sender: { personId: me, firstName: '', lastName: '', phone: '' } }),
    ];
    expect(respondedAlarms(list, me, now).map((a) => a.id)).toEqual(['a']);
  });
});

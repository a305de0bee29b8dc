import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmEvent, Responder } from '@wachsam/protocol';
import { AlarmDisplay } from './display.js';
import type { OpenAlarms } from './openAlarms.js';
import { RecordingNotifier, sampleAlarm } from './testing.js';

const thisDevice = '7c0e9f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const petra: Responder = {
  personId: '1f0e9f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
  firstName: 'Petra',
  lastName: 'Hoffmann',
  response: 'coming',
  at: '2026-01-02T10:16:00Z',
};
const jonas: Responder = {
  ...petra,
  personId: '2f0e9f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
  firstName: 'Jonas',
  lastName: 'Becker',
};

function setup() {
  const notifier = new RecordingNotifier();
  const receipts: string[] = [];
  const logs: string[] = [];
  let connected = true;
  const display = new AlarmDisplay({
    deviceId: thisDevice,
    notifier,
    sendReceipt: (alarmId) => {
      if (connected) receipts.push(alarmId);
      return connected;
    },
    log: (line) => logs.push(line),
  });
  return { display, notifier, receipts, logs, setConnected: (c: boolean) => (connected = c) };
}

const own = (patch: Partial<Alarm> = {}) =>
  sampleAlarm({ id: 'a0000000-0000-4000-8000-000000000001', deviceId: thisDevice, ...patch });
const colleagues = (patch: Partial<Alarm> = {}) =>
  sampleAlarm({ id: 'b0000000-0000-4000-8000-000000000002', ...patch });
const event = (id: number, type: AlarmEvent['type'], alarm: Alarm): AlarmEvent => ({
  id: String(id),
  type,
  at: '2026-01-02T10:16:00Z',
  alarm,
});
const list = (lastEventId: number, alarms: Alarm[], forYou: Alarm[] = []): OpenAlarms => ({
  alarms,
  forYou: new Set(forYou.map((a) => a.id)),
  lastEventId: String(lastEventId),
});

describe('AlarmDisplay: the sender', () => {
  it('shows who is coming for an own alarm raised before the agent ran', () => {
    const { display, notifier } = setup();
    display.openAlarms(list(10, [own({ status: 'acknowledged', responders: [petra] })]));
    expect(notifier.discreetLines).toEqual(['Hilfe kommt: 4 alarmiert, 1 unterwegs (Petra Hoffmann).']);
    expect(notifier.alerts).toEqual([]);
  });

  it('does not tell the same state twice, and takes in only what is newer than the list', () => {
    const { display, notifier } = setup();
    const coming = own({ status: 'acknowledged', responders: [petra] });
    display.openAlarms(list(10, [coming]));
    // Events the list already covers (the stream lags behind the list) change nothing.
    display.event(event(9, 'alarm.raised', own()), false, false);
    // An event after the list's id that carries the state the list already had: not repeated.
    display.event(event(11, 'alarm.responded', coming), false, false);
    expect(notifier.discreetLines).toHaveLength(1);
    display.event(
      event(12, 'alarm.responded', own({ status: 'acknowledged', responders: [petra, jonas] })),
      false,
      false,
    );
    expect(notifier.discreetLines.at(-1)).toBe('Hilfe kommt: 4 alarmiert, 2 unterwegs (Petra Hoffmann, Jonas Becker).');
  });

  it('does not pop up an own alarm that ended while the agent was away', () => {
    const { display, notifier, logs } = setup();
    display.event(event(5, 'alarm.resolved', own({ status: 'resolved' })), false, true);
    expect(notifier.discreetLines).toEqual([]);
    expect(logs.join('\n')).toContain('abgeschlossen');
  });

  it('tells the state, not the last event type, after history', () => {
    const { display, notifier } = setup();
    display.event(event(5, 'alarm.delivered', own({ status: 'acknowledged', responders: [petra] })), false, true);
    expect(notifier.discreetLines).toEqual(['Hilfe kommt: 4 alarmiert, 1 unterwegs (Petra Hoffmann).']);
  });
});

describe('AlarmDisplay: the receiver', () => {
  it('alerts once for an open alarm in the list, with a receipt, and not again for its events', () => {
    const { display, notifier, receipts } = setup();
    const alarm = colleagues();
    display.openAlarms(list(10, [alarm], [alarm]));
    display.event(event(8, 'alarm.raised', alarm), true, false);
    display.event(event(11, 'alarm.escalated', colleagues({ step: 3 })), true, false);
    display.openAlarms(list(12, [colleagues({ step: 3 })], [alarm]));
    expect(notifier.alerts).toHaveLength(1);
    expect(notifier.alerts[0]?.text).toContain('Anna Schmidt braucht Hilfe');
    expect(receipts).toEqual([alarm.id]);
  });

  it('never pops up what is over: resolved or function-test alarms in the list', () => {
    const { display, notifier } = setup();
    const test = colleagues({ functionTest: true, test: true });
    const resolved = colleagues({ id: 'c0000000-0000-4000-8000-000000000003', status: 'resolved' });
    const ownTest = own({ functionTest: true, test: true, status: 'resolved' });
    display.openAlarms(list(10, [test, resolved, ownTest], [test, resolved]));
    expect(notifier.alerts).toEqual([]);
    expect(notifier.discreetLines).toEqual([]);
  });

  it('ends a ringing alert when the list shows its alarm is no longer open', () => {
    const { display, notifier } = setup();
    display.event(event(5, 'alarm.raised', colleagues()), true, false);
    // The resolve event was lost (e.g. a reconnect without resume); the list knows.
    display.openAlarms(list(10, []));
    expect(notifier.alerts[0]?.stopped).toBe(true);
  });

  it('keeps an alert whose alarm was raised after the list was read', () => {
    const { display, notifier } = setup();
    display.event(event(11, 'alarm.raised', colleagues()), true, false);
    display.openAlarms(list(10, []));
    expect(notifier.alerts[0]?.stopped).toBe(false);
  });

  it('does not let an older list revive an alarm that a newer event ended', () => {
    const { display, notifier } = setup();
    display.event(event(5, 'alarm.raised', colleagues()), true, false);
    display.event(event(12, 'alarm.resolved', colleagues({ status: 'resolved' })), true, false);
    display.openAlarms(list(10, [colleagues()], [colleagues()]));
    expect(notifier.alerts).toHaveLength(1);
    expect(notifier.alerts[0]?.stopped).toBe(true);
  });

  it('asks to look in person after a cancel, once', () => {
    const { display, notifier } = setup();
    display.event(event(5, 'alarm.raised', colleagues()), true, false);
    const cancelled = colleagues({ cancelledAt: '2026-01-02T10:17:00Z' });
    display.event(event(6, 'alarm.cancelled', cancelled), true, false);
    display.openAlarms(list(10, [cancelled], [cancelled]));
    expect(notifier.warnings).toEqual([
      { title: 'Wachsam', text: 'Abbruch durch die auslösende Person – bitte trotzdem persönlich nachsehen' },
    ]);
    expect(notifier.alerts[0]?.stopped).toBe(false);
  });

  it('silences the alert once someone is coming and says who', () => {
    const { display, notifier } = setup();
    display.event(event(5, 'alarm.raised', colleagues()), true, false);
    display.event(
      event(6, 'alarm.responded', colleagues({ status: 'acknowledged', responders: [petra] })),
      true,
      false,
    );
    expect(notifier.alerts[0]?.silenced).toBe(true);
    expect(notifier.discreetLines).toEqual(['Alarm Anna Schmidt: 1 unterwegs (Petra Hoffmann)']);
  });

  it('keeps the sound when only the police was called: nobody is on the way yet', () => {
    const { display, notifier } = setup();
    display.event(event(5, 'alarm.raised', colleagues()), true, false);
    const police = { ...jonas, response: 'police_called' as const };
    display.event(
      event(6, 'alarm.responded', colleagues({ status: 'acknowledged', responders: [police] })),
      true,
      false,
    );
    expect(notifier.alerts[0]?.silenced).toBe(false);
    expect(notifier.discreetLines).toEqual([
      'Alarm Anna Schmidt: Polizei verständigt (Jonas Becker) – noch niemand unterwegs',
    ]);
  });

  it('sends a receipt that could not go while offline once connected again', () => {
    const { display, receipts, setConnected } = setup();
    setConnected(false);
    display.openAlarms(list(10, [colleagues()], [colleagues()]));
    expect(receipts).toEqual([]);
    setConnected(true);
    display.resendReceipts();
    display.resendReceipts();
    expect(receipts).toEqual([colleagues().id]);
  });
});

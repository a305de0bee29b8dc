import type { Alarm, AlarmMessage, AlarmStatus, DeviceEvent, RealtimeEvent } from '@wachsam/protocol';

export interface AlarmsState {
  /** Open alarms by id (resolved ones are removed). */
  alarms: ReadonlyMap<string, Alarm>;
  /** Devices reported offline and not back yet: unprotected seats. */
  offlineDevices: ReadonlyMap<string, DeviceEvent['device'] & { since: string }>;
  /**
   * Alarms for which this person is an alerted receiver (the server's `forYou`, or the
   * person is among the receivers of the alarm's detail). Sticky: once alerted, a person stays
   * alerted for that alarm, whatever step comes next.
   */
  forYou: ReadonlySet<string>;
  /** Text messages that arrived live, by alarm (the thread loads the earlier ones itself). */
  messages: ReadonlyMap<string, readonly AlarmMessage[]>;
}

export const emptyAlarms: AlarmsState = {
  alarms: new Map(),
  offlineDevices: new Map(),
  forYou: new Set(),
  messages: new Map(),
};

/** Adds messages to a thread: each once (by id), in time order. */
export function mergeMessages(
  current: readonly AlarmMessage[],
  incoming: readonly AlarmMessage[],
): readonly AlarmMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

const statusRank: Record<AlarmStatus, number> = { raised: 0, delivered: 1, acknowledged: 2, resolved: 3 };

/**
 * Whether `incoming` is at least as far along as `current` in every field that only ever
 * moves forward. Used for answers to our own HTTP calls, which may arrive after a newer
 * realtime event for the same alarm: an older snapshot must never undo a response,
 * escalation or cancel that is already on screen.
 */
export function isAtLeastAsFresh(incoming: Alarm, current: Alarm): boolean {
  return (
    statusRank[incoming.status] >= statusRank[current.status] &&
    incoming.step >= current.step &&
    incoming.responders.length >= current.responders.length &&
    incoming.alerted >= current.alerted &&
    (incoming.cancelledAt !== null || current.cancelledAt === null) &&
    (incoming.resolvedAt !== null || current.resolvedAt === null)
  );
}

function withAlarm(state: AlarmsState, alarm: Alarm): AlarmsState {
  const alarms = new Map(state.alarms);
  if (alarm.status === 'resolved') alarms.delete(alarm.id);
  else alarms.set(alarm.id, alarm);
  return { ...state, alarms };
}

/** Marks an alarm as one this person was alerted for. */
export function markForYou(state: AlarmsState, alarmId: string): AlarmsState {
  if (state.forYou.has(alarmId)) return state;
  return { ...state, forYou: new Set([...state.forYou, alarmId]) };
}

/** A realtime event: events arrive de-duplicated and each carries the whole alarm, so it wins. */
export function applyEvent(state: AlarmsState, event: RealtimeEvent, forYou = false): AlarmsState {
  switch (event.type) {
    case 'device.offline': {
      const offlineDevices = new Map(state.offlineDevices);
      offlineDevices.set(event.device.id, { ...event.device, since: event.at });
      return { ...state, offlineDevices };
    }
    case 'device.online': {
      if (!state.offlineDevices.has(event.device.id)) return state;
      const offlineDevices = new Map(state.offlineDevices);
      offlineDevices.delete(event.device.id);
      return { ...state, offlineDevices };
    }
    case 'function_test.requested':
      return state;
    case 'alarm.message': {
      const messages = new Map(state.messages);
      messages.set(event.alarmId, mergeMessages(messages.get(event.alarmId) ?? [], [event.message]));
      return { ...state, messages };
    }
    default: {
      const next = withAlarm(state, event.alarm);
      return forYou ? markForYou(next, event.alarm.id) : next;
    }
  }
}

/** An alarm from an HTTP answer: applied only when it is not older than what we show. */
export function applySnapshot(state: AlarmsState, alarm: Alarm): AlarmsState {
  const current = state.alarms.get(alarm.id);
  if (current && !isAtLeastAsFresh(alarm, current)) return state;
  if (!current && alarm.status === 'resolved') return state;
  return withAlarm(state, alarm);
}

/** The initial list (GET /api/alarms?open=true) replaces everything. */
export function fromList(alarms: readonly Alarm[]): AlarmsState {
  return {
    alarms: new Map(alarms.filter((a) => a.status !== 'resolved').map((a) => [a.id, a])),
    offlineDevices: new Map(),
    forYou: new Set(),
    messages: new Map(),
  };
}

/** Open alarms, oldest first: the one waiting longest is shown first. */
export function openAlarms(state: AlarmsState): Alarm[] {
  return [...state.alarms.values()].sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));
}

/**
 * Alarms that must take over this receiver's screen: open, I am alerted for it, not a device
 * function test, not raised by me (a sender's screen stays discreet), not yet answered by me.
 */
export function alertingFor(state: AlarmsState, personId: string): Alarm[] {
  return openAlarms(state).filter(
    (a) =>
      state.forYou.has(a.id) &&
      !a.functionTest &&
      a.sender.personId !== personId &&
      !a.responders.some((r) => r.personId === personId),
  );
}

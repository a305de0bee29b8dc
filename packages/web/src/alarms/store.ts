import type { Alarm, AlarmMessage, AlarmStatus, OfflineDevice, RealtimeEvent } from '@wachsam/protocol';

export interface AlarmsState {
  /** Open alarms by id (resolved ones are removed). */
  alarms: ReadonlyMap<string, Alarm>;
  /** Devices reported offline and not back yet: unprotected seats. */
  offlineDevices: ReadonlyMap<string, OfflineDevice>;
  /**
   * Devices with a live `device.*` event since the list was loaded. The stream resumes right
   * after the list, so for these the last event is newer than any offline list fetched later.
   */
  devicesHeardLive: ReadonlySet<string>;
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
  devicesHeardLive: new Set(),
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
    case 'device.offline':
    case 'device.online': {
      const offlineDevices = new Map(state.offlineDevices);
      // A PC without a room stays an unprotected seat whether it is connected or not.
      const unassigned = state.offlineDevices.get(event.device.id)?.unassigned ?? false;
      if (event.type === 'device.offline')
        offlineDevices.set(event.device.id, { ...event.device, since: event.at, unassigned });
      else if (!unassigned) offlineDevices.delete(event.device.id);
      return { ...state, offlineDevices, devicesHeardLive: new Set([...state.devicesHeardLive, event.device.id]) };
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

/**
 * The devices offline at start (GET /api/devices/offline, fetched after the alarm list): the
 * overview shows unprotected seats at once instead of after the next live event. A device
 * with a live event since the list was loaded keeps what that event said.
 */
export function withOfflineList(state: AlarmsState, devices: readonly OfflineDevice[]): AlarmsState {
  const offlineDevices = new Map(state.offlineDevices);
  for (const d of devices) if (!state.devicesHeardLive.has(d.id)) offlineDevices.set(d.id, d);
  return { ...state, offlineDevices };
}

/** The initial list (every page of GET /api/alarms?open=true) replaces everything. */
export function fromList(alarms: readonly Alarm[]): AlarmsState {
  return {
    alarms: new Map(alarms.filter((a) => a.status !== 'resolved').map((a) => [a.id, a])),
    offlineDevices: new Map(),
    devicesHeardLive: new Set(),
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

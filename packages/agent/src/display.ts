import type { Alarm, AlarmEvent } from '@wachsam/protocol';
import { responseSummary, senderFeedback, senderStateText } from './feedback.js';
import { alarmText, cancelledReceiverText, type AlertHandle, type Notifier } from './notify.js';
import type { OpenAlarms } from './openAlarms.js';

export interface AlarmDisplayDeps {
  deviceId: string;
  notifier: Notifier;
  /** Send the receipt frame ("shown on this PC"); false when not connected right now. */
  sendReceipt(alarmId: string): boolean;
  log(line: string): void;
}

interface ShownAlert {
  handle: AlertHandle;
  /** The newest state of the alarm this alert has shown. */
  alarm: Alarm;
  receiptSent: boolean;
}

/** Where an alarm's state came from: an event (live or replayed history), or the open list. */
type Source = { event: AlarmEvent; fromReplay: boolean } | null;

/** How many alarms the display remembers (an agent runs for months). */
const memory = 5_000;

/**
 * The sound stops once a helper is on the way ("Ich komme"). Not for "Polizei verständigt"
 * alone: the police takes minutes, the colleague needs someone now.
 */
const someoneComing = (alarm: Alarm) => alarm.responders.some((r) => r.response === 'coming');

const senderName = (alarm: Alarm) => `${alarm.sender.firstName} ${alarm.sender.lastName}`.trim();

/**
 * What this PC shows about alarms: the sender's discreet feedback for its own alarms, and the
 * alert for alarms this PC's person was alerted for.
 *
 * Guarantee: the state of an alarm reaches the display by events (live, or replayed after a
 * reconnect) and by the list of open alarms read at start; whichever way, only information
 * newer than what was shown is taken in. So an alert is started once per alarm, an alarm that
 * is already over never pops up, and a ringing alert stops when the list shows its alarm is
 * no longer open even if the resolve event itself never arrived.
 */
export class AlarmDisplay {
  private readonly alerts = new Map<string, ShownAlert>();
  /** Per alarm: the newest event id whose state has been taken in (a list counts as its id). */
  private readonly newest = new Map<string, bigint>();
  /** The last line told to the sender per own alarm: the same state is not told twice. */
  private readonly told = new Map<string, string>();
  /** Every event up to this id is covered by an open list already taken in. */
  private listedUpTo = -1n;

  constructor(private readonly deps: AlarmDisplayDeps) {}

  /** An alarm event from the stream, in stream order. `fromReplay`: compacted history. */
  event(event: AlarmEvent, forYou: boolean, fromReplay: boolean): void {
    const id = BigInt(event.id);
    // A list read after this event already showed the alarm's state (or that it is over).
    if (id <= this.listedUpTo) return;
    if ((this.newest.get(event.alarm.id) ?? -1n) >= id) return;
    this.remember(event.alarm.id, id);
    this.show(event.alarm, forYou, { event, fromReplay });
  }

  /** The open alarms as read from the server: show what is new, end alerts of alarms now over. */
  openAlarms(list: OpenAlarms): void {
    const upTo = BigInt(list.lastEventId);
    const open = new Set<string>();
    for (const alarm of list.alarms) {
      // A function test is a check of this PC's path, never an alarm to show.
      if (alarm.functionTest || alarm.status === 'resolved') continue;
      open.add(alarm.id);
      // An event newer than the list was shown already: the list could only step back.
      if ((this.newest.get(alarm.id) ?? -1n) > upTo) continue;
      this.remember(alarm.id, upTo);
      this.show(alarm, list.forYou.has(alarm.id), null);
    }
    for (const [alarmId, shown] of this.alerts) {
      // Not open any more and nothing newer heard: it was resolved while we were not listening.
      if (open.has(alarmId) || (this.newest.get(alarmId) ?? -1n) > upTo) continue;
      this.endAlert(alarmId, shown);
    }
    if (upTo > this.listedUpTo) this.listedUpTo = upTo;
  }

  /** After a reconnect: receipts that could not be sent while offline go now. */
  resendReceipts(): void {
    for (const [alarmId, shown] of this.alerts) {
      if (!shown.receiptSent) shown.receiptSent = this.deps.sendReceipt(alarmId);
    }
  }

  stopAll(): void {
    for (const shown of this.alerts.values()) shown.handle.stop();
  }

  private show(alarm: Alarm, forYou: boolean, source: Source): void {
    // Own alarms first: whatever else is true, the sender's screen stays discreet.
    if (alarm.deviceId === this.deps.deviceId) return this.showSender(alarm, source);
    if (forYou) return this.showReceiver(alarm, source);
    if (source) {
      const where = alarm.location.room;
      this.deps.log(`${source.event.type}: ${senderName(alarm)}, ${where} (${alarm.status})`);
    }
  }

  /**
   * The sender's feedback. Live events say what just happened; history and the open list say
   * the current state (who is coming). An own alarm that ended while the agent was away is only
   * logged: it is over, nothing to pop up.
   */
  private showSender(alarm: Alarm, source: Source): void {
    const live = source !== null && !source.fromReplay;
    if (alarm.status === 'resolved' && !live) {
      this.deps.log(`Eigener Alarm inzwischen abgeschlossen (${alarm.id})`);
      return;
    }
    const text = live ? senderFeedback(source.event) : senderStateText(alarm);
    if (text === null || this.told.get(alarm.id) === text) return;
    this.told.set(alarm.id, text);
    this.deps.notifier.discreet(text);
  }

  /**
   * A colleague needs help and this PC's person is alerted: window and sound until someone
   * acknowledged, and a receipt to the server (the alarm has been shown). Later states of the
   * same alarm update that alert, never start a second one.
   */
  private showReceiver(alarm: Alarm, source: Source): void {
    const shown = this.alerts.get(alarm.id);
    if (alarm.status === 'resolved') {
      if (shown) this.endAlert(alarm.id, shown);
      else if (source && !source.fromReplay) this.deps.log(`Entwarnung: Alarm von ${senderName(alarm)}`);
      return;
    }
    if (!shown) return this.startAlert(alarm);
    const before = shown.alarm;
    shown.alarm = alarm;
    const summary = responseSummary(alarm);
    if (summary !== null && summary !== responseSummary(before)) {
      this.deps.notifier.discreet(`Alarm ${senderName(alarm)}: ${summary}`);
    }
    if (alarm.step > before.step) this.deps.log(`Alarm eskaliert auf Stufe ${alarm.step}`);
    if (alarm.cancelledAt !== null && before.cancelledAt === null) {
      this.deps.notifier.warn('Wachsam', cancelledReceiverText);
    }
    if (someoneComing(alarm)) shown.handle.silence();
  }

  private startAlert(alarm: Alarm): void {
    const { title, text } = alarmText(alarm);
    const handle = this.deps.notifier.alarm(title, text);
    this.alerts.set(alarm.id, { handle, alarm, receiptSent: this.deps.sendReceipt(alarm.id) });
    // Someone is already on the way: the alert is shown, the sound does not repeat.
    if (someoneComing(alarm)) handle.silence();
    void handle.closed.then(() => this.deps.log(`Alarmfenster geschlossen (${alarm.id})`));
  }

  private endAlert(alarmId: string, shown: ShownAlert): void {
    shown.handle.stop();
    this.alerts.delete(alarmId);
    this.deps.log(`Entwarnung: Alarm von ${senderName(shown.alarm)}`);
  }

  private remember(alarmId: string, id: bigint): void {
    this.newest.delete(alarmId);
    this.newest.set(alarmId, id);
    if (this.newest.size <= memory) return;
    const oldest = this.newest.keys().next().value as string;
    this.newest.delete(oldest);
    this.told.delete(oldest);
  }
}

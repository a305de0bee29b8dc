import { isFinalRejection, type AgentConfigFile, type RealtimeEvent } from '@wachsam/protocol';
import { exitCodes, type ExitCode } from './args.js';
import { ApiClient } from './client.js';
import { readState, writeState, type AgentState } from './config.js';
import { backoffMs, Drainer, sleep, type DeliveryOutcome } from './delivery.js';
import { AlarmDisplay } from './display.js';
import { deviceRefusal, failedNotice, raisedText } from './feedback.js';
import { FunctionTestWatcher, runFunctionTest } from './functionTest.js';
import type { Notifier } from './notify.js';
import { fetchOpenAlarms } from './openAlarms.js';
import { Outbox } from './outbox.js';
import { RealtimeConnection } from './realtime.js';

/** EN 50136-1 SP6: a failed path is reported within 20 s. */
export const connectionLostAfterMs = 20_000;
const connectionReminderMs = 5 * 60_000;
const drainEveryMs = 3_000;

export interface AgentOptions {
  dir: string;
  config: AgentConfigFile;
  notifier: Notifier;
  functionTestAtStart: boolean;
  log?: (line: string) => void;
}

/**
 * The long-running agent: receives alarms for this PC's person, shows the sender's feedback,
 * keeps sending the outbox, proves its alarm path at start and on request, and says so
 * audibly when the connection to the server is lost.
 */
export class Agent {
  private readonly client: ApiClient;
  private readonly outbox: Outbox;
  private readonly drainer: Drainer;
  private readonly watcher = new FunctionTestWatcher();
  private readonly realtime: RealtimeConnection;
  private readonly deviceId: string;
  private readonly display: AlarmDisplay;
  private readonly replayBuffer: Array<{ event: RealtimeEvent; forYou: boolean }> = [];
  private state: AgentState = { lastEventId: null, lastFunctionTest: null, deviceId: null };
  private timers: NodeJS.Timeout[] = [];
  private lostSignalledAt: number | null = null;
  /** Set once a function test passed in this process; until then every reconnect tries again. */
  private pathProven = false;
  private testRunning = false;
  private startTestDone = false;
  private autoRetests = 0;
  /** Outbox problems already told (each once, not at every drain). */
  private readonly reported = new Set<string>();
  private functionTest: Promise<void> = Promise.resolve();
  private stateWrite: Promise<void> = Promise.resolve();
  private finished: ((code: ExitCode) => void) | null = null;
  private stopped = false;
  /** The open alarms have been read once in this process; each newer read supersedes older ones. */
  private caughtUp = false;
  private catchUpRound = 0;

  constructor(
    private readonly options: AgentOptions,
    initialState: AgentState,
  ) {
    const { config } = options;
    this.deviceId = config.enrolment.deviceId;
    this.client = new ApiClient(config.server, config.enrolment.token);
    this.outbox = new Outbox(options.dir);
    this.drainer = new Drainer(this.client, this.outbox);
    // A state file from another enrolment must not decide where this device's stream resumes.
    this.state =
      initialState.deviceId === this.deviceId
        ? initialState
        : { ...initialState, lastEventId: null, deviceId: this.deviceId };
    this.display = new AlarmDisplay({
      deviceId: this.deviceId,
      notifier: options.notifier,
      sendReceipt: (alarmId) => this.realtime.send({ kind: 'receipt', alarmId }),
      log: (line) => this.log(line),
    });
    this.realtime = new RealtimeConnection(config.server, config.enrolment.token, this.state.lastEventId, {
      onEvent: (event, forYou, replay) => this.onEvent(event, forYou, replay),
      onReplayDone: () => this.flushReplay(),
      onLive: ({ resumed }) => {
        if (!resumed || !this.caughtUp) void this.catchUp();
      },
      onConnected: () => {
        this.log('Verbunden mit dem Alarmserver');
        this.display.resendReceipts();
        void this.drain();
        // The start test failed (e.g. server down at boot): prove the path as soon as it is back.
        if (
          options.functionTestAtStart &&
          !this.pathProven &&
          !this.testRunning &&
          this.startTestDone &&
          this.autoRetests++ < 3
        ) {
          this.scheduleFunctionTest(undefined);
        }
      },
      onDisconnected: (reason) => this.log(`Verbindung getrennt: ${reason}`),
      onRejected: (failure) => this.rejected(failure.code, failure.message),
      onResumePoint: (lastEventId) => this.saveState({ lastEventId }),
      log: (line) => this.log(line),
    });
  }

  static async start(options: AgentOptions): Promise<Agent> {
    return new Agent(options, await readState(options.dir));
  }

  /** Runs until stopped; resolves with the exit code. */
  run(): Promise<ExitCode> {
    const done = new Promise<ExitCode>((resolve) => (this.finished = resolve));
    this.log(
      `Agent gestartet: ${this.options.config.enrolment.workstation.name}, Server ${this.options.config.server}`,
    );
    this.realtime.start();
    void this.drain();
    this.timers.push(setInterval(() => void this.drain(), drainEveryMs));
    this.timers.push(setInterval(() => this.watchConnection(), 1_000));
    if (this.options.functionTestAtStart) this.scheduleFunctionTest(undefined);
    return done;
  }

  async stop(code: ExitCode = exitCodes.ok): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.realtime.stop();
    this.stopped = true;
    this.display.stopAll();
    await this.stateWrite;
    this.finished?.(code);
    this.finished = null;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stdout.write(`[${new Date().toLocaleTimeString('de-DE')}] ${l}\n`)))(
      line,
    );
  }

  // ------------------------------------------------------------------ outbox

  private async drain(): Promise<void> {
    let outcomes: DeliveryOutcome[];
    try {
      const result = await this.drainer.drain();
      outcomes = result.outcomes;
      for (const path of result.unreadable) {
        if (this.reported.has(path)) continue;
        this.reported.add(path);
        this.options.notifier.warn('Wachsam', `Ausstehender Alarm unlesbar: ${path} – IT informieren.`);
      }
    } catch (error) {
      this.log(`Ausstehende Alarme konnten nicht gesendet werden: ${String(error)}`);
      return;
    }
    for (const outcome of outcomes) {
      const at = new Date(outcome.entry.request.triggeredAt).toLocaleTimeString('de-DE');
      if (outcome.kind === 'delivered') {
        const text = outcome.response ? raisedText(outcome.response, outcome.entry.request.test) : 'Alarm ausgelöst.';
        this.options.notifier.discreet(`Nachgesendet (${at}): ${text}`);
      } else if (outcome.kind === 'failed') {
        const { title, text } = failedNotice(outcome.record);
        this.options.notifier.warn(title, text);
      } else if (!this.reported.has(outcome.entry.key)) {
        this.reported.add(outcome.entry.key);
        this.log(`Alarm von ${at} noch nicht zugestellt (${outcome.failure.message}) – wird weiter gesendet`);
      }
    }
  }

  // ------------------------------------------------------------------ events

  private async onEvent(event: RealtimeEvent, forYou: boolean, replay: boolean): Promise<void> {
    // A function-test alarm is never shown; its arrival, live or in history, only proves the
    // path. It bypasses the compaction, which could otherwise hide the raise behind its resolve.
    if ('alarm' in event && event.alarm.functionTest) {
      if (event.alarm.deviceId === this.deviceId && event.type === 'alarm.raised') this.watcher.arrive(event.alarm);
      return;
    }
    // History after a reconnect is collected and shown compacted at its end: an alarm that was
    // raised and resolved while we were away must not pop up now.
    if (replay) {
      this.replayBuffer.push({ event, forYou });
      return;
    }
    await this.handle(event, forYou, false);
  }

  private async flushReplay(): Promise<void> {
    for (const { event, forYou } of compactReplay(this.replayBuffer.splice(0))) {
      await this.handle(event, forYou, true);
    }
  }

  private async handle(event: RealtimeEvent, forYou: boolean, fromReplay: boolean): Promise<void> {
    switch (event.type) {
      case 'function_test.requested':
        if (event.deviceId === this.deviceId) {
          this.log('Funktionstest angefordert');
          this.scheduleFunctionTest(event.functionTestId);
        }
        return;
      case 'device.online':
      case 'device.offline':
        this.log(
          `${event.device.name} (${event.device.room}) ${event.type === 'device.online' ? 'online' : 'OFFLINE'}`,
        );
        return;
      case 'alarm.message':
        // Messages belong to the mobile alarm's thread; the desk agent shows them as a line.
        this.log(
          `Nachricht zum Alarm: ${event.message.author.firstName} ${event.message.author.lastName}: ${event.message.text}`,
        );
        return;
      default:
        return this.display.event(event, forYou, fromReplay);
    }
  }

  /**
   * Read the open alarms from the server and show their current state. The stream has no
   * history before its resume point: an alarm raised while `run` was not running (Ctrl+Alt+H
   * runs `trigger` on its own), and the answers to it, reach this PC only this way. Done once
   * at start and after every connection that could not resume; retried until it succeeds, and
   * a newer round supersedes an older one still waiting.
   */
  private async catchUp(): Promise<void> {
    const round = ++this.catchUpRound;
    for (let attempt = 0; !this.stopped && round === this.catchUpRound; attempt++) {
      const result = await fetchOpenAlarms(this.client);
      if (this.stopped || round !== this.catchUpRound) return;
      if (result.ok) {
        this.display.openAlarms(result.data);
        this.caughtUp = true;
        this.log(`Offene Alarme abgeglichen: ${result.data.alarms.filter((a) => !a.functionTest).length}`);
        return;
      }
      const final = isFinalRejection(result);
      if (attempt === 0 || final) this.log(`Offene Alarme nicht abrufbar: ${result.message} (${result.code})`);
      if (final) return;
      await sleep(backoffMs(attempt));
    }
  }

  // ------------------------------------------------------------------ function test

  private scheduleFunctionTest(functionTestId: string | undefined): void {
    this.functionTest = this.functionTest.then(async () => {
      this.testRunning = true;
      const outcome = await runFunctionTest(
        { client: this.client, watcher: this.watcher, realtime: this.realtime },
        functionTestId,
      );
      this.testRunning = false;
      this.startTestDone = true;
      if (outcome.result === 'passed') this.pathProven = true;
      // The start test found no connection but it is there now: try again (a few times at most).
      const retry = !this.pathProven && functionTestId === undefined && this.realtime.connected;
      const at = new Date().toISOString();
      this.saveState({
        lastFunctionTest: { at, result: outcome.result, detail: outcome.detail, reported: outcome.reported },
      });
      if (outcome.result === 'passed') {
        this.log(
          `Funktionstest bestanden: ${outcome.detail}${outcome.reported ? '' : ' (Meldung an den Server fehlgeschlagen)'}`,
        );
      } else {
        this.options.notifier.warn(
          'FUNKTIONSTEST FEHLGESCHLAGEN',
          `${outcome.detail}. Stiller Alarm an diesem PC nicht gesichert – IT informieren.`,
        );
        if (retry && this.autoRetests++ < 3) this.scheduleFunctionTest(undefined);
      }
    });
  }

  // ------------------------------------------------------------------ connection watch

  private watchConnection(): void {
    const now = Date.now();
    const silentFor = now - this.realtime.lastHeardAt;
    if (silentFor <= connectionLostAfterMs && this.realtime.connected) {
      if (this.lostSignalledAt !== null) {
        this.lostSignalledAt = null;
        this.options.notifier.discreet('Verbindung zum Alarmserver wiederhergestellt.');
      }
      return;
    }
    if (silentFor <= connectionLostAfterMs) return;
    if (this.lostSignalledAt !== null && now - this.lostSignalledAt < connectionReminderMs) return;
    this.lostSignalledAt = now;
    this.options.notifier.warn(
      'Wachsam: Verbindung unterbrochen',
      `Keine Verbindung zum Alarmserver seit ${Math.round(silentFor / 1000)} s – Alarme kommen evtl. nicht an. Notfalls Telefon/110.`,
    );
  }

  private rejected(code: string, message: string): void {
    const why = deviceRefusal(code) ?? message;
    this.options.notifier.warn(
      'Wachsam: kein stiller Alarm',
      `${why.charAt(0).toUpperCase()}${why.slice(1)} (${code}). Dieser PC kann keine Alarme senden oder empfangen – IT informieren.`,
    );
    void this.stop(exitCodes.rejected);
  }

  // ------------------------------------------------------------------ state

  private saveState(patch: Partial<AgentState>): void {
    this.state = { ...this.state, ...patch, deviceId: this.deviceId };
    const snapshot = this.state;
    this.stateWrite = this.stateWrite
      .then(() => writeState(this.options.dir, snapshot))
      .catch((error: unknown) => this.log(`Zustand nicht gespeichert: ${String(error)}`));
  }
}

/**
 * History replayed after a reconnect, reduced to what matters now: for each alarm only its
 * latest event (which carries the whole alarm), so an alarm raised and resolved while the
 * agent was away does not pop up; other events are kept in order.
 */
export function compactReplay<T extends { event: RealtimeEvent }>(batch: T[]): T[] {
  const alarmId = (event: RealtimeEvent) => ('alarm' in event ? event.alarm.id : null);
  const latest = new Map<string, number>();
  batch.forEach(({ event }, index) => {
    const id = alarmId(event);
    if (id) latest.set(id, index);
  });
  return batch.filter(({ event }, index) => {
    const id = alarmId(event);
    return id === null || latest.get(id) === index;
  });
}

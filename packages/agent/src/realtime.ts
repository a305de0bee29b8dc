import WebSocket from 'ws';
import {
  ApiError,
  heartbeatIntervalMs,
  ServerFrame,
  socketEndCloseCode,
  type ClientFrame,
  type EventId,
  type RealtimeEvent,
  type SocketEndReason,
} from '@wachsam/protocol';

/** A peer silent for this long is dead (three heartbeat intervals). */
export const silenceLimitMs = 3 * heartbeatIntervalMs;
/** Replay that never announces its end is treated as done after this long: events must not wait. */
const replayLimitMs = 5_000;
/**
 * Why a server may end this device's socket for good: the device itself lost its right to
 * connect, so reconnecting cannot help and the PC is unprotected until IT acts.
 */
const finalEndReasons: ReadonlySet<SocketEndReason> = new Set(['token_revoked', 'device_removed']);
/** Backoff attempt whose delay is the longest (5 s): used after the server ended a socket on purpose. */
const slowestAttempt = 4;

export interface RealtimeHandlers {
  /**
   * An event not seen before, in stream order. `replay`: it was sent as history after a
   * reconnect (the `replayed` frame ends that phase). The resume point advances only after
   * this handler has finished, so an event is never skipped because the agent died mid-way.
   */
  onEvent(event: RealtimeEvent, forYou: boolean, replay: boolean): void | Promise<void>;
  onReplayDone?(): void | Promise<void>;
  /**
   * The connection is live: history since the resume point, if any, has been handled. With
   * `resumed` false there was no resume point, so nothing from before this connection is in the
   * stream (what is still open must be read from the server).
   */
  onLive?(info: { resumed: boolean }): void | Promise<void>;
  onConnected?(info: { connectionId: string; resumedFrom: EventId | null }): void;
  onDisconnected?(reason: string): void;
  /**
   * The server refused the connection for good (revoked or unknown token at the handshake, or a
   * `closing` frame saying the device was revoked or removed): no reconnect. `status` is the
   * HTTP status of the refused handshake, or the close code of the `closing` frame.
   */
  onRejected?(failure: { status: number; code: string; message: string }): void;
  onResumePoint?(lastEventId: EventId): void;
  log?(message: string): void;
}

/**
 * Remembers which event ids were handled: duplicates (the server delivers at least once, and
 * a resume may overlap the live stream) are dropped. The newest id is the resume point.
 */
export class EventDeduper {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private readonly floor: bigint | null;
  private newest: bigint | null;

  /** `resumeFrom`: everything up to this id was handled by an earlier run of the agent. */
  constructor(
    resumeFrom: EventId | null,
    private readonly capacity = 5_000,
  ) {
    this.floor = resumeFrom === null ? null : BigInt(resumeFrom);
    this.newest = this.floor;
  }

  /** True the first time an id is offered; false for an id already handled. */
  isNew(id: EventId): boolean {
    if (this.seen.has(id)) return false;
    return this.floor === null || BigInt(id) > this.floor;
  }

  markHandled(id: EventId): void {
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.order.push(id);
    if (this.order.length > this.capacity) this.seen.delete(this.order.shift() as string);
    const value = BigInt(id);
    if (this.newest === null || value > this.newest) this.newest = value;
  }

  /** The server says everything up to `id` has been sent: resume after it, without marking it seen. */
  resumeAfter(id: EventId): void {
    const value = BigInt(id);
    if (this.newest === null || value > this.newest) this.newest = value;
  }

  /** Where to resume: the newest id handled (ids are monotonic per installation). */
  get lastEventId(): EventId | null {
    return this.newest === null ? null : this.newest.toString();
  }
}

/** Reconnect delays: a restarted server is found within a second, never wait more than 5 s. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function realtimeUrl(server: string, since: EventId | null): URL {
  const url = new URL('/api/realtime', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (since !== null) url.searchParams.set('since', since);
  return url;
}

/**
 * The agent's realtime connection: heartbeats both ways, a dead peer detected after 30 s of
 * silence, reconnect with backoff, resume with `?since=` the last handled event, duplicates
 * dropped. Events are handled one after another, in the order the server sent them.
 */
export class RealtimeConnection {
  private socket: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private open = false;
  private replaying = false;
  private replayTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closeCurrent: ((reason: string, reconnect?: boolean) => void) | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly dedupe: EventDeduper;
  private connectedWaiters: Array<() => void> = [];
  /**
   * When the server last sent anything (any frame counts as a sign of life). Not reset by a
   * reconnect attempt, so it measures how long the path has really been down.
   */
  lastHeardAt = Date.now();
  private socketStartedAt = Date.now();

  constructor(
    private readonly server: string,
    private readonly token: string,
    resumeFrom: EventId | null,
    private readonly handlers: RealtimeHandlers,
  ) {
    this.dedupe = new EventDeduper(resumeFrom);
  }

  get connected(): boolean {
    return this.open;
  }

  get lastEventId(): EventId | null {
    return this.dedupe.lastEventId;
  }

  start(): void {
    this.stopped = false;
    this.watchdog = setInterval(() => this.checkSilence(), 1_000);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of [this.heartbeat, this.watchdog]) if (timer) clearInterval(timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.replayTimer) clearTimeout(this.replayTimer);
    this.socket?.terminate();
    this.socket = null;
    this.open = false;
  }

  send(frame: ClientFrame): boolean {
    if (!this.open || !this.socket) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Resolves true once connected (after `hello`), false after `timeoutMs`. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.connectedWaiters = this.connectedWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.connectedWaiters.push(done);
    });
  }

  /** Waits until every event received so far has been handled. */
  idle(): Promise<void> {
    return this.queue;
  }

  private connect(): void {
    if (this.stopped) return;
    const since = this.dedupe.lastEventId;
    const socket = new WebSocket(realtimeUrl(this.server, since), {
      headers: { authorization: `Bearer ${this.token}` },
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    this.socketStartedAt = Date.now();
    let closed = false;
    const closeOnce = (reason: string, reconnect = true) => {
      if (closed) return;
      closed = true;
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      if (this.socket === socket) this.socket = null;
      const wasOpen = this.open;
      this.open = false;
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.closeCurrent = null;
      this.enqueue(() => this.endReplay());
      if (!this.stopped && (wasOpen || this.attempt === 0)) this.handlers.onDisconnected?.(reason);
      if (reconnect) this.scheduleReconnect();
    };

    this.closeCurrent = closeOnce;

    socket.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const parsed = ApiError.safeParse(safeJson(Buffer.concat(chunks).toString('utf8')));
        const code = parsed.success ? parsed.data.error.code : `http_${status}`;
        const message = parsed.success ? parsed.data.error.message : `HTTP ${status}`;
        // Only the server's own refusal is final; a bare 401/403 from a proxy is retried.
        if ((status === 401 || status === 403) && parsed.success) {
          closeOnce(`abgewiesen: ${code}`, false);
          this.stop();
          this.handlers.onRejected?.({ status, code, message });
          return;
        }
        closeOnce(`HTTP ${status} (${code})`);
      });
      res.on('error', () => closeOnce(`HTTP ${res.statusCode ?? 0}`));
    });
    socket.on('error', (error) => closeOnce(error.message));
    socket.on('close', (code) => closeOnce(`Verbindung geschlossen (${code})`));
    socket.on('message', (data, isBinary) => {
      this.lastHeardAt = Date.now();
      if (isBinary) return;
      this.onFrame(data.toString(), since);
    });
  }

  private onFrame(text: string, since: EventId | null): void {
    const parsed = ServerFrame.safeParse(safeJson(text));
    if (!parsed.success) {
      this.handlers.log?.(`Unbekannte Nachricht vom Server verworfen: ${text.slice(0, 200)}`);
      return;
    }
    const frame = parsed.data;
    switch (frame.kind) {
      case 'hello': {
        this.open = true;
        this.attempt = 0;
        const interval = Math.min(frame.heartbeatMs || heartbeatIntervalMs, heartbeatIntervalMs);
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.send({ kind: 'ping', at: Date.now() }), interval);
        // With a resume point the server replays what we missed and ends with `replayed`.
        if (since !== null) this.beginReplay();
        this.handlers.onConnected?.({ connectionId: frame.connectionId, resumedFrom: since });
        for (const waiter of this.connectedWaiters.splice(0)) waiter();
        return;
      }
      case 'ping':
        this.send({ kind: 'pong', at: frame.at });
        return;
      case 'pong':
        return;
      case 'replayed':
        // Everything up to the server's newest id has been sent to us: resume from there. On a
        // first connection (no resume point yet) this is where our history starts.
        this.enqueue(async () => {
          if (frame.lastEventId !== '0') {
            this.dedupe.resumeAfter(frame.lastEventId);
            this.advance(null);
          }
          await this.endReplay();
          await this.handlers.onLive?.({ resumed: since !== null });
        });
        return;
      case 'error':
        this.handlers.log?.(`Server meldet Fehler: ${frame.code} – ${frame.message}`);
        return;
      case 'closing':
        this.onClosing(frame.reason, frame.message);
        return;
      case 'event': {
        const { event, forYou } = frame;
        const replay = this.replaying;
        this.enqueue(async () => {
          if (!this.dedupe.isNew(event.id)) return;
          await this.handlers.onEvent(event, forYou, replay);
          this.advance(event.id);
        });
        return;
      }
    }
  }

  /**
   * The server is about to close this socket on purpose. A revoked or removed device is final:
   * no reconnect, and the agent says loudly that this PC is unprotected (the same path as a
   * refused handshake). Any other reason ends only this connection (e.g. `roles_changed`): we
   * reconnect, not faster than every 5 s, and the handshake decides whether we may (a refusal
   * there is final too). A device agent that stopped for a reason that is not final would leave
   * the PC without alarms for nothing.
   */
  private onClosing(reason: SocketEndReason, message: string): void {
    const why = `vom Server beendet: ${reason} – ${message}`;
    if (finalEndReasons.has(reason)) {
      this.closeCurrent?.(why, false);
      this.stop();
      this.handlers.onRejected?.({ status: socketEndCloseCode, code: reason, message });
      return;
    }
    this.handlers.log?.(`Verbindung ${why}; neuer Aufbau`);
    this.attempt = Math.max(this.attempt, slowestAttempt);
    this.closeCurrent?.(why);
  }

  private advance(id: EventId | null): void {
    if (id !== null) this.dedupe.markHandled(id);
    const last = this.dedupe.lastEventId;
    if (last !== null) this.handlers.onResumePoint?.(last);
  }

  private enqueue(task: () => void | Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.handlers.log?.(`Fehler bei der Verarbeitung eines Ereignisses: ${String(error)}`);
    });
  }

  private beginReplay(): void {
    this.replaying = true;
    if (this.replayTimer) clearTimeout(this.replayTimer);
    this.replayTimer = setTimeout(() => this.enqueue(() => this.endReplay()), replayLimitMs);
  }

  private endReplay(): void | Promise<void> {
    if (this.replayTimer) clearTimeout(this.replayTimer);
    this.replayTimer = null;
    if (!this.replaying) return;
    this.replaying = false;
    return this.handlers.onReplayDone?.();
  }

  private checkSilence(): void {
    if (!this.closeCurrent) return;
    if (Date.now() - Math.max(this.lastHeardAt, this.socketStartedAt) <= silenceLimitMs) return;
    this.closeCurrent('Server seit 30 s stumm');
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = reconnectDelayMs(this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

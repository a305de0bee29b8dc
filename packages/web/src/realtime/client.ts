import {
  heartbeatIntervalMs,
  ServerFrame,
  type ClientFrame,
  type RealtimeEvent,
  type SocketEndReason,
} from '@wachsam/protocol';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** The part of the browser WebSocket the client uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export interface RealtimeOptions {
  /** URL of the stream, resuming after `since`. */
  url: (since: string) => string;
  createSocket: (url: string) => SocketLike;
  /** `forYou`: this person is an alerted receiver of the alarm (show the full-screen alert). */
  onEvent: (event: RealtimeEvent, forYou: boolean) => void;
  onState: (state: ConnectionState) => void;
  /** The server sent an error frame (e.g. the session ended). */
  onServerError?: (code: string, message: string) => void;
  /**
   * The server ends this connection for a reason (`closing` frame). The client does not
   * reconnect, except for `roles_changed` (the same session, new rights).
   */
  onEnded?: (reason: SocketEndReason, message: string) => void;
  heartbeatMs?: number;
  /** Silence after which the connection counts as dead: three missed heartbeats. */
  deadAfterMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

const OPEN = 1;
/** How many event ids are remembered for de-duplication. */
const seenWindow = 2000;

/** Compare two decimal event ids (bigints on the server, so strings here). */
export function compareEventIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Remembers which events were processed. Delivery is at-least-once (a replay after reconnect
 * may repeat events that also came live), so every id is checked against the window of ids
 * already seen; ids are not assumed to arrive in order, so an event is never dropped merely
 * for arriving after a higher id.
 */
export class EventLedger {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  /** Ids at or below this were handled before (initial list, or forgotten from the window). */
  private floor: string;
  private last: string;

  constructor(since: string) {
    this.floor = since;
    this.last = since;
  }

  /** The id to resume from: the highest id processed. */
  get lastEventId(): string {
    return this.last;
  }

  /** True the first time an id is offered. */
  accept(id: string): boolean {
    if (this.seen.has(id) || compareEventIds(id, this.floor) <= 0) return false;
    this.seen.add(id);
    this.order.push(id);
    if (this.order.length > seenWindow) {
      const forgotten = this.order.shift() as string;
      this.seen.delete(forgotten);
      if (compareEventIds(forgotten, this.floor) > 0) this.floor = forgotten;
    }
    if (compareEventIds(id, this.last) > 0) this.last = id;
    return true;
  }
}

/**
 * One realtime connection with heartbeats, dead-peer detection, reconnect with backoff and
 * resume. A connection silent for `deadAfterMs` is closed and replaced: a receiver must never
 * believe it is connected while alarms cannot reach it.
 */
export class RealtimeClient {
  private socket: SocketLike | null = null;
  private readonly ledger: EventLedger;
  private readonly pending = new Map<string, ClientFrame>();
  private state: ConnectionState = 'disconnected';
  private stopped = true;
  private backoff: number;
  private lastReceived = 0;
  private lastPing = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;

  constructor(
    private readonly options: RealtimeOptions,
    since: string,
  ) {
    this.ledger = new EventLedger(since);
    this.heartbeatMs = options.heartbeatMs ?? heartbeatIntervalMs;
    this.deadAfterMs = options.deadAfterMs ?? 3 * this.heartbeatMs;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.backoff = this.minBackoffMs;
    this.now = options.now ?? Date.now;
  }

  get lastEventId(): string {
    return this.ledger.lastEventId;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.watchdog = setInterval(() => this.tick(), Math.min(1000, this.heartbeatMs));
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retry) clearTimeout(this.retry);
    this.watchdog = null;
    this.retry = null;
    this.drop();
    this.setState('disconnected');
  }

  /**
   * Sends a frame. Receipts that cannot go out now are kept (one per alarm) and sent as soon
   * as the next connection is up, so a receipt is not lost to a short outage.
   */
  send(frame: ClientFrame): void {
    if (frame.kind === 'receipt') this.pending.set(frame.alarmId, frame);
    if (this.state === 'connected' && this.socket?.readyState === OPEN) {
      this.socket.send(JSON.stringify(frame));
      if (frame.kind === 'receipt') this.pending.delete(frame.alarmId);
    }
  }

  private connect(): void {
    this.retry = null;
    if (this.stopped) return;
    this.setState('connecting');
    this.lastReceived = this.now();
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url(this.ledger.lastEventId));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.lastReceived = this.now();
      this.handle(ev.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect
    };
  }

  private handle(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    switch (frame.kind) {
      case 'hello':
        this.backoff = this.minBackoffMs;
        this.setState('connected');
        for (const pending of [...this.pending.values()]) this.send(pending);
        return;
      case 'event':
        if (this.ledger.accept(frame.event.id)) this.options.onEvent(frame.event, frame.forYou);
        return;
      case 'ping':
        this.send({ kind: 'pong', at: frame.at });
        return;
      case 'error':
        this.options.onServerError?.(frame.code, frame.message);
        return;
      case 'closing':
        this.ended(frame.reason, frame.message);
        return;
      case 'pong':
      case 'replayed':
        return;
    }
  }

  /**
   * The session, device or person behind this socket is gone: reconnecting would only be
   * refused again, and a screen that keeps "reconnecting" looks as if it could still receive
   * alarms. So the client stops and the app says why. New roles are the exception: the same
   * session reconnects at once and receives with the new rights.
   */
  private ended(reason: SocketEndReason, message: string): void {
    if (reason === 'roles_changed') {
      this.drop();
      this.backoff = this.minBackoffMs;
      this.options.onEnded?.(reason, message);
      if (!this.stopped) this.connect();
      return;
    }
    this.stop();
    this.options.onEnded?.(reason, message);
  }

  private tick(): void {
    if (this.stopped || !this.socket) return;
    const now = this.now();
    if (now - this.lastReceived >= this.deadAfterMs) {
      // Silent peer: treat as dead now instead of waiting for TCP to notice.
      this.drop();
      this.scheduleReconnect();
      return;
    }
    if (this.state === 'connected' && now - this.lastPing >= this.heartbeatMs) {
      this.lastPing = now;
      this.send({ kind: 'ping', at: now });
    }
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close();
    } catch {
      // already closed
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.setState('disconnected');
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.maxBackoffMs);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState(state);
  }
}

/** The browser URL of the realtime stream on this origin. */
export function realtimeUrl(since: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/realtime?since=${encodeURIComponent(since)}`;
}

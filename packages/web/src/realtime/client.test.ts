import { socketEndCloseCode, type Alarm, type RealtimeEvent, type ServerFrame } from '@wachsam/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventLedger, RealtimeClient, type ConnectionState, type SocketLike } from './client.js';
import { testAlarm } from '../alarms/testAlarm.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  receive(frame: ServerFrame): void {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

const alarm: Alarm = testAlarm({
  source: 'console',
  sender: { personId: null, firstName: 'Anna', lastName: 'Schmidt', phone: '' },
});
const event = (id: string): RealtimeEvent => ({ id, type: 'alarm.raised', at: alarm.raisedAt, alarm });
const hello: ServerFrame = { kind: 'hello', connectionId: 'c1', heartbeatMs: 10_000, lastEventId: '0' };

describe('EventLedger', () => {
  it('drops ids at or before the starting point and ids already seen', () => {
    const ledger = new EventLedger('10');
    expect(ledger.accept('9')).toBe(false);
    expect(ledger.accept('10')).toBe(false);
    expect(ledger.accept('11')).toBe(true);
    expect(ledger.accept('11')).toBe(false);
    expect(ledger.lastEventId).toBe('11');
  });

  it('accepts an id that arrives after a higher one (never drops for order alone)', () => {
    const ledger = new EventLedger('10');
    expect(ledger.accept('12')).toBe(true);
    expect(ledger.accept('11')).toBe(true);
    expect(ledger.lastEventId).toBe('12');
  });

  it('compares ids as numbers, not strings', () => {
    const ledger = new EventLedger('9');
    expect(ledger.accept('10')).toBe(true);
    expect(ledger.lastEventId).toBe('10');
  });
});

describe('RealtimeClient', () => {
  let sockets: FakeSocket[];
  let events: [string, boolean][];
  let states: ConnectionState[];
  let ended: [string, string][];
  let client: RealtimeClient;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    events = [];
    states = [];
    ended = [];
    client = new RealtimeClient(
      {
        url: (since) => `ws://test/api/realtime?since=${since}`,
        createSocket: (url) => {
          const s = new FakeSocket(url);
          sockets.push(s);
          return s;
        },
        onEvent: (e, forYou) => events.push([e.id, forYou]),
        onState: (s) => states.push(s),
        onEnded: (reason, message) => ended.push([reason, message]),
        now: () => Date.now(),
      },
      '5',
    );
    client.start();
  });
  afterEach(() => {
    client.stop();
    vi.useRealTimers();
  });

  const current = (): FakeSocket => sockets[sockets.length - 1] as FakeSocket;

  it('connects with since, is connected after hello, passes events with forYou', () => {
    expect(current().url).toBe('ws://test/api/realtime?since=5');
    current().receive(hello);
    expect(client.connectionState).toBe('connected');
    current().receive({ kind: 'event', event: event('6'), forYou: true });
    expect(events).toEqual([['6', true]]);
  });

  it('resumes after a drop from the last id and de-duplicates the replay', () => {
    current().receive(hello);
    current().receive({ kind: 'event', event: event('6'), forYou: false });
    current().receive({ kind: 'event', event: event('7'), forYou: false });
    current().drop();
    expect(client.connectionState).toBe('disconnected');
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    expect(current().url).toBe('ws://test/api/realtime?since=7');
    current().receive(hello);
    current().receive({ kind: 'event', event: event('7'), forYou: false });
    current().receive({ kind: 'event', event: event('8'), forYou: false });
    expect(events.map(([id]) => id)).toEqual(['6', '7', '8']);
  });

  it('answers ping with pong and sends its own ping every heartbeat', () => {
    current().receive(hello);
    current().receive({ kind: 'ping', at: 42 });
    expect(current().sent).toContainEqual({ kind: 'pong', at: 42 });
    vi.advanceTimersByTime(10_000);
    current().receive({ kind: 'pong', at: 1 });
    expect(current().sent.some((f) => (f as { kind: string }).kind === 'ping')).toBe(true);
  });

  it('treats 30 s of silence as a dead connection and reconnects', () => {
    current().receive(hello);
    vi.advanceTimersByTime(29_000);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(sockets[0]?.closed).toBe(true);
    expect(client.connectionState).toBe('disconnected');
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
  });

  it('backs off 0.5 s, 1 s, 2 s, 4 s, 5 s and resets after hello', () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = sockets.length;
      current().drop();
      let waited = 0;
      while (sockets.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000]);
    current().receive(hello);
    const before = sockets.length;
    current().drop();
    vi.advanceTimersByTime(500);
    expect(sockets.length).toBe(before + 1);
  });

  it('keeps a receipt made while disconnected and sends it after the next hello', () => {
    client.send({ kind: 'receipt', alarmId: alarm.id });
    expect(current().sent).toEqual([]);
    current().receive(hello);
    expect(current().sent).toContainEqual({ kind: 'receipt', alarmId: alarm.id });
  });

  it('reports state changes', () => {
    current().receive(hello);
    current().drop();
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
  });

  it('stops for good when the server ends the session (closing frame): no reconnect', () => {
    for (const reason of ['session_ended', 'session_expired', 'password_changed', 'person_removed'] as const) {
      ended = [];
      client.stop();
      client.start();
      const socket = current();
      socket.receive(hello);
      socket.receive({ kind: 'closing', reason, message: 'Abgemeldet' });
      socket.drop(socketEndCloseCode);
      expect(ended).toEqual([[reason, 'Abgemeldet']]);
      expect(client.connectionState).toBe('disconnected');
      const before = sockets.length;
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(before);
      expect(socket.closed).toBe(true);
    }
  });

  it('a revoked or removed phone does not reconnect either', () => {
    for (const reason of ['token_revoked', 'device_removed'] as const) {
      client.stop();
      client.start();
      current().receive(hello);
      current().receive({ kind: 'closing', reason, message: 'gesperrt' });
      const before = sockets.length;
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(before);
    }
    expect(ended.map(([r]) => r)).toEqual(['token_revoked', 'device_removed']);
  });

  it('reconnects at once, from where it was, when only the roles changed', () => {
    current().receive(hello);
    current().receive({ kind: 'event', event: event('6'), forYou: false });
    current().receive({ kind: 'closing', reason: 'roles_changed', message: 'Rechte geändert' });
    expect(ended).toEqual([['roles_changed', 'Rechte geändert']]);
    expect(sockets).toHaveLength(2);
    expect(sockets[0]?.closed).toBe(true);
    expect(current().url).toBe('ws://test/api/realtime?since=6');
    current().receive(hello);
    expect(client.connectionState).toBe('connected');
  });

  it('an ordinary drop still reconnects', () => {
    current().receive(hello);
    current().drop();
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    expect(ended).toEqual([]);
  });
});

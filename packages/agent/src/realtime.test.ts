import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { socketEndCloseCode, type ServerFrame, type SocketEndReason } from '@wachsam/protocol';
import { EventDeduper, RealtimeConnection, realtimeUrl, reconnectDelayMs } from './realtime.js';
import { waitFor } from './testing.js';

describe('EventDeduper', () => {
  it('drops ids it has handled and resumes from the newest', () => {
    const d = new EventDeduper(null);
    expect(d.isNew('5')).toBe(true);
    d.markHandled('5');
    expect(d.isNew('5')).toBe(false);
    d.markHandled('7');
    // An id below the newest that was never handled (arrived late) is still new.
    expect(d.isNew('6')).toBe(true);
    d.markHandled('6');
    expect(d.lastEventId).toBe('7');
  });

  it('treats everything up to the stored resume point as handled by the previous run', () => {
    const d = new EventDeduper('100');
    expect(d.isNew('99')).toBe(false);
    expect(d.isNew('100')).toBe(false);
    expect(d.isNew('101')).toBe(true);
    expect(d.lastEventId).toBe('100');
  });

  it('compares ids as numbers, not strings', () => {
    const d = new EventDeduper('9');
    expect(d.isNew('10')).toBe(true);
    d.markHandled('10');
    expect(d.lastEventId).toBe('10');
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const d = new EventDeduper(null, 2);
    d.markHandled('1');
    d.markHandled('2');
    d.markHandled('3');
    expect(d.isNew('1')).toBe(true);
    expect(d.isNew('3')).toBe(false);
  });
});

describe('reconnectDelayMs', () => {
  it('starts fast and never waits more than about 5 s', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(1, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(20, () => 1)).toBe(6000);
    expect(reconnectDelayMs(20, () => 0)).toBe(4000);
  });
});

describe('realtimeUrl', () => {
  it('uses ws/wss and passes the resume point', () => {
    expect(realtimeUrl('http://localhost:3000', null).href).toBe('ws://localhost:3000/api/realtime');
    expect(realtimeUrl('https://alarm.example.de', '42').href).toBe('wss://alarm.example.de/api/realtime?since=42');
  });
});

/**
 * The real connection class against a real WebSocket server on loopback that speaks the
 * server's frames: what the agent does when the server ends a socket on purpose.
 */
describe('RealtimeConnection and the closing frame', () => {
  let wss: WebSocketServer;
  let sockets: WebSocket[];
  let url: string;
  let onConnection: (ws: WebSocket) => void;
  let connection: RealtimeConnection | null = null;

  beforeEach(async () => {
    sockets = [];
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws) => {
      sockets.push(ws);
      const hello: ServerFrame = {
        kind: 'hello',
        connectionId: `c${sockets.length}`,
        heartbeatMs: 10_000,
        lastEventId: '0',
      };
      ws.send(JSON.stringify(hello));
      ws.send(JSON.stringify({ kind: 'replayed', count: 0, lastEventId: '0' } satisfies ServerFrame));
      onConnection(ws);
    });
  });
  afterEach(async () => {
    connection?.stop();
    connection = null;
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  /** What the server does when a device is revoked: say why, then close with 4001. */
  const endWith = (reason: SocketEndReason) => (ws: WebSocket) => {
    if (sockets.length > 1) return;
    ws.send(JSON.stringify({ kind: 'closing', reason, message: 'Gerät gesperrt' } satisfies ServerFrame));
    ws.close(socketEndCloseCode, reason);
  };

  function connect() {
    const rejected: Array<{ status: number; code: string }> = [];
    const logs: string[] = [];
    connection = new RealtimeConnection(url, 'token', null, {
      onEvent: () => undefined,
      onRejected: (failure) => rejected.push(failure),
      log: (line) => logs.push(line),
    });
    connection.start();
    return { rejected, logs };
  }

  it.each(['token_revoked', 'device_removed'] as const)(
    'stops for good on %s and reports it as a refusal',
    async (reason) => {
      onConnection = endWith(reason);
      const { rejected } = connect();
      await waitFor('refusal', () => rejected[0]);
      expect(rejected).toEqual([{ status: socketEndCloseCode, code: reason, message: 'Gerät gesperrt' }]);
      expect(connection?.connected).toBe(false);
      // A reconnect would come within 0.6 s (first backoff step); there is none.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(sockets).toHaveLength(1);
    },
    30_000,
  );

  it('reconnects after any other reason, and logs why', async () => {
    onConnection = endWith('roles_changed');
    const { rejected, logs } = connect();
    await waitFor('second connection', () => sockets.length >= 2 || undefined, 15_000);
    await waitFor('connected again', () => connection?.connected || undefined);
    expect(rejected).toEqual([]);
    expect(logs.some((l) => l.includes('roles_changed'))).toBe(true);
  }, 30_000);
});

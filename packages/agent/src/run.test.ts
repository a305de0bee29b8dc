import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  outboxMaxAgeMs,
  tooOldCode,
  type AgentConfigFile,
  type Alarm,
  type AlarmList,
  type RealtimeEvent,
  type ServerFrame,
} from '@wachsam/protocol';
import { Outbox } from './outbox.js';
import { Agent, compactReplay } from './run.js';
import { RecordingNotifier, sampleAlarm, waitFor } from './testing.js';

const alarmEvent = (id: string, alarmId: string, type: 'alarm.raised' | 'alarm.resolved'): RealtimeEvent => ({
  id,
  type,
  at: '2026-01-01T00:00:00Z',
  alarm: { id: alarmId } as Alarm,
});

describe('compactReplay', () => {
  it('keeps only the latest event per alarm and every other event in order', () => {
    const test: RealtimeEvent = {
      id: '3',
      type: 'function_test.requested',
      at: '2026-01-01T00:00:00Z',
      functionTestId: 'f',
      deviceId: 'd',
    };
    const batch = [
      { event: alarmEvent('1', 'a', 'alarm.raised') },
      { event: alarmEvent('2', 'b', 'alarm.raised') },
      { event: test },
      { event: alarmEvent('4', 'a', 'alarm.resolved') },
    ];
    expect(compactReplay(batch).map((b) => b.event.id)).toEqual(['2', '3', '4']);
  });
});

const deviceId = '5b1f8d5e-3c1a-4a77-9d2e-1c3f1e1b2a11';

describe('Agent', () => {
  let dir: string;
  let server: Server;
  const requests: string[] = [];
  /** What the loopback server answers to `GET /api/alarms`; null: 503 like every other route. */
  let openList: AlarmList | null = null;
  /** Frames the loopback realtime endpoint sends after hello and replayed. */
  let liveFrames: ServerFrame[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wachsam-run-'));
    // Something listening where the server would be, recording every request it gets.
    openList = null;
    liveFrames = [];
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (openList && req.method === 'GET' && req.url?.startsWith('/api/alarms?')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(openList));
        return;
      }
      res.writeHead(503).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      if (!openList) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        const frames: ServerFrame[] = [
          { kind: 'hello', connectionId: 'c1', heartbeatMs: 10_000, lastEventId: '0' },
          { kind: 'replayed', count: 0, lastEventId: '0' },
          ...liveFrames,
        ];
        for (const frame of frames) ws.send(JSON.stringify(frame));
      });
    });
    server.on('close', () => wss.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const config = (): AgentConfigFile => ({
    version: 1,
    server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    enrolment: {
      deviceId,
      token: 'secret',
      organisation: { id: '5b1f8d5e-3c1a-4a77-9d2e-1c3f1e1b2a12', slug: 'musterstadt', name: 'Stadt Musterstadt' },
      workstation: { name: 'PC-1', room: 'E.02', floor: 'EG', building: 'Rathaus' },
      person: null,
    },
  });

  it('does not send a press older than 15 minutes and tells the person loudly', async () => {
    const outbox = new Outbox(dir);
    const old = await outbox.add({ source: 'hotkey' }, new Date(Date.now() - outboxMaxAgeMs - 60_000));
    const notifier = new RecordingNotifier();
    const agent = await Agent.start({
      dir,
      config: config(),
      notifier,
      functionTestAtStart: false,
      log: () => undefined,
    });
    const done = agent.run();
    try {
      const warning = await waitFor('too-old warning', () => notifier.warnings[0]);
      expect(warning.title).toBe('Wachsam: Alarm nicht gesendet');
      expect(warning.text).toContain('Falls noch nötig: neu auslösen oder 110.');
      expect((await outbox.pending()).entries).toEqual([]);
      expect((await outbox.failed()).map((f) => [f.key, f.code])).toEqual([[old.key, tooOldCode]]);
      expect(requests.some((r) => r.startsWith('POST /api/alarms'))).toBe(false);
    } finally {
      await agent.stop();
      await done;
    }
  });

  it('never shows a function-test alarm, resolved or not, from the stream or the open list', async () => {
    const ownTest = sampleAlarm({
      id: 'a0000000-0000-4000-8000-000000000001',
      deviceId,
      test: true,
      functionTest: true,
    });
    const othersTest = sampleAlarm({ id: 'b0000000-0000-4000-8000-000000000002', test: true, functionTest: true });
    const colleague = sampleAlarm({ id: 'c0000000-0000-4000-8000-000000000003' });
    const event = (
      id: string,
      type: 'alarm.raised' | 'alarm.resolved',
      alarm: Alarm,
      forYou: boolean,
    ): ServerFrame => ({
      kind: 'event',
      event: { id, type, at: '2026-01-02T10:15:00Z', alarm },
      forYou,
    });
    openList = { alarms: [ownTest, othersTest], nextCursor: null, forYou: [othersTest.id], lastEventId: '0' };
    liveFrames = [
      event('1', 'alarm.resolved', { ...ownTest, status: 'resolved', resolvedAt: '2026-01-02T10:15:01Z' }, false),
      event('2', 'alarm.raised', othersTest, true),
      // In stream order after the two above: once it is shown, they have been handled.
      event('3', 'alarm.raised', colleague, true),
    ];
    const notifier = new RecordingNotifier();
    const logs: string[] = [];
    const agent = await Agent.start({
      dir,
      config: config(),
      notifier,
      functionTestAtStart: false,
      log: (l) => logs.push(l),
    });
    const done = agent.run();
    try {
      await waitFor("the colleague's alarm", () => notifier.alerts[0]);
      await waitFor('open list', () => logs.find((l) => l.startsWith('Offene Alarme abgeglichen')));
      expect(notifier.alerts.map((a) => a.text.split('\n')[0])).toEqual([
        'Anna Schmidt braucht Hilfe – Rathaus, Etage 2. OG, Raum 204, Platz 1',
      ]);
      expect(notifier.alerts[0]?.title).toBe('Wachsam ALARM');
      expect(notifier.discreetLines).toEqual([]);
      expect(logs).toContain('Offene Alarme abgeglichen: 0');
    } finally {
      await agent.stop();
      await done;
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxMaxAgeMs, tooOldCode, type AgentConfigFile, type Alarm, type RealtimeEvent } from '@wachsam/protocol';
import { Outbox } from './outbox.js';
import { Agent, compactReplay } from './run.js';
import { RecordingNotifier, waitFor } from './testing.js';

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

describe('Agent outbox', () => {
  let dir: string;
  let server: Server;
  const requests: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wachsam-run-'));
    // Something listening where the server would be, recording every request it gets.
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const config = (): AgentConfigFile => ({
    version: 1,
    server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    enrolment: {
      deviceId: '5b1f8d5e-3c1a-4a77-9d2e-1c3f1e1b2a11',
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
});

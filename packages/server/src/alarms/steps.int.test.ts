/**
 * Who a step alerted is one row per step with the people as an array (issue 10). What the
 * per-person rows did by cascade, the arrays must do too: a person removed from the organisation
 * is no longer among any alarm's receivers.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRows } from '../db/raw.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

describe.each(backends)('the receivers of an alarm on %s', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('are one row per step; a removed person leaves them, and the detail and counts follow', async () => {
    server = await startTestServer({ backend });
    const { db } = server.database;
    const [anna, admin, pforte] = await Promise.all(
      ['anna.schmidt', 'it', 'pforte'].map((n) => server.login(login(n))),
    );
    // A colleague of Anna's, alerted by her alarm, then removed.
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: admin })).body as Array<{
      id: string;
      lastName: string;
      departmentId: string | null;
      roomId: string | null;
    }>;
    const annaRow = people.find((p) => p.lastName === 'Schmidt')!;
    const created = await api(server.url, 'POST', '/api/admin/people', {
      cookie: admin,
      body: {
        firstName: 'Kurz',
        lastName: 'Zeitig',
        phone: '',
        departmentId: annaRow.departmentId,
        roomId: annaRow.roomId,
        roles: ['employee'],
      },
    });
    expect(created.status).toBe(201);
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    const alarmId = raised.body.alarm.id as string;
    const steps = () =>
      rawRows<{ step: number; n: number; has: boolean }>(
        db,
        sql`select step, cardinality(person_ids) as n, ${created.body.id}::uuid = any(person_ids) as has
            from alarm_steps where alarm_id = ${alarmId} order by step`,
      );
    const before = await steps();
    expect(before.some((s) => s.has)).toBe(true);
    const alerted = raised.body.alarm.alerted as number;
    expect(before.reduce((n, s) => n + s.n, 0)).toBe(alerted);

    expect((await api(server.url, 'DELETE', `/api/admin/people/${created.body.id}`, { cookie: admin })).status).toBe(
      204,
    );
    const after = await steps();
    expect(after.some((s) => s.has)).toBe(false);
    expect(after.reduce((n, s) => n + s.n, 0)).toBe(alerted - 1);
    const detail = await api(server.url, 'GET', `/api/alarms/${alarmId}`, { cookie: pforte });
    expect(detail.status).toBe(200);
    expect(detail.body.receivers.map((r: { personId: string }) => r.personId)).not.toContain(created.body.id);
    expect(detail.body.alarm.alerted).toBe(alerted - 1);
  });
});

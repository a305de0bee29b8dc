/**
 * The raise commits in two database round trips whatever the number of receivers (issue 10):
 * one statement reads what the alarm needs, one commits it. A round trip is a statement sent to
 * the database (BEGIN and COMMIT are statements of their own), counted where Drizzle sends it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { PgPreparedQuery } from 'drizzle-orm/pg-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmService } from './service.js';
import { eq, sql } from 'drizzle-orm';
import { alarmGroupMembers, alarmGroups, alarmPlans, connections, people } from '../db/schema.js';
import type { OfflineAlerts } from '../notify/alerts.js';
import { api, backends, startTestServer, TestRealtime, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

/** Counts the statements each raise sends, from its start to its commit. */
const inRaise = new AsyncLocalStorage<{ n: number }>();
type Sending = { queryWithCache: (...a: unknown[]) => Promise<unknown> };
const sending = PgPreparedQuery.prototype as unknown as Sending;
const send = sending.queryWithCache;
beforeAll(() => {
  sending.queryWithCache = function (this: unknown, ...args: unknown[]) {
    const counter = inRaise.getStore();
    if (counter) counter.n++;
    return send.apply(this, args);
  };
});
afterAll(() => {
  sending.queryWithCache = send;
});

/**
 * Counts the statements each call of `object[method]` sends (from its start to its end; what it
 * starts without awaiting counts too while it runs in the call's async context).
 */
function countStatements(object: object, method: string): number[] {
  const counts: number[] = [];
  const target = object as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = target[method]!.bind(object);
  target[method] = async (...args: unknown[]) => {
    const counter = { n: 0 };
    try {
      return await inRaise.run(counter, () => original(...args));
    } finally {
      counts.push(counter.n);
    }
  };
  return counts;
}

/** The raise up to its commit (not the SMS/push fallback it hands over to). */
const countRaises = (alarms: AlarmService) => countStatements(alarms, 'raiseInTransaction');
/** The SMS/push fallback, for each alerted step. */
const countOfflineAlerts = (alerts: OfflineAlerts) => countStatements(alerts, 'send');

describe.each(backends)('the raise on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });

  it('commits in two round trips for 1 receiver, for 300, and when it widens at once', async () => {
    server = await startTestServer({ backend });
    const { db } = server.database;
    const counts = countRaises(server.wachsam.services.alarms);
    const [anna, thomas, pforte] = await Promise.all(
      ['anna.schmidt', 'thomas.klein', 'pforte'].map((n) => server.login(login(n))),
    );
    const raise = (cookie: string) =>
      api(server.url, 'POST', '/api/alarms', {
        cookie,
        body: { source: 'console' },
        headers: { 'idempotency-key': randomUUID() },
      });

    // The demo plan: Anna's floor and department.
    const small = await raise(anna!);
    expect(small.status).toBe(201);

    // Thomas upstairs with nobody of his step 1 online: step 2 (building and desk) at once.
    const desk = await TestRealtime.connect(server.url, { cookie: pforte! });
    clients.push(desk);
    const widened = await raise(thomas!);
    expect(widened.status).toBe(201);
    expect(widened.body.alarm.step).toBe(2);
    expect(widened.body.receiversOnline).toBe(1);
    await desk.alarmEvent('alarm.raised', widened.body.alarm.id);

    // A plan whose step alerts a group of 300.
    const [org] = await db.select({ orgId: people.orgId }).from(people).limit(1);
    const orgId = org!.orgId;
    const many = await db
      .insert(people)
      .values(Array.from({ length: 300 }, (_, i) => ({ orgId, firstName: 'Viele', lastName: `Nr. ${i}` })))
      .returning({ id: people.id });
    const [group] = await db.insert(alarmGroups).values({ orgId, name: 'Dreihundert' }).returning();
    await db.insert(alarmGroupMembers).values(many.map((p) => ({ groupId: group!.id, personId: p.id })));
    await db.delete(alarmPlans);
    await db.insert(alarmPlans).values({
      orgId,
      name: 'Gruppe',
      scope: { kind: 'organisation' },
      steps: [
        { targets: [{ kind: 'group', groupId: group!.id }], timeoutSeconds: 60, callPolice: false, minOnline: 0 },
      ],
    });
    const big = await raise(anna!);
    expect(big.status).toBe(201);
    expect(big.body.alarm.alerted).toBe(300);
    const detail = await api(server.url, 'GET', `/api/alarms/${big.body.alarm.id}`, { cookie: pforte });
    expect(detail.body.receivers).toHaveLength(300);

    expect(counts).toEqual([2, 2, 2]);
  });
});

describe.each(backends)('the SMS/push fallback after a raise on %s', (backend) => {
  let server: TestServer;
  const clients: TestRealtime[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });

  it('asks the database only for the phones of receivers the raise found offline, nothing when all were online', async () => {
    server = await startTestServer({ backend });
    const { db } = server.database;
    const { offlineAlerts, push } = server.wachsam.services;
    const counts = countOfflineAlerts(offlineAlerts);
    const pushed: string[][] = [];
    const notify = push.notify.bind(push);
    push.notify = (orgId, ids, payload) => {
      pushed.push(ids);
      return notify(orgId, ids, payload);
    };
    const [anna, thomas, pforte] = await Promise.all(
      ['anna.schmidt', 'thomas.klein', 'pforte'].map((n) => server.login(login(n))),
    );
    const [thomasId, pforteId] = await Promise.all(
      ['thomas.klein', 'pforte'].map(
        async (n) =>
          (
            await db
              .select({ id: people.id })
              .from(people)
              .where(eq(people.login, login(n)))
          )[0]!.id,
      ),
    );
    const [org] = await db.select({ orgId: people.orgId }).from(people).limit(1);
    const orgId = org!.orgId;
    const [group] = await db.insert(alarmGroups).values({ orgId, name: 'Zwei' }).returning();
    await db
      .insert(alarmGroupMembers)
      .values([thomasId!, pforteId!].map((personId) => ({ groupId: group!.id, personId })));
    await db.delete(alarmPlans);
    await db.insert(alarmPlans).values({
      orgId,
      name: 'Zwei',
      scope: { kind: 'organisation' },
      steps: [
        { targets: [{ kind: 'group', groupId: group!.id }], timeoutSeconds: 60, callPolice: false, minOnline: 0 },
      ],
    });
    const raise = async () => {
      const res = await api(server.url, 'POST', '/api/alarms', {
        cookie: anna,
        body: { source: 'console' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
      await offlineAlerts.idle();
    };
    const online = async (personId: string) => {
      await expect
        .poll(async () => (await db.select().from(connections).where(eq(connections.personId, personId))).length, {
          timeout: 30_000,
        })
        .toBeGreaterThan(0);
    };

    // The desk is online, Thomas is not: one statement for his phone, a push to him alone.
    clients.push(await TestRealtime.connect(server.url, { cookie: pforte! }));
    await online(pforteId!);
    await raise();
    expect(counts).toHaveLength(1);
    expect(counts[0]).toBeGreaterThanOrEqual(1);
    expect(pushed).toEqual([[thomasId]]);

    // Both online: the fallback has nobody to reach and sends no statement at all.
    clients.push(await TestRealtime.connect(server.url, { cookie: thomas! }));
    await online(thomasId!);
    await raise();
    expect(counts).toHaveLength(2);
    expect(counts[1]).toBe(0);
    expect(pushed).toHaveLength(1);
  });
});

describe('the SMS/push fallback for a whole city offline', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('reaches more offline receivers than one statement may have parameters (65,535)', async () => {
    server = await startTestServer({ backend: 'postgres' });
    const { db } = server.database;
    const { offlineAlerts, push } = server.wachsam.services;
    const reached: number[] = [];
    const notify = push.notify.bind(push);
    push.notify = async (orgId, ids, payload) => {
      await notify(orgId, ids, payload); // rejects when its query fails
      reached.push(ids.length);
    };
    const anna = await server.login(login('anna.schmidt'));
    const [org] = await db.select({ orgId: people.orgId }).from(people).limit(1);
    const orgId = org!.orgId;
    const n = 66_000;
    const [group] = await db.insert(alarmGroups).values({ orgId, name: 'Alle' }).returning();
    await db.execute(sql`
      with p as (
        insert into people (org_id, first_name, last_name)
        select ${orgId}::uuid, 'Viele', 'Nr. ' || g from generate_series(1, ${n}::int) g
        returning id
      )
      insert into alarm_group_members (group_id, person_id) select ${group!.id}::uuid, id from p`);
    await db.delete(alarmPlans);
    await db.insert(alarmPlans).values({
      orgId,
      name: 'Alle',
      scope: { kind: 'organisation' },
      steps: [
        { targets: [{ kind: 'group', groupId: group!.id }], timeoutSeconds: 60, callPolice: false, minOnline: 0 },
      ],
    });
    const res = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(201);
    expect(res.body.alarm.alerted).toBe(n);
    await offlineAlerts.idle();
    expect(reached).toEqual([n]);
  });
});

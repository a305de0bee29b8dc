/**
 * Network alarm buttons when the server or the broker goes away (issue 8, row 4). A private
 * Mosquitto on a free port that the test stops and starts, servers as processes on one
 * throwaway PostgreSQL database, the demo button "Taster Schalter 2" (`taster-e02`).
 */
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminDatabaseUrl, throwawayPostgres } from '@wachsam/server/testing';
import { PrivateMosquitto } from './helpers/mosquitto.js';
import { freePort, health, startServer, until, type ServerProcess } from './helpers/processes.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const topic = 'wachsam/musterstadt/buttons/taster-e02/press';

describe('MQTT buttons through restarts of the server and the broker', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  let db: { url: string; drop: () => Promise<void> };
  let broker: PrivateMosquitto;
  let proxy: TcpProxy;
  let button: MqttClient;
  let sql: pg.Client;
  let seq = 0;
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  /** Alarms raised for these presses: how many, and how many distinct keys. */
  const raisedFor = async (ids: string[]) => {
    const { rows } = await sql.query<{ n: number; k: number }>(
      'select count(*)::int as n, count(distinct idempotency_key)::int as k from alarms where idempotency_key = any($1)',
      [ids.map((id) => `button:${id}`)],
    );
    return rows[0]!;
  };
  /**
   * A button publishes with QoS 1; the client library repeats it until the broker has it.
   * `acked` resolves when the broker confirmed every one (PUBACK to the button).
   */
  const press = (n: number): string[] & { acked: Promise<void> } => {
    const ids = Array.from({ length: n }, () => `press-${++seq}-${Date.now()}`);
    const acked = Promise.all(
      ids.map((pressId) => button.publishAsync(topic, JSON.stringify({ pressId, test: true }), { qos: 1 })),
    ).then(() => undefined);
    return Object.assign(ids, { acked });
  };
  const mqttOf = async (s: ServerProcess) => (await health(s.url)).body?.mqtt;

  beforeAll(async () => {
    db = await throwawayPostgres();
    cleanup.push(() => db.drop());
    broker = await PrivateMosquitto.start();
    cleanup.push(() => broker.close());
    const target = new URL(adminDatabaseUrl);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.close());
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    cleanup.push(() => sql.end());
    button = mqtt.connect(broker.url, { clientId: 'button-taster-e02', clean: false, reconnectPeriod: 300 });
    cleanup.push(() => button.endAsync(true));
  });

  it('starts and serves without the broker, and connects when it appears', async () => {
    await broker.stop();
    const s = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url });
    cleanup.push(() => s.kill('SIGKILL'));
    expect((await mqttOf(s)).connected).toBe(false);
    await broker.start();
    await until('server connected to the broker', async () => (await mqttOf(s)).connected === true);
    await until('button connected', () => button.connected);
    const ids = press(1);
    await until('the press raised', async () => (await raisedFor(ids)).n === 1);
    await s.kill('SIGTERM');
  });

  it('raises every press published while the server was down, once each (persistent session)', async () => {
    const port = String(await freePort());
    let s = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url, PORT: port });
    cleanup.push(() => s.kill('SIGKILL'));
    await until('subscribed', async () => (await mqttOf(s)).connected === true);
    await s.kill('SIGKILL');
    const ids = press(36);
    await ids.acked;
    expect((await raisedFor(ids)).n).toBe(0);
    // Same host and port: the same client id, the same session, the presses are waiting there.
    s = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url, PORT: port });
    cleanup.push(() => s.kill('SIGKILL'));
    await until('all 36 raised', async () => (await raisedFor(ids)).n === 36, 60_000);
    expect(await raisedFor(ids)).toEqual({ n: 36, k: 36 });
    await s.kill('SIGTERM');
  });

  it('acknowledges a press only after its commit: a raise that fails when the database is away is retried', async () => {
    const s = await startServer({ DATABASE_URL: proxy.url(db.url), MQTT_URL: broker.url });
    cleanup.push(() => s.kill('SIGKILL'));
    await until('subscribed', async () => (await mqttOf(s)).connected === true);
    proxy.refuse();
    proxy.drop();
    const ids = press(3);
    await until('the server tried and failed', () => s.output().includes('MQTT press not committed yet'), 60_000);
    expect((await raisedFor(ids)).n).toBe(0);
    proxy.accept();
    await until('raised once the database is back', async () => (await raisedFor(ids)).n === 3, 60_000);
    expect(await raisedFor(ids)).toEqual({ n: 3, k: 3 });
    await s.kill('SIGTERM');
  });

  it('two instances: every press once; with one killed the other raises them at once', async () => {
    const portB = String(await freePort());
    const a = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url });
    let b = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url, PORT: portB });
    cleanup.push(
      () => a.kill('SIGKILL'),
      () => b.kill('SIGKILL'),
    );
    await until('both subscribed', async () => (await mqttOf(a)).connected && (await mqttOf(b)).connected);
    const both = press(20);
    await until('20 raised', async () => (await raisedFor(both)).n === 20, 60_000);
    expect(await raisedFor(both)).toEqual({ n: 20, k: 20 });

    await b.kill('SIGKILL');
    const whileDown = press(10);
    await until('A raised the 10 alone', async () => (await raisedFor(whileDown)).n === 10, 60_000);
    // B comes back and finds the same presses in its session: the same alarms, no second ones.
    b = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url, PORT: portB });
    cleanup.push(() => b.kill('SIGKILL'));
    await until('B handled its session', async () => (await mqttOf(b)).presses >= 10, 60_000);
    expect(await raisedFor([...both, ...whileDown])).toEqual({ n: 30, k: 30 });
    await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  });

  it('reconnects after a broker restart and raises what the button sent meanwhile', async () => {
    const s = await startServer({ DATABASE_URL: db.url, MQTT_URL: broker.url });
    cleanup.push(() => s.kill('SIGKILL'));
    await until('subscribed', async () => (await mqttOf(s)).connected === true);
    await broker.stop();
    await until('button offline', () => !button.connected);
    const ids = press(5); // queued in the button until the broker is back
    await broker.start();
    await until('all 5 raised', async () => (await raisedFor(ids)).n === 5, 60_000);
    expect(s.alive()).toBe(true);
    await s.kill('SIGTERM');
  });
});

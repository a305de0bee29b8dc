import type { FastifyBaseLogger } from 'fastify';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { and, eq, isNull } from 'drizzle-orm';
import { ButtonPress } from '@wachsam/protocol';
import type { AlarmService } from '../alarms/service.js';
import { appendAudit } from '../audit/repository.js';
import type { Db } from '../db/client.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { devices, organisations } from '../db/schema.js';
import type { DeviceService } from '../devices/service.js';
import { AppError } from '../http/errors.js';

const topicPattern = /^wachsam\/([^/]+)\/buttons\/([^/]+)\/(press|heartbeat)$/;
export const buttonTopics = 'wachsam/+/buttons/+/+';

/** A broker session that outlives the instance by this much keeps the presses published meanwhile. */
const sessionExpirySeconds = 7 * 24 * 3600;
/** A press that fails for a reason other than the database is tried this often, then refused. */
const maxFailuresOtherThanDatabase = 5;

export interface MqttHealth {
  connected: boolean;
  clientId: string;
  /** Presses raised (or found raised) by this instance since start. */
  presses: number;
}

/**
 * Network alarm buttons over MQTT. Topic `wachsam/<org>/buttons/<buttonId>/press` with a
 * ButtonPress body raises the alarm of the button registered with that external id;
 * `.../heartbeat` keeps it online. The broker is trusted to authenticate buttons (per-button
 * credentials and ACLs there).
 *
 * Guarantees:
 * - A press is acknowledged to the broker (PUBACK) only after its alarm committed. Until then
 *   the broker keeps it: in our persistent session (fixed client id, clean: false, QoS 1) it is
 *   delivered again after a reconnect or a restart of this instance, and presses published while
 *   the instance was down wait in the session. A raise that fails because the database is away
 *   is retried until it commits or the instance stops (then the broker redelivers it).
 * - Every instance subscribes with its own session, not a shared subscription: Mosquitto keeps
 *   a crashed member's share of a shared subscription queued for that member until it returns,
 *   so with shared subscriptions half of the presses would wait for a dead instance. Each press
 *   is still one alarm: its press id is the idempotency key, the first commit wins and every
 *   other instance finds that alarm.
 * - The server starts and serves without the broker and connects whenever it appears.
 */
export class MqttButtons {
  private client: MqttClient | null = null;
  private stopping = false;
  private presses = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly clientId: string,
    private readonly db: Db,
    private readonly alarms: AlarmService,
    private readonly devices: DeviceService,
    private readonly log: FastifyBaseLogger,
  ) {}

  health(): MqttHealth {
    return { connected: this.client?.connected ?? false, clientId: this.clientId, presses: this.presses };
  }

  /** Connect in the background; never waits for, and never fails on, a broker that is not there. */
  start(): void {
    const options: IClientOptions = {
      clientId: this.clientId,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: sessionExpirySeconds },
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // The acknowledgement waits for the commit: see `deliver`.
      customHandleAcks: (topic, payload, _packet, done) => {
        const work = this.deliver(topic, payload).then(
          (ack) => {
            if (ack) done(0);
          },
          (err: unknown) => this.log.error({ err, topic }, 'MQTT message not handled; the broker will send it again'),
        );
        this.inFlight = work;
      },
    };
    const client = mqtt.connect(this.url, options);
    this.client = client;
    let down = false;
    client.on('connect', (connack) => {
      down = false;
      this.log.info({ url: this.url, clientId: this.clientId, session: connack.sessionPresent }, 'MQTT connected');
      // A new session (first start, or the broker lost its state) needs the subscription again.
      if (!connack.sessionPresent)
        client
          .subscribeAsync(buttonTopics, { qos: 1 })
          .catch((err: unknown) => this.log.error({ err }, 'MQTT subscribe failed'));
    });
    client.on('error', (err) => this.log.warn({ err }, 'MQTT error'));
    client.on('offline', () => {
      if (!down) this.log.warn({ url: this.url }, 'MQTT broker not reachable; reconnecting');
      down = true;
    });
  }

  /**
   * Handle one message; true when it may be acknowledged. A press is retried here while the
   * database is away (the broker would only redeliver after a reconnect), and given up only
   * when this instance stops: then it is not acknowledged and comes back.
   */
  private async deliver(topic: string, payload: Buffer): Promise<boolean> {
    let failures = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handle(topic, payload);
        return true;
      } catch (err) {
        if (this.stopping) return false;
        if (err instanceof AppError) {
          this.log.warn({ err, topic }, 'MQTT press refused');
          return true;
        }
        if (!isDatabaseUnavailable(err) && ++failures >= maxFailuresOtherThanDatabase) {
          this.log.error({ err, topic }, 'MQTT press failed repeatedly; acknowledged to unblock the broker');
          return true;
        }
        this.log.warn({ err, topic, attempt }, 'MQTT press not committed yet; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
        if (this.stopping) return false;
      }
    }
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    const m = topicPattern.exec(topic);
    if (!m) return;
    const [, slug, buttonId, what] = m as unknown as [string, string, string, string];
    const [row] = await this.db
      .select({ device: devices })
      .from(devices)
      .innerJoin(organisations, eq(organisations.id, devices.orgId))
      .where(
        and(
          eq(organisations.slug, slug),
          eq(devices.externalId, buttonId),
          eq(devices.kind, 'button'),
          isNull(devices.revokedAt),
        ),
      );
    if (!row) {
      this.log.warn({ topic }, 'MQTT message from an unknown or revoked button');
      return;
    }
    const d = row.device;
    if (what === 'heartbeat') {
      // Best effort: a missed heartbeat is made good by the next one.
      await this.devices.seen([d.id]).catch((err: unknown) => this.log.warn({ err }, 'button heartbeat not recorded'));
      return;
    }
    let press: ButtonPress;
    try {
      press = ButtonPress.parse(JSON.parse(payload.toString('utf8')));
    } catch {
      await appendAudit(this.db, {
        orgId: d.orgId,
        at: new Date(),
        actor: { system: `Taster ${d.name}` },
        action: 'button.malformed',
        subject: `Gerät ${d.id}`,
        detail: { topic },
      });
      return;
    }
    const actor = {
      kind: 'device' as const,
      orgId: d.orgId,
      deviceId: d.id,
      personId: d.personId,
      roomId: d.roomId,
      name: d.name,
    };
    await this.alarms.raise(
      actor,
      { source: 'network_button', test: press.test, functionTest: false },
      `button:${press.pressId}`,
    );
    this.presses++;
    await this.devices.seen([d.id]).catch(() => undefined);
  }

  /**
   * Stop: a press still being retried is not acknowledged (the broker sends it again to this
   * session on the next start); the session stays with the broker.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.inFlight;
    await this.client?.endAsync(true);
  }
}

import type { FastifyBaseLogger } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { and, eq, isNull } from 'drizzle-orm';
import { ButtonPress } from '@wachsam/protocol';
import type { AlarmService } from '../alarms/service.js';
import { appendAudit } from '../audit/repository.js';
import type { Db } from '../db/client.js';
import { devices, organisations } from '../db/schema.js';
import type { DeviceService } from '../devices/service.js';

const topicPattern = /^wachsam\/([^/]+)\/buttons\/([^/]+)\/(press|heartbeat)$/;

/**
 * Network alarm buttons over MQTT. Topic `wachsam/<org>/buttons/<buttonId>/press` with a
 * ButtonPress body raises the alarm of the button registered with that external id;
 * `.../heartbeat` keeps it online. Buttons publish with QoS 1 and repeat a press until the
 * broker has it; the press id is the idempotency key, so a repeated press is the same alarm.
 * The broker is trusted to authenticate buttons (per-button credentials and ACLs there).
 */
export class MqttButtons {
  private client: MqttClient | null = null;

  constructor(
    private readonly url: string,
    private readonly db: Db,
    private readonly alarms: AlarmService,
    private readonly devices: DeviceService,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    const client = mqtt.connect(this.url, {
      clientId: `wachsam-server-${process.pid}-${Date.now()}`,
      clean: true,
      reconnectPeriod: 1000,
    });
    this.client = client;
    client.on('error', (err) => this.log.warn({ err }, 'MQTT error'));
    client.on('message', (topic, payload) => {
      this.handle(topic, payload).catch((err: unknown) => this.log.error({ err, topic }, 'MQTT button message failed'));
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync('wachsam/+/buttons/+/+', { qos: 1 });
    this.log.info({ url: this.url }, 'listening for MQTT alarm buttons');
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
    await this.devices.seen([d.id]);
    if (what === 'heartbeat') return;
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
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}

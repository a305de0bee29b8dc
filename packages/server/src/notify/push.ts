import { and, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import webpush from 'web-push';
import type { PushPayload, PushSubscriptionInput } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { pushSubscriptions, settings } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { EndpointRefused, publicAddresses, publicNetwork, sendTo, type PushNetwork } from './push-endpoint.js';

interface Vapid {
  publicKey: string;
  privateKey: string;
}

type SubscriptionRow = typeof pushSubscriptions.$inferSelect;

/**
 * Web Push (VAPID) to phones and browsers whose app is closed. The key pair is made on first
 * use and kept in `settings`, shared by every instance (insert-if-absent, then read back).
 * Requests are built by `web-push` and sent to public https addresses only (push-endpoint.ts),
 * one attempt each: a push service that says the subscription is gone (404/410) gets it
 * deleted; other failures are logged only.
 */
export class PushService {
  private vapid: Promise<Vapid> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly subject: string,
    private readonly log: FastifyBaseLogger,
    private readonly network: PushNetwork = publicNetwork(),
  ) {}

  async publicKey(): Promise<string> {
    return (await this.keys()).publicKey;
  }

  private keys(): Promise<Vapid> {
    this.vapid ??= this.loadKeys().catch((err: unknown) => {
      this.vapid = null;
      throw err;
    });
    return this.vapid;
  }

  private async loadKeys(): Promise<Vapid> {
    await this.db.insert(settings).values({ key: 'vapid', value: webpush.generateVAPIDKeys() }).onConflictDoNothing();
    const [row] = await this.db.select().from(settings).where(eq(settings.key, 'vapid'));
    return row!.value as Vapid;
  }

  /**
   * One subscription per endpoint: subscribing again moves it to the caller. An endpoint that is
   * not https to a public host is refused (400 `push_endpoint_refused`), and checked again at
   * every send.
   */
  async subscribe(actor: Actor, input: PushSubscriptionInput): Promise<void> {
    try {
      await publicAddresses(input.endpoint, this.network);
    } catch (err) {
      if (!(err instanceof EndpointRefused)) throw err;
      throw new AppError('push_endpoint_refused', `Diese Push-Adresse wird nicht angenommen: ${err.reason}`, [
        { path: 'body.endpoint', message: err.reason },
      ]);
    }
    const owner = {
      orgId: actor.orgId,
      personId: actor.personId,
      deviceId: actor.kind === 'device' ? actor.deviceId : null,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
    };
    await this.db
      .insert(pushSubscriptions)
      .values({ ...owner, endpoint: input.endpoint, createdAt: this.clock.now() })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: owner });
  }

  /** Only the caller's own subscription can be removed; an unknown endpoint is no error. */
  async unsubscribe(actor: Actor, endpoint: string): Promise<void> {
    const mine =
      actor.kind === 'device'
        ? eq(pushSubscriptions.deviceId, actor.deviceId)
        : eq(pushSubscriptions.personId, actor.personId);
    await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.orgId, actor.orgId), eq(pushSubscriptions.endpoint, endpoint), mine));
  }

  /** Push to every subscription of these people; never throws. */
  async notify(orgId: string, personIds: string[], payload: PushPayload): Promise<void> {
    if (personIds.length === 0) return;
    const subs = await this.db
      .select()
      .from(pushSubscriptions)
      // One array parameter, however many people (a parameter per id would stop at 65,535).
      .where(
        and(
          eq(pushSubscriptions.orgId, orgId),
          sql`${pushSubscriptions.personId} = any(${`{${personIds.join(',')}}`}::uuid[])`,
        ),
      );
    if (subs.length === 0) return;
    const vapid = await this.keys();
    await Promise.all(subs.map((s) => this.sendOne(s, payload, vapid)));
  }

  private async sendOne(sub: SubscriptionRow, payload: PushPayload, vapid: Vapid): Promise<void> {
    try {
      const req = webpush.generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        JSON.stringify(payload),
        {
          vapidDetails: { subject: this.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
          // An alarm older than five minutes is better not shown as new.
          TTL: 300,
          urgency: 'high',
        },
      );
      // Checked again now: the name may resolve elsewhere than when it was registered.
      const [to] = await publicAddresses(req.endpoint, this.network);
      const status = await sendTo(
        { endpoint: req.endpoint, method: req.method, headers: req.headers, body: req.body },
        to!,
        this.network,
      );
      if (status === 404 || status === 410) return await this.forget(sub, status);
      if (status < 200 || status >= 300)
        this.log.warn({ status, subscription: sub.id }, 'push service refused the message');
    } catch (err) {
      if (err instanceof EndpointRefused)
        return this.log.warn({ reason: err.reason, subscription: sub.id }, 'push endpoint is not public: not sent');
      this.log.warn({ err, subscription: sub.id }, 'push message failed');
    }
  }

  /** The push service says this subscription no longer exists: delete it, and say so in the audit log. */
  private async forget(sub: SubscriptionRow, status: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id));
      await appendAudit(tx, {
        orgId: sub.orgId,
        at: this.clock.now(),
        actor: { system: 'Web Push' },
        action: 'push.subscription_removed',
        subject: sub.personId ? `Person ${sub.personId}` : `Gerät ${sub.deviceId ?? ''}`,
        detail: { status },
      });
    });
  }
}

import { routes } from '@wachsam/protocol';
import { call } from '../api/http.js';
import { base64UrlToBytes } from '../api/base64url.js';

/** Web Push needs a service worker, the Push API and notifications: not every browser has them. */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export async function currentSubscription(): Promise<PushSubscription | null> {
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

/** Asks for consent, subscribes with the server's VAPID key and stores the subscription there. */
export async function subscribeToPush(): Promise<void> {
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('permission_denied');
  const reg = await navigator.serviceWorker.ready;
  const { publicKey } = await call(routes.pushKey);
  const sub = await reg.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlToBytes(publicKey),
  });
  const json = sub.toJSON();
  const keys = json.keys ?? {};
  if (!json.endpoint || !keys.p256dh || !keys.auth) throw new Error('incomplete_subscription');
  try {
    await call(routes.subscribePush, {
      body: { endpoint: json.endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
    });
  } catch (err) {
    // Not stored on the server: drop it here too, so the screen never claims push is on.
    await sub.unsubscribe().catch(() => undefined);
    throw err;
  }
}

export async function unsubscribeFromPush(): Promise<void> {
  const sub = await currentSubscription();
  if (!sub) return;
  await call(routes.unsubscribePush, { body: { endpoint: sub.endpoint } });
  await sub.unsubscribe();
}

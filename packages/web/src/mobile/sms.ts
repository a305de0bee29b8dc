import { formatSms, smsMacInput, type SmsAlarm } from '@wachsam/protocol';
import { base64UrlToBytes, bytesToBase64Url } from '../api/base64url.js';

/**
 * The SMS authentication code: base64url of the first 16 bytes of HMAC-SHA256 over
 * `smsMacInput`, with the phone's key. Only the enrolled phone knows the key, so the server
 * can tell a real alarm SMS from a forged one.
 */
export async function smsMac(
  keyBase64Url: string,
  deviceCode: string,
  counter: number,
  position: SmsAlarm['position'],
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    base64UrlToBytes(keyBase64Url),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const input = new TextEncoder().encode(smsMacInput(deviceCode, counter, position));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, input));
  return bytesToBase64Url(mac.slice(0, 16));
}

export async function alarmSmsText(
  keyBase64Url: string,
  deviceCode: string,
  counter: number,
  position: SmsAlarm['position'],
): Promise<string> {
  const mac = await smsMac(keyBase64Url, deviceCode, counter, position);
  return formatSms({ deviceCode, counter, mac, position });
}

/** `sms:` link that opens the phone's SMS app with number and text filled in (one tap to send). */
export function smsLink(number: string, body: string): string {
  return `sms:${number.replace(/[^+0-9]/g, '')}?body=${encodeURIComponent(body)}`;
}

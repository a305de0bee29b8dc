/// <reference types="node" />
// The reference check is Node's own HMAC, independent of the WebCrypto code under test.
import { createHmac, randomBytes } from 'node:crypto';
import { parseSms, smsMacInput } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { alarmSmsText, smsLink, smsMac } from './sms.js';

describe('alarm SMS', () => {
  const key = randomBytes(32).toString('base64url');
  const position = { lat: 50.94133, lon: 6.95812, accuracy: 12.4 };

  it('computes the same MAC as a Node HMAC', async () => {
    const expected = createHmac('sha256', Buffer.from(key, 'base64url'))
      .update(smsMacInput('AB12CD', 7, position))
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(await smsMac(key, 'AB12CD', 7, position)).toBe(expected);
    expect(await smsMac(key, 'AB12CD', 7, null)).not.toBe(expected);
  });

  it('produces a text the server parses back, with and without position', async () => {
    const text = await alarmSmsText(key, 'AB12CD', 7, position);
    expect(text).toMatch(/^WACHSAM AB12CD 7 [A-Za-z0-9_-]{22} 50\.94133,6\.95812,12$/);
    expect(parseSms(text)).toMatchObject({ deviceCode: 'AB12CD', counter: 7, position: { lat: 50.94133 } });
    expect(parseSms(await alarmSmsText(key, 'AB12CD', 8, null))).toMatchObject({ counter: 8, position: null });
  });

  it('builds an sms: link with the number and the encoded body', () => {
    expect(smsLink('+49 221 1234-5', 'WACHSAM A 1')).toBe('sms:+4922112345?body=WACHSAM%20A%201');
  });
});

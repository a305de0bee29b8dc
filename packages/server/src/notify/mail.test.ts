import { describe, expect, it } from 'vitest';
import { SmtpMailer } from './mail.js';

describe('the SMTP mailer', () => {
  it('refuses an address that is not a single valid one, before it connects anywhere', async () => {
    // Port 9 (discard) on a documentation address: were it to connect, this would time out, not reject at once.
    const mailer = new SmtpMailer('smtp://192.0.2.1:9', 'Wachsam <wachsam@stadt.example>');
    try {
      for (const to of [
        'jonas@stadt.example, fremd@evil.example',
        'Jonas',
        'jonas@stadt.example\r\nBcc: x@evil.example',
      ])
        await expect(mailer.send({ to: [to], subject: 'ALARM', text: '…' })).rejects.toThrow(
          'not a single valid e-mail address',
        );
    } finally {
      mailer.close();
    }
  });
});

import { createTransport, type Transporter } from 'nodemailer';
import { z } from 'zod';

/** An address as it may be sent to: one address, nothing a mail library would split into several. */
const Address = z.email();

/** One e-mail: plain text, German, to one or more addresses. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/** Sends e-mail. Rejects when the server did not take it; the caller logs and moves on. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer (`SMTP_URL`, e.g. `smtp://user:password@mail.stadt.example:587`;
 * `smtps://` for TLS from the start). Short limits: an alarm e-mail that arrives minutes late helps
 * no one, and a dead mail server must not pile up connections.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // Pooled: an alarm to many offline receivers reuses a few connections (relays cap them).
    this.transport = createTransport({
      url,
      pool: true,
      maxConnections: 5,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  /**
   * Addresses come from people's records (entered, imported, synchronised): one that is not a
   * single valid address (`a@x, b@y`) is refused, never split into recipients nobody approved.
   */
  async send(mail: Mail): Promise<void> {
    const to = mail.to.map((a) => a.trim());
    if (to.length === 0) return;
    if (!to.every((a) => Address.safeParse(a).success)) throw new Error('not a single valid e-mail address');
    await this.transport.sendMail({
      from: this.from,
      to: to.map((address) => ({ name: '', address })),
      subject: mail.subject,
      text: mail.text,
    });
  }

  close(): void {
    this.transport.close();
  }
}

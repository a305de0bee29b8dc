import { createTransport, type Transporter } from 'nodemailer';

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
    this.transport = createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(mail: Mail): Promise<void> {
    if (mail.to.length === 0) return;
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transport.close();
  }
}

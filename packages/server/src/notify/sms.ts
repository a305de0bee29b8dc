import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';

/** Sends one SMS. Rejects when the gateway did not take it; the caller logs and moves on. */
export interface SmsGateway {
  send(to: string, text: string): Promise<void>;
}

/** Development: the SMS goes to the log, so the whole path can be watched without a provider. */
export class LogSmsGateway implements SmsGateway {
  constructor(private readonly log: FastifyBaseLogger) {}
  send(to: string, text: string): Promise<void> {
    this.log.info({ sms: { to, text } }, 'SMS (development gateway, not sent)');
    return Promise.resolve();
  }
}

/**
 * A generic HTTP gateway: POST `{to, text}` as JSON, optional bearer token. Any 2xx is taken as
 * accepted; one attempt with a 10 s limit, because an SMS that arrives minutes late helps no one.
 */
export class HttpSmsGateway implements SmsGateway {
  constructor(
    private readonly url: string,
    private readonly token: string | null,
  ) {}
  async send(to: string, text: string): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ to, text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}

export function smsGateway(config: Config['smsGateway'], log: FastifyBaseLogger): SmsGateway | null {
  switch (config.kind) {
    case 'none':
      return null;
    case 'log':
      return new LogSmsGateway(log);
    case 'http':
      return new HttpSmsGateway(config.url, config.token);
  }
}

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import * as client from 'openid-client';
import { ConfigError } from '../../config.js';

/** What the server needs of an organisation's provider to talk to it. */
export interface ProviderKey {
  orgId: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
}

type Fetch = NonNullable<client.DiscoveryRequestOptions[typeof client.customFetch]>;

/** Answers of an identity provider larger than this are refused (a discovery document is a few KB). */
const maxAnswerBytes = 1024 * 1024;
const timeoutMs = 10_000;

/**
 * Read the extra certificate authorities for the identity providers (OIDC_CA_FILE) once at
 * start; a file that cannot be read stops the server naming the variable.
 */
export function readTrustedCa(file: string | null): string | null {
  if (!file) return null;
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('keine PEM-Zertifikate');
    return pem;
  } catch (err) {
    throw new ConfigError(
      `Ungültige Konfiguration:\n  OIDC_CA_FILE: ${file} ist nicht lesbar oder enthält keine Zertifikate (${(err as Error).message})`,
    );
  }
}

/**
 * HTTPS to the identity provider trusting the system's CAs plus the configured ones: an internal
 * CA is added, never certificate checking switched off. Plain http is refused before any
 * connection (openid-client refuses it too).
 */
export function fetchTrusting(extraCa: string): Fetch {
  const ca = [...rootCertificates, extraCa];
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') return reject(new Error(`not https: ${target.origin}`));
      const req = request(
        target,
        { method: options.method, headers: options.headers, ca, timeout: timeoutMs, signal: options.signal },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxAnswerBytes) req.destroy(new Error('answer too large'));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
                headers.append(name, v);
            const status = res.statusCode ?? 502;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers }));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('identity provider did not answer in time')));
      req.on('error', reject);
      const body = options.body;
      if (body === undefined || body === null) req.end();
      else if (typeof body === 'string' || body instanceof URLSearchParams) req.end(body.toString());
      else req.destroy(new Error('unsupported request body'));
    });
}

/**
 * The providers' discovered configurations, per organisation. A configuration is fetched when a
 * login starts and kept 15 minutes (keys rotate, endpoints move rarely); one that failed is not
 * kept, and saving the settings forgets it. Only logins wait for it: sessions, devices and
 * alarms never ask the provider.
 */
export class OidcClients {
  private readonly cache = new Map<string, { key: string; until: number; config: Promise<client.Configuration> }>();
  private readonly fetch: Fetch | undefined;

  constructor(extraCa: string | null) {
    this.fetch = extraCa ? fetchTrusting(extraCa) : undefined;
  }

  configuration(p: ProviderKey): Promise<client.Configuration> {
    const key = JSON.stringify([p.issuer, p.clientId, p.clientSecret]);
    const hit = this.cache.get(p.orgId);
    if (hit && hit.key === key && hit.until > Date.now()) return hit.config;
    const config = client.discovery(
      new URL(p.issuer),
      p.clientId,
      p.clientSecret ?? undefined,
      p.clientSecret ? client.ClientSecretPost(p.clientSecret) : client.None(),
      this.fetch ? { [client.customFetch]: this.fetch, timeout: timeoutMs / 1000 } : { timeout: timeoutMs / 1000 },
    );
    this.cache.set(p.orgId, { key, until: Date.now() + 15 * 60_000, config });
    config.catch(() => {
      if (this.cache.get(p.orgId)?.config === config) this.cache.delete(p.orgId);
    });
    return config;
  }

  forget(orgId: string): void {
    this.cache.delete(orgId);
  }
}

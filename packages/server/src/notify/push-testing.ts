import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockListOf, nonPublicRanges, type Address, type PushNetwork } from './push-endpoint.js';

/**
 * Test support for Web Push: a real https push service on this machine needs a certificate for
 * its name, a name that resolves to it, and (only for the tests that deliver) loopback let
 * through. The SSRF tests use the production range list unchanged.
 */

/** A self-signed certificate for `name` (openssl, valid two days). */
export function certificateFor(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wachsam-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every non-public range but loopback: the test's push service runs on 127.0.0.1. */
export const loopbackAllowed = () => blockListOf(nonPublicRanges.filter(([network]) => network !== '127.0.0.0'));

/** Name lookups answered by the test: each name's current address(es), asked anew at every lookup. */
export function resolverFor(names: Record<string, () => string>): PushNetwork['resolve'] {
  return async (host) => {
    const answer = names[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const address = answer();
    return [{ address, family: address.includes(':') ? 6 : 4 }] satisfies Address[];
  };
}

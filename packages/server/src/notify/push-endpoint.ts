import { promises as dns } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Where a push message may go. The endpoint of a Web Push subscription is whatever the browser
 * (or anyone with a session) sends, and the server POSTs to it: without these rules it could be
 * made to reach the town hall's own network (a router's admin page, the cloud's metadata
 * address, the database). So an endpoint must be https to a public address, checked when it
 * is registered and again at every send, and the message goes to the very address that was
 * checked: a name that resolved to a public address at registration and to 127.0.0.1 now
 * (DNS rebinding) is not contacted.
 */

/**
 * Addresses that are not the public internet (IANA special-purpose registries). `BlockList`
 * checks an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) against the IPv4 rules, so those are
 * covered by them; the transition prefixes that embed IPv4 otherwise (NAT64, 6to4, Teredo) are
 * refused whole.
 */
export const nonPublicRanges: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'], // private
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local (cloud metadata)
  ['172.16.0.0', 12, 'ipv4'], // private
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation
  ['192.88.99.0', 24, 'ipv4'], // 6to4 relay
  ['192.168.0.0', 16, 'ipv4'], // private
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation
  ['203.0.113.0', 24, 'ipv4'], // documentation
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'], // loopback
  ['64:ff9b::', 96, 'ipv6'], // NAT64 (embeds IPv4)
  ['64:ff9b:1::', 48, 'ipv6'], // local NAT64
  ['100::', 64, 'ipv6'], // discard
  ['2001::', 32, 'ipv6'], // Teredo (embeds IPv4)
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['2002::', 16, 'ipv6'], // 6to4 (embeds IPv4)
  ['fc00::', 7, 'ipv6'], // unique local (ULA)
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['ff00::', 8, 'ipv6'], // multicast
];

export function blockListOf(ranges: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, type] of ranges) list.addSubnet(network, prefix, type);
  return list;
}

export interface Address {
  address: string;
  family: number;
}

/** How push messages reach the network. Tests answer name lookups for their own names. */
export interface PushNetwork {
  resolve(host: string): Promise<Address[]>;
  /** Addresses never contacted. */
  blocked: BlockList;
  /** The whole exchange with the push service, connect to last byte. */
  timeoutMs: number;
  /** The push service's answer is read up to this size; a larger one is cut off. */
  maxResponseBytes: number;
  /** Extra trusted certificate authority (tests); the system's otherwise. */
  ca?: string;
}

export const publicNetwork = (): PushNetwork => ({
  resolve: (host) => dns.lookup(host, { all: true, verbatim: true }),
  blocked: blockListOf(nonPublicRanges),
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
});

/** A push endpoint this server will not send to; `reason` is German, for the person and the log. */
export class EndpointRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * The addresses of the endpoint's host, every one of them public, or `EndpointRefused`: not
 * https, a user name in the address, a host that does not resolve, or any address (of all the
 * name has) that is local, private, link-local, unique-local, CGNAT, reserved or IPv4-mapped.
 */
export async function publicAddresses(endpoint: string, network: PushNetwork): Promise<Address[]> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new EndpointRefused('keine gültige Adresse');
  }
  if (url.protocol !== 'https:') throw new EndpointRefused('nur https-Adressen eines Push-Dienstes');
  if (url.username || url.password) throw new EndpointRefused('Adresse mit Zugangsdaten');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  let addresses: Address[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await network.resolve(host);
    } catch {
      throw new EndpointRefused('der Name des Push-Dienstes ist unbekannt');
    }
  }
  if (addresses.length === 0) throw new EndpointRefused('der Name des Push-Dienstes ist unbekannt');
  for (const a of addresses)
    if (network.blocked.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'))
      throw new EndpointRefused('keine öffentliche Adresse (lokal, privat oder reserviert)');
  return addresses;
}

export interface PushRequest {
  endpoint: string;
  method: string;
  headers: Record<string, string | number>;
  body: Buffer | null;
}

/**
 * Send one request built by `web-push` to the address that was checked (not to whatever a
 * second lookup of the name says), within `timeoutMs` in all and reading at most
 * `maxResponseBytes` of the answer; resolves with the status. `web-push`'s own sender reads
 * any answer to its end and only limits idle time, so a hostile endpoint could hold it open.
 */
export function sendTo(req: PushRequest, to: Address, network: PushNetwork): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      req.endpoint,
      {
        method: req.method,
        headers: req.headers,
        agent: false,
        ...(network.ca ? { ca: network.ca } : {}),
        // The connection goes to the checked address; TLS still verifies the certificate for
        // the endpoint's name.
        lookup: (_host, opts, callback) => {
          if ((opts as { all?: boolean }).all) (callback as (e: null, a: Address[]) => void)(null, [to]);
          else callback(null, to.address, to.family);
        },
      },
      (res) => {
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > network.maxResponseBytes) outgoing.destroy(new Error('push service answer too large'));
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(
      () => outgoing.destroy(new Error(`push service did not answer within ${network.timeoutMs} ms`)),
      network.timeoutMs,
    );
    outgoing.on('close', () => clearTimeout(deadline));
    outgoing.on('error', reject);
    outgoing.end(req.body ?? undefined);
  });
}

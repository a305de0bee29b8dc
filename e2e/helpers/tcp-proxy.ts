import { createServer, connect, type Server, type Socket } from 'node:net';

/** One client connection through the proxy, with the PostgreSQL startup parameters it sent. */
export interface Proxied {
  client: Socket;
  upstream: Socket;
  /** From the StartupMessage, e.g. `application_name` ('wachsam', 'wachsam-listener'). */
  params: Record<string, string>;
  blackholed: boolean;
}

/**
 * A TCP proxy between a server and PostgreSQL for fault tests: it can drop every connection
 * (like a PostgreSQL restart or failover) or black-hole chosen ones (stop forwarding in both
 * directions without closing: a firewall that silently drops a connection's state). New
 * connections keep working unless refused.
 */
export class TcpProxy {
  readonly connections = new Set<Proxied>();
  private refusing = false;
  /** While set, new connections that match are black-holed as soon as their startup is seen. */
  private blackholing: ((c: Proxied) => boolean) | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => {
      if (!proxy || proxy.refusing) return client.destroy();
      const upstream = connect(target.port, target.host);
      const c: Proxied = { client, upstream, params: {}, blackholed: false };
      proxy.connections.add(c);
      let first = true;
      client.on('data', (chunk) => {
        if (first) {
          first = false;
          c.params = startupParams(chunk);
          if (proxy?.blackholing?.(c)) c.blackholed = true;
        }
        if (!c.blackholed) upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (!c.blackholed) client.write(chunk);
      });
      const end = () => {
        proxy?.connections.delete(c);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** `postgres://…` pointing at the proxy instead of the real server. */
  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Close every connection now (both sides see it). */
  drop(): void {
    for (const c of this.connections) {
      c.client.destroy();
      c.upstream.destroy();
    }
  }

  /** Stop forwarding on the matching connections, leaving them open; returns how many. */
  blackhole(match: (c: Proxied) => boolean): number {
    let n = 0;
    for (const c of this.connections)
      if (!c.blackholed && match(c)) {
        c.blackholed = true;
        n++;
      }
    return n;
  }

  /**
   * Black-hole the matching connections and every matching one opened until `stopBlackholing()`:
   * a pool that opens a fresh connection to get round a dead one meets the same firewall.
   */
  blackholeAll(match: (c: Proxied) => boolean): number {
    this.blackholing = match;
    return this.blackhole(match);
  }

  stopBlackholing(): void {
    this.blackholing = null;
  }

  /** Refuse (close at once) new connections until `accept()`. */
  refuse(): void {
    this.refusing = true;
  }

  accept(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Key/value pairs of a PostgreSQL StartupMessage (length, protocol 3.0, then name\0value\0 … \0). */
function startupParams(chunk: Buffer): Record<string, string> {
  if (chunk.length < 8 || chunk.readInt32BE(4) !== 196608) return {};
  const parts = chunk.subarray(8, chunk.readInt32BE(0)).toString('utf8').split('\0');
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params[parts[i]!] = parts[i + 1]!;
  return params;
}

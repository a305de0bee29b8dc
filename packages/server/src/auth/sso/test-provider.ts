import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { generate } from 'selfsigned';
import { ssoCallbackPath } from '@wachsam/protocol';
import { fetchTrusting } from './oidc.js';

// A real OpenID provider for the single sign-on tests: `oidc-provider` (the certified Node
// implementation) over HTTPS with a self-signed certificate that only the test trusts, on a free
// port, with its development login form (any password; the login names the account).

export interface TestAccount {
  preferred_username?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  /** Left out: the provider vouches for the address (true); undefined: the claim is not sent, as by Entra and ADFS. */
  email_verified?: boolean | undefined;
  oid?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  /** The certificate as PEM: the only CA that makes this provider trusted (OIDC_CA_FILE). */
  caPem: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /**
   * Rewrite the ID token the token endpoint answers with, re-signed with the provider's own key
   * (a token for another client, an expired one): what a broken or hostile provider could send.
   */
  tamper: ((payload: Record<string, unknown>) => Record<string, unknown>) | null;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function resign(
  idToken: string,
  key: KeyObject,
  kid: string,
  change: (p: Record<string, unknown>) => Record<string, unknown>,
) {
  const [header, payload] = idToken.split('.');
  const claims = change(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>);
  const head = JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const signingInput = `${b64url(JSON.stringify({ ...head, kid }))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), key))}`;
}

/** The provider's certificate, made first: the server under test is started trusting it. */
export async function testCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Start the provider for a Wachsam at `wachsamUrl` (its redirect and logout addresses are registered). */
export async function startTestProvider(
  wachsamUrl: string,
  pems: { key: string; cert: string },
): Promise<TestProvider> {
  const server: Server = createServer({ key: pems.key, cert: pems.cert });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, TestAccount>();
  const clientId = 'wachsam';
  const clientSecret = `secret-${randomUUID()}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${wachsamUrl}${ssoCallbackPath}`],
        post_logout_redirect_uris: [`${wachsamUrl}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    // The claims of the scopes go into the ID token, as Entra ID and Keycloak do.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'oid', 'groups'],
      profile: ['preferred_username', 'given_name', 'family_name', 'name'],
      email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email_verified: true, ...account }) };
    },
  });
  const result: TestProvider = {
    issuer,
    caPem: pems.cert,
    clientId,
    clientSecret,
    accounts,
    tamper: null,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const signingKey = createPrivateKey({ key: jwk, format: 'jwk' });
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && result.tamper && body?.id_token)
      ctx.body = { ...body, id_token: resign(body.id_token, signingKey, kid, result.tamper) };
  });
  server.on('request', provider.callback());
  return result;
}

export interface Step {
  status: number;
  location: string | null;
  body: string;
}

/**
 * A browser as far as the code flow needs one: cookies per origin, redirects followed by hand,
 * the provider's forms (login, logout) filled in and sent. Trusts the provider's CA only.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();
  private readonly httpsFetch: ReturnType<typeof fetchTrusting>;

  constructor(caPem: string) {
    this.httpsFetch = fetchTrusting(caPem);
  }

  setCookie(url: string, name: string, value: string): void {
    const origin = new URL(url).origin;
    this.jar.set(origin, (this.jar.get(origin) ?? new Map<string, string>()).set(name, value));
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).origin)?.get(name);
  }

  cookieHeader(url: string): string {
    return [...(this.jar.get(new URL(url).origin) ?? new Map<string, string>())]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  async request(url: string, form?: URLSearchParams): Promise<Step> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookies = this.cookieHeader(url);
    if (cookies) headers.cookie = cookies;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const init = { method: form ? 'POST' : 'GET', headers, body: form, redirect: 'manual' as const };
    const res = target.protocol === 'https:' ? await this.httpsFetch(url, init) : await fetch(url, init);
    const jar = this.jar.get(target.origin) ?? new Map<string, string>();
    this.jar.set(target.origin, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location, url).href : null, body: await res.text() };
  }

  /**
   * From Wachsam's start address through the provider's login as `account` to the address the
   * provider sends the browser back to (not requested yet, so a test can send it twice).
   */
  async loginAtProvider(startUrl: string, account: string): Promise<{ callbackUrl: string; sawLoginForm: boolean }> {
    let url = startUrl;
    let form: URLSearchParams | undefined;
    let sawLoginForm = false;
    for (let hops = 0; hops < 20; hops++) {
      const step = await this.request(url, form);
      form = undefined;
      if (step.location) {
        if (new URL(step.location).pathname === ssoCallbackPath) return { callbackUrl: step.location, sawLoginForm };
        url = step.location;
        continue;
      }
      const filled = fillForm(step.body, url, { login: account, password: 'beliebig' });
      if (!filled) throw new Error(`no redirect and no form at ${url}: ${step.status} ${step.body.slice(0, 300)}`);
      if (filled.fields.has('login')) sawLoginForm = true;
      url = filled.action;
      form = filled.fields;
    }
    throw new Error('too many redirects');
  }

  /** Follow redirects (and the provider's confirmation forms) from `url` until an answer that is none. */
  async follow(url: string): Promise<{ url: string; step: Step }> {
    let form: URLSearchParams | undefined;
    for (let hops = 0; hops < 20; hops++) {
      const step = await this.request(url, form);
      form = undefined;
      if (step.location) {
        url = step.location;
        continue;
      }
      const filled = new URL(url).protocol === 'https:' ? fillForm(step.body, url, { logout: 'yes' }) : null;
      if (!filled) return { url, step };
      url = filled.action;
      form = filled.fields;
    }
    throw new Error('too many redirects');
  }
}

/** The first form of a page with its hidden fields, and `values` for the fields or buttons it names. */
function fillForm(html: string, base: string, values: Record<string, string>) {
  const formMatch = /<form[^>]*action="([^"]+)"[^>]*>/i.exec(html);
  if (!formMatch) return null;
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
    fields.set(m[1]!, m[2]!);
  for (const [name, value] of Object.entries(values)) if (html.includes(`name="${name}"`)) fields.set(name, value);
  return { action: new URL(formMatch[1]!.replace(/&amp;/g, '&'), base).href, fields };
}

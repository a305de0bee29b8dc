import { readFileSync } from 'node:fs';
import { Client, type Entry } from 'ldapts';
import type { LdapSettings } from '@wachsam/protocol';

/** One person as the directory has them, before any mapping to Wachsam. */
export interface DirectoryEntry {
  dn: string;
  externalId: string;
  login: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  /** From the department attribute, else the entry's first OU. */
  department: string;
  /** DNs of the groups the entry is a member of, lower case. */
  groups: string[];
  /** Disabled in Active Directory (`userAccountControl` has ACCOUNTDISABLE, 0x2). */
  disabled: boolean;
}

/** RFC 4515: a value inside a filter, with `*`, `(`, `)`, `\` and NUL escaped. */
export const escapeFilterValue = (v: string): string =>
  v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** AD's objectGUID bytes as the GUID string AD tools show (the first three groups little-endian). */
export function guidString(b: Buffer): string {
  if (b.length !== 16) return b.toString('hex');
  const h = (i: number) => b[i]!.toString(16).padStart(2, '0');
  const order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
  return order.map((i) => (i < 0 ? '-' : h(i))).join('');
}

const first = (v: Entry[string] | undefined): string => {
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined) return '';
  return Buffer.isBuffer(x) ? x.toString('utf8') : String(x);
};
const all = (v: Entry[string] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));

/** The first `OU=` of a DN: "CN=Anna Alt,OU=Bürgeramt,OU=Stadt,DC=…" → "Bürgeramt". */
export function firstOu(dn: string): string {
  const m = /(?:^|,)\s*ou=((?:\\.|[^,])*)/i.exec(dn);
  return m ? m[1]!.replace(/\\(.)/g, '$1').trim() : '';
}

/**
 * Read the members of the chosen groups. Paged (AD answers at most 1,000 entries per page), with
 * the connection's CA from `LDAP_CA_FILE` for an internal certificate authority (ldaps://).
 */
export async function readDirectory(
  settings: LdapSettings,
  password: string,
  opts: { caFile?: string; timeoutMs?: number } = {},
): Promise<DirectoryEntry[]> {
  const a = settings.attributes;
  const client = new Client({
    url: settings.url,
    timeout: opts.timeoutMs ?? 30_000,
    connectTimeout: opts.timeoutMs ?? 10_000,
    ...(opts.caFile ? { tlsOptions: { ca: [readFileSync(opts.caFile)] } } : {}),
  });
  try {
    await client.bind(settings.bindDn, password);
    const members = settings.groupDns.map((g) => `(memberOf=${escapeFilterValue(g)})`).join('');
    const filter = `(&${settings.userFilter}(|${members}))`;
    const attributes = [
      a.login,
      a.firstName,
      a.lastName,
      a.email,
      a.phone,
      a.externalId,
      ...(a.department ? [a.department] : []),
      'memberOf',
      'userAccountControl',
    ];
    const { searchEntries } = await client.search(settings.baseDn, {
      scope: 'sub',
      filter,
      attributes,
      paged: { pageSize: 500 },
      explicitBufferAttributes: ['objectGUID'],
    });
    return searchEntries.map((e) => {
      const raw = e[a.externalId];
      const idValue = Array.isArray(raw) ? raw[0] : raw;
      const externalId = Buffer.isBuffer(idValue) ? guidString(idValue) : first(raw);
      const uac = Number(first(e.userAccountControl) || '0');
      return {
        dn: e.dn,
        externalId,
        login: first(e[a.login]),
        firstName: first(e[a.firstName]),
        lastName: first(e[a.lastName]),
        email: first(e[a.email]),
        phone: first(e[a.phone]),
        department: (a.department ? first(e[a.department]) : '') || firstOu(e.dn),
        groups: all(e.memberOf).map((g) => g.toLowerCase()),
        disabled: (uac & 2) === 2,
      };
    });
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

import type { z } from 'zod';
import { sql } from 'drizzle-orm';
import { routes, type RouteDef } from '@wachsam/protocol';
import { rawRows } from '../db/raw.js';
import type { TestServer } from '../testing.js';
import { example, exampleFor, leaves } from './schema-walk.js';
import {
  authHeaders,
  callerOf,
  fieldKind,
  idFor,
  pathParamKind,
  pathWith,
  mayCall,
  type IdKind,
  type Org,
} from './world.js';

/**
 * Test support for the authorisation test: for every id a route takes (path, body, query), the
 * request with that one id taken from another organisation, or from the caller's own
 * organisation but out of the caller's reach. Everything else in the request is valid and the
 * caller is someone the route lets in, so the answer is about that id.
 */

export interface IdCase {
  what: string;
  method: RouteDef['method'];
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses that mean "refused as if it did not exist, or not yours". */
  expected: number[];
  /** A 400 must name this field (the foreign reference), not some other problem. */
  field?: string;
  /** The id that must not come back in the answer. */
  foreignId: string;
}

/** The field an id leaf fills, by name (`memberIds.0` → memberId). */
const idKey = (path: Array<string | number>): string => {
  const last = path.at(-1);
  if (typeof last === 'string') return last;
  return String(path.at(-2)).replace(/Ids$/, 'Id');
};

interface Request {
  query: string;
  body: string | undefined;
  headers: Record<string, string>;
}

/** The valid parts of a request to `def` in `org`: query, body and headers. */
function validRequest(def: RouteDef, org: Org, headers: Record<string, string>): Request {
  const q = def.querystring ? (example(def.querystring, idFor(def, org)) as Record<string, string>) : {};
  const query = Object.entries(q)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const upload = def === routes.uploadAttachment;
  return {
    query: query ? `?${query}` : '',
    body: def.body ? JSON.stringify(example(def.body, idFor(def, org))) : upload ? 'Notiz' : undefined,
    headers: { ...headers, 'content-type': upload ? 'text/plain' : 'application/json' },
  };
}

/** Every id of the route, each in turn from organisation `b`, called by someone of `a`. */
export function crossOrgCases(def: RouteDef, a: Org, b: Org, gatewaySecret: string): IdCase[] {
  const base = validRequest(def, a, authHeaders(def, a, gatewaySecret));
  const cases: IdCase[] = [];
  for (const param of (def.url.match(/:\w+/g) ?? []).map((p) => p.slice(1))) {
    const foreignId = b.ids[pathParamKind(def.url, param)];
    cases.push({
      what: `path :${param}`,
      method: def.method,
      url: pathWith(def, a, { [param]: foreignId }) + base.query,
      headers: base.headers,
      body: base.body,
      expected: [403, 404],
      foreignId,
    });
  }
  for (const part of ['body', 'querystring'] as const) {
    const schema = def[part] as z.ZodType | undefined;
    for (const leaf of schema ? leaves(schema).filter((l) => l.kind === 'id') : []) {
      const kind: IdKind = fieldKind(idKey(leaf.path));
      const foreignId = b.ids[kind];
      const value = exampleFor(schema!, leaf, idFor(def, a)) as Record<string, unknown>;
      let target = value;
      for (const k of leaf.path.slice(0, -1)) target = target[k] as Record<string, unknown>;
      target[leaf.path.at(-1)!] = foreignId;
      const field = `${part}.${leaf.path.join('.')}`;
      const query =
        part === 'querystring'
          ? `?${Object.entries(value)
              .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
              .join('&')}`
          : base.query;
      cases.push({
        what: field,
        method: def.method,
        url: pathWith(def, a) + query,
        headers: base.headers,
        body: part === 'body' ? JSON.stringify(value) : base.body,
        expected: [400, 403, 404],
        field,
        foreignId,
      });
    }
  }
  return cases;
}

/**
 * People of the same organisation who have no business with the record the route names (it is
 * not theirs, they were not alerted, it is not assigned to them), in the order tried: the first
 * one the route's roles let in is the caller. Kinds not listed are governed by role alone.
 */
const strangers: Partial<Record<IdKind, string[]>> = {
  // Anna's open alarm: neither alerted (another department, no room) nor an overview role.
  alarm: ['personal', 'datenschutz'],
  // Anna's draft report and its attachment: nobody else's to read or change.
  report: ['jonas.becker', 'personal', 'datenschutz'],
  attachment: ['jonas.becker'],
  // The debrief task of Anna's supervisor: not Anna's, not a colleague's.
  task: ['anna.schmidt', 'jonas.becker'],
};

/** The route's record of the caller's own organisation, called by a stranger to it. */
export function strangerCases(def: RouteDef, a: Org, gatewaySecret: string): IdCase[] {
  const param = def.url.match(/:(\w+)/)?.[1];
  if (!param) return [];
  const kind = pathParamKind(def.url, param);
  const who = (strangers[kind] ?? []).find((name) => mayCall(def, name));
  if (!who || callerOf(def) === null) return [];
  const headers = { ...authHeaders(def, a, gatewaySecret), cookie: a.cookies.get(who)! };
  const base = validRequest(def, a, headers);
  return [
    {
      what: `${who} on ${kind} :${param}`,
      method: def.method,
      url: pathWith(def, a) + base.query,
      headers: base.headers,
      body: base.body,
      expected: [403, 404],
      foreignId: a.ids[kind],
    },
  ];
}

/** Send one case (in-process, no socket) and say what was wrong with the answer, or null. */
export async function misanswered(server: TestServer, c: IdCase): Promise<string | null> {
  const res = await server.wachsam.app.inject({ method: c.method, url: c.url, headers: c.headers, payload: c.body });
  const text = res.body;
  const json = (() => {
    try {
      return JSON.parse(text) as { error?: { code?: string; issues?: Array<{ path: string }> } };
    } catch {
      return {};
    }
  })();
  // A 400 must be about the foreign reference: its field, or the list or object holding it.
  const namesField =
    res.statusCode !== 400 || json.error?.issues?.some((i) => c.field === i.path || c.field?.startsWith(`${i.path}.`));
  const ok = c.expected.includes(res.statusCode) && !!json.error?.code && namesField && !text.includes(c.foreignId);
  return ok ? null : `${c.what} → ${res.statusCode} ${text.slice(0, 200)}`;
}

/**
 * Every row of every table that belongs to the organisation (has its `org_id`), as text: the
 * same before and after means nothing of it was read into a change, written, held or deleted.
 */
export async function orgRows(server: TestServer, org: Org): Promise<string[]> {
  const db = server.database.db;
  const tables = await rawRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.columns
        where column_name = 'org_id' and table_schema = 'public' order by table_name`,
  );
  const rows: string[] = [];
  for (const { table_name } of tables) {
    const found = await rawRows<Record<string, unknown>>(
      db,
      sql`select * from ${sql.identifier(table_name)} where org_id = ${org.orgId}`,
    );
    rows.push(...found.map((r) => `${table_name} ${JSON.stringify(r)}`).sort());
  }
  return rows;
}

import type { z } from 'zod';
import { maxBigint } from '@wachsam/protocol';

/**
 * Reads the protocol's zod schemas the way the input tests need them: every field a client can
 * send (with its path and what kind of value it takes) and a valid example of the whole body, so
 * a test can spoil one field at a time and know that whatever the server answers is about that
 * field. Test support only: the server itself validates with the schemas, never with this.
 */

interface Check {
  _zod: { def: { check: string; maximum?: number; minimum?: number; value?: number; pattern?: RegExp } };
}

/** What the tests need to know of a zod node (zod 4 keeps it in `_zod.def`). */
interface Node {
  _zod: {
    def: {
      type: string;
      format?: string;
      checks?: Check[];
      shape?: Record<string, z.ZodType>;
      innerType?: z.ZodType;
      element?: z.ZodType;
      options?: z.ZodType[];
      entries?: Record<string, string | number>;
      values?: unknown[];
      keyType?: z.ZodType;
      valueType?: z.ZodType;
      in?: z.ZodType;
      coerce?: boolean;
    };
  };
}
const nodeOf = (s: z.ZodType): Node => s as unknown as Node;

/** Format, length and range limits of a string or number node, from its checks. */
function limitsOf(s: z.ZodType): {
  format?: string;
  patterns: string[];
  maxLength?: number;
  min?: number;
  max?: number;
} {
  const def = nodeOf(s)._zod.def;
  const out: ReturnType<typeof limitsOf> = { format: def.format, patterns: [] };
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'max_length') out.maxLength = Math.min(out.maxLength ?? Infinity, d.maximum!);
    if (d.check === 'string_format' && d.pattern) out.patterns.push(d.pattern.source);
    if (d.check === 'greater_than') out.min = d.value;
    if (d.check === 'less_than') out.max = d.value;
  }
  return out;
}

export type LeafKind =
  'text' | 'id' | 'date' | 'datetime' | 'month' | 'serial' | 'enum' | 'number' | 'boolean' | 'array';

export interface Leaf {
  /** Where the value sits: keys and, inside arrays, index 0. */
  path: Array<string | number>;
  kind: LeafKind;
  schema: z.ZodType;
  /** Longest string the schema allows, where it says so. */
  maxLength: number | undefined;
  /** Inside a union option other than the first: put an example of that option at this path first. */
  option?: { path: Array<string | number>; schema: z.ZodType };
}

const unwrapTypes = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional/nullable/default wrappers (and the input side of a pipe). */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = nodeOf(s)._zod.def;
    if (unwrapTypes.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

const isMonth = (s: z.ZodType) => limitsOf(s).patterns.some((p) => p.startsWith('^\\d{4}-(0[1-9]'));
const isSerial = (s: z.ZodType) => limitsOf(s).patterns.includes('^\\d{1,19}$');

function stringKind(schema: z.ZodType): LeafKind {
  const { format } = limitsOf(schema);
  if (format === 'uuid') return 'id';
  if (format === 'date') return 'date';
  if (format === 'datetime') return 'datetime';
  if (isMonth(schema)) return 'month';
  if (isSerial(schema)) return 'serial';
  return 'text';
}

/**
 * Every field of a schema a client fills, depth first. Unions (step targets, plan scopes) are
 * walked through every option: the example takes the first, so the fields of the others carry
 * `option`, and a test puts that option in place before it spoils the field.
 */
export function leaves(schema: z.ZodType, path: Array<string | number> = [], option?: Leaf['option']): Leaf[] {
  const s = unwrap(schema);
  const def = nodeOf(s)._zod.def;
  const leaf = (kind: LeafKind, maxLength?: number): Leaf[] => [
    { path, kind, schema: s, maxLength, ...(option ? { option } : {}) },
  ];
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, child]) => leaves(child, [...path, key], option));
    case 'array':
      return [...leaf('array'), ...leaves(def.element!, [...path, 0], option)];
    case 'union':
      return def.options!.flatMap((o, i) => leaves(o, path, option ?? (i === 0 ? undefined : { path, schema: o })));
    case 'record':
      return Object.keys(enumEntries(def.keyType!)).flatMap((key) => leaves(def.valueType!, [...path, key], option));
    case 'string':
      return leaf(stringKind(s), limitsOf(s).maxLength);
    case 'enum':
    case 'literal':
      return leaf('enum');
    case 'number':
      return leaf('number');
    case 'boolean':
      return leaf('boolean');
    default:
      return [];
  }
}

/** The example of `root` with the leaf's union option in place: the body a test spoils the leaf in. */
export function exampleFor(root: z.ZodType, leaf: Leaf, ids: (key: string) => string): unknown {
  const body = example(root, ids);
  if (!leaf.option) return body;
  const key = String(leaf.option.path.at(-1) ?? '');
  return withField(body, leaf.option.path, example(leaf.option.schema, ids, key));
}

const enumEntries = (s: z.ZodType): Record<string, string | number> => nodeOf(unwrap(s))._zod.def.entries ?? {};

/** Dates that must lie ahead (a review, a hold): a year from now. */
const futureDateKeys = new Set(['reviewAt', 'heldUntil']);
const inAYear = () => new Date(Date.now() + 365 * 24 * 3600_000).toISOString().slice(0, 10);

let logins = 0;

/** Values tried, in order, for a string field that names no id. */
const stringCandidates = [
  'Beispiel',
  '2026-01-15',
  '2026-01',
  '2026-01-15T10:00:00.000Z',
  '12345',
  'https://push.example.org/abo/1',
  'beispiel-schluessel-123456',
  'beispiel@musterstadt.example',
  'ldaps://verzeichnis.musterstadt.example:636',
  '10.1.2.30',
];

/**
 * A valid value for the schema, every optional field present and every nullable one filled, so
 * that each field can be spoiled on its own. `ids` gives a real id for a field by its name (a
 * room of the organisation for `roomId`), so the request gets past the checks of references.
 */
export function example(schema: z.ZodType, ids: (key: string) => string, key = ''): unknown {
  const s = unwrap(schema);
  const def = nodeOf(s)._zod.def;
  const limits = limitsOf(s);
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, child]) => [k, example(child, ids, k)]));
    case 'array':
      return [example(def.element!, ids, key.replace(/Ids$/, 'Id').replace(/s$/, ''))];
    case 'union':
      return example(def.options![0]!, ids, key);
    case 'record':
      return Object.fromEntries(
        Object.keys(enumEntries(def.keyType!)).map((k) => [k, example(def.valueType!, ids, k)]),
      );
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'boolean':
      return false;
    case 'number': {
      const value = Math.max(limits.min ?? 0, Math.min(limits.max ?? 1, 1));
      return def.coerce ? String(value) : value;
    }
    case 'string': {
      if (limits.format === 'uuid') return ids(key);
      if (limits.format === 'date' && futureDateKeys.has(key)) return inAYear();
      const found = stringCandidates.find((c) => s.safeParse(c).success);
      // Logins differ from each other (setup refuses one login for two accounts).
      if (found?.includes('@')) return found.replace('@', `${++logins}@`);
      return found ?? (isSerial(s) ? '1' : undefined);
    }
    default:
      return undefined;
  }
}

/** A copy of `value` with the field at `path` replaced. */
export function withField(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy: Record<string | number, unknown> = Array.isArray(value)
    ? ([...value] as unknown as Record<number, unknown>)
    : { ...(value as Record<string, unknown>) };
  copy[head!] = withField(copy[head!], rest, replacement);
  return copy;
}

/**
 * What every kind of field must refuse, named: each is put in on its own, the rest of the body
 * valid. `valid` is the field's value in the example (the spoiled strings keep it, so only the bad
 * character is wrong).
 */
export function spoilers(leaf: Leaf, valid: unknown): Array<[string, unknown]> {
  const s = typeof valid === 'string' ? valid : 'x';
  const strings: Array<[string, unknown]> = [
    ['U+0000', `${s}\u0000`],
    ['lone high surrogate', `${s}\ud800`],
    ['lone low surrogate', `\udc00${s}`],
    ['wrong type', 12345],
  ];
  switch (leaf.kind) {
    case 'text':
      return [...strings, ['over-long', 'x'.repeat((leaf.maxLength ?? 1_000_000) + 1)]];
    case 'id':
    case 'enum':
      return [...strings, ['over-long', `${s}${'a'.repeat(300)}`]];
    case 'date':
      return [...strings, ['year 0000', '0000-01-01'], ['no such day', '2026-02-30'], ['year 0001', '0001-01-01']];
    case 'datetime':
      return [...strings, ['year 0000', '0000-01-01T00:00:00Z'], ['no such day', '2026-02-30T10:00:00Z']];
    case 'month':
      return [...strings, ['year 0000', '0000-01'], ['year 0001', '0001-01'], ['month 13', '2026-13']];
    case 'serial':
      return [
        ...strings,
        ['2^63', (maxBigint + 1n).toString()],
        ['past bigint', '99999999999999999999'],
        ['negative', '-1'],
      ];
    case 'number':
      return typeof valid === 'string'
        ? [
            ['2^63', (maxBigint + 1n).toString()],
            ['negative', '-1'],
            ['not a number', 'eins'],
          ]
        : [
            ['past 2^63', 1e20],
            ['wrong type', '1'],
          ];
    case 'boolean':
      return [['wrong type', 'ja']];
    case 'array':
      return [['wrong type', 'x']];
  }
}

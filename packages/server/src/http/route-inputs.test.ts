import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ClientFrame, everyRoute, isSafeText } from '@wachsam/protocol';
import { example, exampleFor, leaves, spoilers, withField } from './schema-walk.js';

/**
 * Every field of every route's body, query and path takes only what the database and the domain
 * hold: no U+0000, no lone surrogate, a bounded length, real calendar dates in the domain's years,
 * numbers a bigint holds. Checked on the schemas themselves, so a new field that forgets the
 * protocol's `text()`, `dateOnly()`, `monthOnly()` or `serialId()` fails here the day it is added.
 */

/** Some id for every `…Id` field: the schemas only look at the form. */
const anyId = () => '6f1c1f8e-3b1a-4c57-9a51-0d0a4b1f2e33';

type Part = 'body' | 'querystring' | 'params';
const parts: Part[] = ['body', 'querystring', 'params'];
const inputs = everyRoute.flatMap(([name, def]) =>
  parts.flatMap((part) => (def[part] ? [{ name, part, schema: def[part] as z.ZodType }] : [])),
);

const at = (path: Array<string | number>) => path.join('.');

describe('the protocol refuses bad input in every field of every route', () => {
  it('knows what it is talking about: every route has inputs and every example is valid', () => {
    expect(inputs.length).toBeGreaterThan(100);
    for (const { name, part, schema } of inputs) {
      const parsed = schema.safeParse(example(schema, anyId));
      expect(parsed.error?.issues ?? [], `${name} ${part}`).toEqual([]);
    }
  });

  it.each(inputs.map((i) => [`${i.name} ${i.part}`, i] as const))('%s', (_n, { schema }) => {
    const problems: string[] = [];
    for (const leaf of leaves(schema)) {
      const base = exampleFor(schema, leaf, anyId);
      expect(schema.safeParse(base).success, `example for ${at(leaf.path)}`).toBe(true);
      const valid = leaf.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], base);
      if (leaf.kind === 'text' && leaf.maxLength === undefined) problems.push(`${at(leaf.path)}: no maximum length`);
      for (const [kind, bad] of spoilers(leaf, valid)) {
        const parsed = schema.safeParse(withField(base, leaf.path, bad));
        if (parsed.success) problems.push(`${at(leaf.path)} takes ${kind}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('realtime frames from clients too', () => {
    for (const bad of ['\u0000', '\ud800', 'x'.repeat(100)])
      expect(ClientFrame.safeParse({ kind: 'receipt', alarmId: bad }).success).toBe(false);
    expect(ClientFrame.safeParse({ kind: 'ping', at: 'jetzt' }).success).toBe(false);
  });
});

describe('isSafeText', () => {
  it('refuses U+0000 and lone surrogates, keeps every real character', () => {
    expect(isSafeText('Grüße aus Köln 👋 – ÄÖÜß')).toBe(true);
    expect(isSafeText('')).toBe(true);
    for (const bad of [
      '\u0000',
      'a\u0000b',
      '\ud800',
      'a\ud800',
      '\ud800a',
      '\udc00',
      'a\udc00b',
      '\udc00\ud800',
      '👋\ud83d',
    ])
      expect(isSafeText(bad), JSON.stringify(bad)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { de } from './de.js';
import { en } from './en.js';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** The app's source text, read by vite's glob import (no node APIs needed). */
const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('locales', () => {
  const deKeys = new Set(keys(de));
  it('English has exactly the German keys', () => {
    expect(keys(en).sort()).toEqual([...deKeys].sort());
  });

  it('every literal key used in the code exists (plural keys with _one/_other, lists as key.0 …)', () => {
    const missing: string[] = [];
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    for (const [file, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) {
        const key = m[1] as string;
        // A list read with returnObjects (month names) is flattened to key.0, key.1, …
        if (!deKeys.has(key) && !deKeys.has(`${key}_one`) && !deKeys.has(`${key}.0`)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

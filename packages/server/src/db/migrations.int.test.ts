import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));

describe('migrations', () => {
  it('agree with the schema: generating from the schema adds no migration', () => {
    const out = mkdtempSync(join(tmpdir(), 'wachsam-migrations-'));
    try {
      cpSync(join(serverDir, 'migrations'), out, { recursive: true });
      const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
      const log = execFileSync(
        'npx',
        [
          'drizzle-kit',
          'generate',
          '--dialect=postgresql',
          '--schema=src/db/schema.ts',
          `--out=${relative(serverDir, out)}`,
        ],
        {
          cwd: serverDir,
          encoding: 'utf8',
        },
      );
      const after = readdirSync(out).filter((f) => f.endsWith('.sql'));
      expect(log).toMatch(/No schema changes/);
      expect(after, log).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

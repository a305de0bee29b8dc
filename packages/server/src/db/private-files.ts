import { chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The server's files hold person data (the embedded database, the register log key, the folder
 * lock): readable by its own user only. `umask(0o077)` makes everything the process creates from
 * now on 0600/0700 (PGlite's files included, which Emscripten creates 0666/0777); worker threads
 * cannot change the umask and keep their own.
 */
export function privateUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    // A worker thread: the files made below are still tightened by `makePrivate`.
  }
}

/** Tighten a folder made before (an older version, a copied template): folders 0700, files 0600. */
export function makePrivate(dir: string): void {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) makePrivate(path);
    else if (e.isFile()) chmodSync(path, 0o600);
  }
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client.js';
import { registerLogHeads } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { rekeyLegacyChains } from './chain.js';

/**
 * The key of the register's access-log chain (HMAC-SHA256, 32 random bytes as hex in a file).
 * It lives OUTSIDE the database (`REGISTER_LOG_KEY_FILE`, default `<DATA_DIR>/register-log.key`;
 * move it to a place the database's administrators cannot read): whoever holds only the database
 * can delete or change rows, but cannot write a row, prune record or head that verifies.
 */
export class LogKeyError extends Error {}

/** Read the key file; throws `LogKeyError` with what is wrong (the CLI prints it). */
export function readLogKey(path: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LogKeyError(
      code === 'ENOENT'
        ? `Schlüsseldatei des Zugriffsprotokolls fehlt: ${path}`
        : `Schlüsseldatei des Zugriffsprotokolls nicht lesbar (${code ?? 'Fehler'}): ${path}`,
    );
  }
  if (!/^[0-9a-f]{64}$/i.test(text))
    throw new LogKeyError(`Schlüsseldatei des Zugriffsprotokolls ungültig (erwartet 64 Hex-Zeichen): ${path}`);
  return Buffer.from(text, 'hex');
}

/** The key as the server holds it: present, or the reason every register access is refused (503). */
export class RegisterLogKey {
  private constructor(
    private readonly key: Buffer | null,
    readonly problem: string | null,
  ) {}

  static available(key: Buffer): RegisterLogKey {
    return new RegisterLogKey(key, null);
  }

  static unavailable(problem: string): RegisterLogKey {
    return new RegisterLogKey(null, problem);
  }

  /**
   * The key, or `register_log_unavailable` (503): without it no access can be logged, and an
   * access that cannot be logged does not happen.
   */
  require(): Buffer {
    if (this.key) return this.key;
    throw new AppError(
      'register_log_unavailable',
      'Das Zugriffsprotokoll des Registers ist nicht verfügbar (Schlüsseldatei fehlt oder ist nicht lesbar); Registerzugriffe sind gesperrt. Bitte die Administration verständigen.',
    );
  }
}

/**
 * At start: read the key; when the file is missing and no organisation's chain is keyed yet (first
 * start, or the first start after the upgrade to keyed logs), create it (0600, its folder 0700)
 * and re-key the legacy chains. A missing key with keyed chains in the database is NOT replaced:
 * a new key would make the whole log unverifiable, so the register stays closed until the
 * operator restores the file. Legacy chains without a head are re-keyed at every start
 * (`rekeyLegacyChains`: only when they verify the old way).
 */
export async function openLogKey(path: string, db: Db, log: FastifyBaseLogger, now: Date): Promise<RegisterLogKey> {
  let key: Buffer;
  try {
    key = readLogKey(path);
  } catch (err) {
    if (!(err instanceof LogKeyError)) throw err;
    let missing = false;
    try {
      statSync(path);
    } catch (e) {
      missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    if (!missing || (await db.select({ orgId: registerLogHeads.orgId }).from(registerLogHeads).limit(1)).length) {
      const problem = missing
        ? `${err.message} (das Protokoll ist bereits mit einem Schlüssel verkettet)`
        : err.message;
      log.error({ path }, `register access log unavailable: ${problem}`);
      return RegisterLogKey.unavailable(problem);
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
      log.warn({ path }, 'register access log key created: keep a copy outside the database server');
    } catch (e) {
      // Another instance created it at the same moment: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    key = readLogKey(path);
  }
  for (const b of await rekeyLegacyChains(db, key, now))
    log.error(b, 'legacy register access log does not verify; left unkeyed for the data-protection officer');
  return RegisterLogKey.available(key);
}

import { setPasswordHashCost } from '../auth/passwords.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { FolderLockedError } from '../db/folder-lock.js';
import { AppError } from '../http/errors.js';
import { Interrupted } from './prompt.js';

/** Exit codes of every `wachsam` command. */
export const exitCodes = { ok: 0, refused: 1, badInput: 2, locked: 3 } as const;

export type Print = (line: string) => void;

/**
 * Run a command against the database the server uses (DATABASE_URL, else PGlite in DATA_DIR,
 * migrated like at a server start), under the same folder lock: with PGlite a running server
 * and a command never open the folder together. Failures the operator can act on become a
 * message and an exit code, never a stack trace.
 */
export async function withDatabase(
  env: Record<string, string | undefined>,
  print: Print,
  command: (database: Database, config: Config) => Promise<number>,
): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print(err.message);
    return exitCodes.badInput;
  }
  setPasswordHashCost(config.passwordHashCost);
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    if (!(err instanceof FolderLockedError)) throw err;
    print(err.message);
    print('Den Server beenden und den Befehl wiederholen. / Stop the server and run the command again.');
    return exitCodes.locked;
  }
  try {
    return await command(database, config);
  } catch (err) {
    if (err instanceof Interrupted) {
      print(err.message);
      return exitCodes.refused;
    }
    if (err instanceof AppError) {
      print(`${err.message} (${err.code})`);
      return err.code === 'validation_failed' ? exitCodes.badInput : exitCodes.refused;
    }
    throw err;
  } finally {
    await database.close();
  }
}

/** `--flag value` or the environment variable, flag first; empty counts as missing. */
export const given = (flag: string | undefined, env: string | undefined): string | null =>
  flag?.trim() || env?.trim() || null;

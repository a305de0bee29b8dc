#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { verifyChain } from './chain.js';

/**
 * `npm run register:verify-log [orgId]`: check the register's access-log hash chain in the
 * database the server uses (DATABASE_URL, else PGlite in DATA_DIR). Exit 0 when intact, 1 when
 * broken (naming the first broken row), 2 when the configuration or database cannot be opened.
 * Stop the server first when it runs on PGlite: an embedded database has one process at a time.
 */
export async function main(
  args: string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
  print: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      print(err.message);
      return 2;
    }
    throw err;
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const result = await verifyChain(database.db, args[0]);
    if (result.ok) {
      print(`Zugriffsprotokoll intakt: ${result.checked} Einträge geprüft.`);
      print(`Access log intact: ${result.checked} entries checked.`);
      return 0;
    }
    const b = result.firstBroken!;
    print(
      `Zugriffsprotokoll GEBROCHEN: erster fehlerhafter Eintrag seq ${b.seq} (Organisation ${b.orgId}): ${b.reason}`,
    );
    print(`Access log BROKEN: first broken entry seq ${b.seq} (organisation ${b.orgId}).`);
    return 1;
  } finally {
    await database.close();
  }
}

const invokedDirectly = process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly)
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`Prüfung fehlgeschlagen / check failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );

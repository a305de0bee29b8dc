#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { anchorValid, verifyChain, type Anchor } from './chain.js';
import { LogKeyError, readLogKey } from './log-key.js';

/**
 * `npm run register:verify-log [-- [orgId] [--anchor FILE]...]`: check the register's access-log
 * chains in the database the server uses (DATABASE_URL, else PGlite in DATA_DIR) with the key in
 * REGISTER_LOG_KEY_FILE: every organisation the installation knows, each chain against its keyed
 * head, and with `--anchor` (repeatable) against the anchors the data-protection officer downloaded.
 * Exit 0 when intact, 1 when broken (naming the first broken row) or an anchor is not genuine,
 * 2 when the configuration, key, anchor file or database cannot be read. Stop the server first
 * when it runs on PGlite: an embedded database has one process at a time.
 */
export async function main(
  args: string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
  print: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  let config;
  let key: Buffer;
  const anchorFiles: string[] = [];
  let orgId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--anchor') {
      const file = args[++i];
      if (!file) {
        print('--anchor braucht eine Datei / --anchor needs a file');
        return 2;
      }
      anchorFiles.push(file);
    } else if (a.startsWith('--anchor=')) anchorFiles.push(a.slice('--anchor='.length));
    else orgId = a;
  }
  try {
    config = loadConfig(env);
    key = readLogKey(config.registerLogKeyFile);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof LogKeyError) {
      print(err.message);
      return 2;
    }
    throw err;
  }
  const anchors: Anchor[] = [];
  for (const file of anchorFiles) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      print(`Anker nicht lesbar / anchor unreadable: ${file} (${err instanceof Error ? err.message : String(err)})`);
      return 2;
    }
    if (!anchorValid(key, parsed)) {
      print(`Anker UNGÜLTIG: ${file} ist nicht mit dem Schlüssel dieser Installation signiert oder verändert.`);
      print(`Anchor INVALID: ${file} was not signed with this installation's key or was changed.`);
      return 1;
    }
    anchors.push(parsed);
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const result = await verifyChain(database.db, key, { orgId, anchors });
    if (result.ok) {
      const against = anchors.length ? `, gegen ${anchors.length} Anker` : '';
      print(`Zugriffsprotokoll intakt: ${result.checked} Einträge geprüft${against}.`);
      print(
        `Access log intact: ${result.checked} entries checked${anchors.length ? `, against ${anchors.length} anchor(s)` : ''}.`,
      );
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

#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWachsam, type Wachsam } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { FolderLockedError } from './db/folder-lock.js';
import { demoPassword, seedDemo } from './org/demo.js';
import { seedDemoStatistics } from './stats/demo.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

let wachsam: Wachsam;
try {
  wachsam = await createWachsam(config);
} catch (err) {
  // A second process on the same embedded database is refused before it touches anything.
  if (err instanceof FolderLockedError) {
    console.error(err.message);
    process.exit(3);
  }
  throw err;
}
const url = await wachsam.listen();
const publicUrl = config.publicUrl ?? url;
const dataDir = resolve(config.dataDir);

const demo = config.demo ? await seedDemo(wachsam.database.db, { dataDir, publicUrl }) : null;
// Sample anonymous statistics, so the Lagebild of a fresh demo is not empty (only at first start).
if (demo) await seedDemoStatistics(wachsam.database.db, 'musterstadt', new Date());
// A fresh database without the demo: the one-time web setup opens with a code printed here only.
const setupCode = await wachsam.openSetup();
wachsam.markReady();
const lines = [
  '',
  `Wachsam läuft: ${publicUrl}`,
  `Datenbank: ${wachsam.database.kind === 'pglite' ? `PGlite in ${dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
  `API-Beschreibung: ${publicUrl}/api/openapi.json`,
];
if (demo) {
  lines.push('', `Demo-Organisation angelegt. Anmeldungen (Passwort für alle: ${demoPassword}):`);
  for (const d of demo) lines.push(`  ${d.login.padEnd(40)} ${d.role}`);
  // The agent built next to this server (the repository's quick start), called by its path: a
  // command that works from any folder and never fetches a package by that name from the registry.
  const agentCli = fileURLToPath(new URL('../../agent/dist/cli.js', import.meta.url));
  const agent = existsSync(agentCli) ? `node ${agentCli}` : 'wachsam-agent';
  lines.push('', `Demo-Arbeitsplatz: WACHSAM_AGENT_DIR=${resolve(dataDir, 'demo-agent')} ${agent} trigger`);
}
if (setupCode) {
  lines.push(
    '',
    'Noch keine Organisation eingerichtet. Ersteinrichtung (einmalig) / No organisation yet. First-run setup (once):',
    `  im Browser / in the browser:   ${publicUrl}/einrichtung#${setupCode}`,
    `  Einrichtungscode / setup code: ${setupCode}`,
    '  (gilt nur für diesen Serverprozess und nur bis zur Einrichtung / valid for this server process until set up)',
    `  oder auf dem Server / or on the server: npm run setup${wachsam.database.kind === 'pglite' ? ' (Server vorher beenden / stop the server first)' : ''}`,
  );
}
console.log(lines.join('\n') + '\n');

const stop = async (signal: string) => {
  wachsam.app.log.info({ signal }, 'shutting down');
  await wachsam.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

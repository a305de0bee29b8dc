#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exitCodes } from './cli/database.js';
import { grantRoleCommand, operatorUsage, resetPasswordCommand } from './cli/operator.js';
import { setupCommand, setupUsage } from './cli/setup.js';

const usage = `wachsam <Befehl> – Befehle für den Betrieb des Servers (gleiche Datenbank-Einstellungen wie der Server)

wachsam setup                             Ersteinrichtung (einmalig), siehe wachsam setup --help
${operatorUsage}`;

/** `wachsam <command>`: the operator's commands, against the database the server uses. */
export async function main(
  argv: string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
  out: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'setup':
      return setupCommand(args, env, out);
    case 'reset-password':
      return resetPasswordCommand(args, env, out);
    case 'grant-role':
      return grantRoleCommand(args, env, out);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(usage);
      return command === undefined ? exitCodes.badInput : exitCodes.ok;
    default:
      out(`Unbekannter Befehl / unknown command: ${command}\n\n${usage}\n\n${setupUsage}`);
      return exitCodes.badInput;
  }
}

const invokedDirectly = process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly)
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`Fehlgeschlagen / failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );

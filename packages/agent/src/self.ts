import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The agent version, printed by `wachsam-agent version` (kept equal to package.json by a test:
 * the single executable has no package.json next to it to read at run time).
 */
export const agentVersion = '0.1.0';

/**
 * How the agent starts itself again: the background sender after a pending alarm, and the
 * desktop icon, Ctrl+Alt+H and autostart entries that `install-shortcuts` writes.
 *
 * - As a Node script: `node …/dist/cli.js` (the script next to this module).
 * - As a single executable (Node SEA, `wachsam-agent.exe`): the executable itself, with no
 *   script. Passing a script path there would run the agent with a stray argument (and there is
 *   no cli.js next to the .exe), so a pending alarm would have no sender and the icons would
 *   do nothing.
 */
export interface SelfCommand {
  program: string;
  /** Arguments before the agent's own (the script path; empty for the single executable). */
  prefix: string[];
}

export function selfCommand(
  sea: boolean = isSingleExecutable(),
  execPath: string = process.execPath,
  script: () => string = cliScript,
): SelfCommand {
  return sea ? { program: execPath, prefix: [] } : { program: execPath, prefix: [script()] };
}

/**
 * True inside a single executable. `node:sea` exists from Node 20.12 on; `getBuiltinModule`
 * reads it the same way from the ESM build and the CommonJS bundle inside the executable.
 */
export function isSingleExecutable(): boolean {
  try {
    return process.getBuiltinModule('node:sea').isSea();
  } catch {
    return false;
  }
}

/** The built script (dist/cli.js). The bundler maps `import.meta.url` to the bundle's own file. */
function cliScript(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'cli.js');
}

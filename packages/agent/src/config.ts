import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentConfigFile, agentConfigFileName, EventId, Id, Timestamp } from '@wachsam/protocol';
import { isErrno, writeFileDurably } from './fsutil.js';

/**
 * The agent's folder: `$WACHSAM_AGENT_DIR`, else `%APPDATA%\Wachsam` on Windows, else
 * `$XDG_CONFIG_HOME/wachsam` or `~/.config/wachsam`. It holds `agent.json` (enrolment, secret
 * token), `state.json` (resume point, last function test) and the alarm outbox.
 */
export function agentDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.WACHSAM_AGENT_DIR) return env.WACHSAM_AGENT_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Wachsam');
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'wachsam');
  return join(home, '.config', 'wachsam');
}

/** A problem with the agent's files, with a German message a person can act on. */
export class AgentConfigError extends Error {
  constructor(
    readonly code: 'not_enrolled' | 'config_invalid',
    message: string,
  ) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

export function configPath(dir: string): string {
  return join(dir, agentConfigFileName);
}

export async function readConfig(dir: string): Promise<AgentConfigFile> {
  const path = configPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new AgentConfigError(
        'not_enrolled',
        `Dieser PC ist nicht registriert (${path} fehlt). Registrieren: wachsam-agent enroll --server URL --code CODE`,
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AgentConfigError('config_invalid', `${path} ist kein gültiges JSON. Bitte neu registrieren.`);
  }
  const parsed = AgentConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(Wurzel)'}: ${issue.message}` : '';
    throw new AgentConfigError('config_invalid', `${path} ist ungültig (${where}). Bitte neu registrieren.`);
  }
  return parsed.data;
}

/** agent.json holds the device's secret token: only the user may read it (mode 0600). */
export async function writeConfig(dir: string, config: AgentConfigFile): Promise<string> {
  const path = configPath(dir);
  await writeFileDurably(path, JSON.stringify(AgentConfigFile.parse(config), null, 2) + '\n', 0o600);
  return path;
}

/** What the agent remembers between runs. Losing it is harmless: no alarm lives here. */
export const AgentState = z.object({
  /** Resume point of the realtime stream. */
  lastEventId: EventId.nullable().default(null),
  lastFunctionTest: z
    .object({ at: Timestamp, result: z.enum(['passed', 'failed']), detail: z.string(), reported: z.boolean() })
    .nullable()
    .default(null),
  deviceId: Id.nullable().default(null),
});
export type AgentState = z.infer<typeof AgentState>;

const stateFileName = 'state.json';

export async function readState(dir: string): Promise<AgentState> {
  try {
    const parsed = AgentState.safeParse(JSON.parse(await readFile(join(dir, stateFileName), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Missing or unreadable state only means: start the stream fresh, no last test known.
  }
  return AgentState.parse({});
}

export async function writeState(dir: string, state: AgentState): Promise<void> {
  await writeFileDurably(join(dir, stateFileName), JSON.stringify(state, null, 2) + '\n', 0o600);
}

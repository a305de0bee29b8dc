#!/usr/bin/env node
import { exitCodes, parseCli, usage, type Command, type ExitCode } from './args.js';
import { drain, enroll, installShortcuts, status, trigger } from './commands.js';
import { AgentConfigError, agentDir, readConfig } from './config.js';
import { acquireRunLock } from './lock.js';
import { DesktopNotifier } from './notify.js';
import { Agent } from './run.js';
import { agentVersion } from './self.js';

async function runAgent(options: { functionTest: boolean }): Promise<ExitCode> {
  const dir = agentDir();
  const config = await readConfig(dir);
  const lock = await acquireRunLock(dir);
  if (!lock.ok) {
    process.stderr.write(`Der Agent läuft bereits (PID ${lock.pid}).\n`);
    return exitCodes.error;
  }
  const agent = await Agent.start({
    dir,
    config,
    notifier: new DesktopNotifier(),
    functionTestAtStart: options.functionTest,
  });
  const stop = () => void agent.stop(exitCodes.ok);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await agent.run();
  } finally {
    await lock.release();
  }
}

async function main(command: Command): Promise<ExitCode> {
  switch (command.command) {
    case 'help':
      process.stdout.write(usage + '\n');
      return exitCodes.ok;
    case 'version':
      process.stdout.write(`wachsam-agent ${agentVersion}\n`);
      return exitCodes.ok;
    case 'enroll':
      return enroll(command);
    case 'trigger':
      return trigger(command);
    case 'run':
      return runAgent(command);
    case 'drain':
      return drain(command);
    case 'status':
      return status();
    case 'install-shortcuts':
      return installShortcuts(command);
  }
}

const parsed = parseCli(process.argv.slice(2));
if (parsed.command === 'error') {
  process.stderr.write(`${parsed.message}\n\n${usage}\n`);
  process.exit(exitCodes.usage);
}
main(parsed).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AgentConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(exitCodes.notEnrolled);
    }
    process.stderr.write(`Fehler: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(exitCodes.error);
  },
);

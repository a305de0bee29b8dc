import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentVersion, isSingleExecutable, selfCommand } from './self.js';

describe('how the agent starts itself again', () => {
  it('as a Node script: node and the script', () => {
    expect(selfCommand(false, '/usr/bin/node', () => '/opt/agent/dist/cli.js')).toEqual({
      program: '/usr/bin/node',
      prefix: ['/opt/agent/dist/cli.js'],
    });
  });

  it('as the single executable: the executable alone, without asking for a script path', () => {
    const script = () => {
      throw new Error('no script inside the executable');
    };
    expect(selfCommand(true, 'C:\\Program Files\\Wachsam\\wachsam-agent.exe', script)).toEqual({
      program: 'C:\\Program Files\\Wachsam\\wachsam-agent.exe',
      prefix: [],
    });
  });

  it('is not a single executable under plain Node, and then re-runs dist/cli.js', () => {
    expect(isSingleExecutable()).toBe(false);
    expect(selfCommand().prefix[0]).toMatch(/[/\\]cli\.js$/);
  });
});

describe('the agent version', () => {
  it('is the one in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(agentVersion).toBe(pkg.version);
  });
});

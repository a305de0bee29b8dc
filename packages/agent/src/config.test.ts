import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentConfigFile } from '@wachsam/protocol';
import { agentDir, readConfig, readState, writeConfig, writeState } from './config.js';

describe('agentDir', () => {
  it('prefers WACHSAM_AGENT_DIR', () => {
    expect(agentDir({ WACHSAM_AGENT_DIR: '/x' }, 'linux', '/home/a')).toBe('/x');
  });
  it('uses %APPDATA%\\Wachsam on Windows', () => {
    expect(agentDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a')).toMatch(
      /Roaming[\\/]Wachsam$/,
    );
  });
  it('uses XDG_CONFIG_HOME, else ~/.config', () => {
    expect(agentDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/a')).toBe('/cfg/wachsam');
    expect(agentDir({}, 'linux', '/home/a')).toBe('/home/a/.config/wachsam');
  });
});

const config: AgentConfigFile = {
  version: 1,
  server: 'http://localhost:3000',
  enrolment: {
    deviceId: '5b1f8d5e-3c1a-4a77-9d2e-1c3f1e1b2a11',
    token: 'secret',
    organisation: { id: '5b1f8d5e-3c1a-4a77-9d2e-1c3f1e1b2a12', slug: 'koeln', name: 'Stadt Köln' },
    workstation: { name: 'Platz 1', room: '101', floor: '1. OG', building: 'Rathaus' },
    person: null,
  },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wachsam-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('agent.json', () => {
  it('round-trips and is readable by the user only', async () => {
    const path = await writeConfig(dir, config);
    expect(await readConfig(dir)).toEqual(config);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('says how to enrol when it is missing', async () => {
    await expect(readConfig(dir)).rejects.toMatchObject({ code: 'not_enrolled' });
  });

  it('names the broken field', async () => {
    await writeFile(join(dir, 'agent.json'), JSON.stringify({ ...config, server: 'nope' }));
    await expect(readConfig(dir)).rejects.toThrow(/server/);
  });
});

describe('state.json', () => {
  it('starts empty and round-trips', async () => {
    expect(await readState(dir)).toEqual({ lastEventId: null, lastFunctionTest: null, deviceId: null });
    const state = {
      lastEventId: '12',
      lastFunctionTest: { at: new Date().toISOString(), result: 'passed' as const, detail: 'ok', reported: true },
      deviceId: config.enrolment.deviceId,
    };
    await writeState(dir, state);
    expect(await readState(dir)).toEqual(state);
  });
});

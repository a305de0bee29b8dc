/**
 * The whole alarm path as people use it (issue 2, "End to end"): the server on PostgreSQL, the
 * built agent's `trigger` on the demo workstation, the security desk's console in headless
 * Chromium showing the alarm with every field, "Ich komme" clicked there, and the sender's
 * agent (`run`) telling the sender discreetly who is coming.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@wachsam/server/testing';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  loginViaForm,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';

const cli = new URL('../packages/agent/dist/cli.js', import.meta.url).pathname;

function agent(dir: string, args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, WACHSAM_AGENT_DIR: dir, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('alarm path: agent trigger → console in Chromium → feedback on the agent', () => {
  let server: TestServer;
  let browser: Browser;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await browser?.close();
    await server?.close();
  });

  it('the desk sees every field, answers, and the sender learns who is coming', async () => {
    assertWebBuilt();
    server = await startTestServer({ backend: 'postgres', timers: true });
    browser = await launchBrowser();
    const dir = join(server.dataDir, 'demo-agent');

    // The sender's PC runs the agent, as autostart would.
    const run = agent(dir, ['run', '--no-function-test']);
    children.push(run);

    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })
    ).newPage();
    const errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, 'pforte@musterstadt.example', server.demoPassword);
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();

    // Ctrl+Alt+H on Anna's PC runs exactly this.
    const trigger = agent(dir, ['trigger', '--source', 'hotkey', '--no-background']);
    const code = await new Promise<number | null>((r) => trigger.on('exit', r));
    expect(code, trigger.output()).toBe(0);

    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor({ timeout: 10_000 });
    const text = (await dialog.textContent()) ?? '';
    for (const field of [
      'Anna Schmidt',
      'Rathaus',
      'Erdgeschoss',
      'E.01 Bürgerbüro Schalter 1',
      'PC-BB-01',
      'Strg+Alt+H',
      'Stufe 1 von 3',
    ]) {
      expect(text).toContain(field);
    }
    expect(text).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(await dialog.getByRole('link', { name: /555-100/ }).getAttribute('href')).toMatch(/^tel:\+?49/);
    expect(text).not.toContain('TEST');
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'wachsam-e2e-alert');

    await dialog.getByRole('button', { name: 'Ich komme' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The sender's screen: discreet, with the name of who is on the way.
    await until('feedback on the agent', () => /1 unterwegs \(Petra Hoffmann\)/.test(run.output()));
    expect(errors).toEqual([]);
  });
});

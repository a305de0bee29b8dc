import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Debian Chromium; never a downloaded browser. `extraArgs` for what a test is about
 * (an autoplay policy, a host name mapped to the test server).
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} fehlt: apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** The console is served from packages/web/dist by the server: it must be built first. */
export function assertWebBuilt(): void {
  const index = fileURLToPath(new URL('../../packages/web/dist/index.html', import.meta.url));
  if (!existsSync(index)) throw new Error('packages/web/dist fehlt: npm run build -w @wachsam/web');
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Accessibility findings of impact serious or critical on the current page (should be none). */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/**
 * Errors the page logged (CSP violations show up here). A 401 is expected once: the app asks
 * `GET /api/auth/me` to find out whether someone is logged in.
 */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().includes('status of 401')) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Log in through the login form like a person would. */
export async function loginViaForm(page: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Anmeldename').fill(login);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('button', { name: 'Abmelden' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/${name}.png`, fullPage: true });
}

/**
 * Accounts in the browser (issue 9, row 9): a person changes their own password under "Mein
 * Konto" and their other session ends; a register role granted by the administrator waits until
 * the data-protection officer confirms it under "Freigaben".
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '@wachsam/server/testing';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  loginViaForm,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';

const login = (name: string) => `${name}@musterstadt.example`;

describe('accounts in the console', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function loggedIn(name: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, login(name), server.demoPassword);
    return { page, errors };
  }

  it('a person changes their own password under Mein Konto; their other session ends and says why, this one stays', async () => {
    const { page, errors } = await loggedIn('jonas.becker');
    const { page: other } = await loggedIn('jonas.becker');
    await other.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();

    await page.getByRole('link', { name: 'Mein Konto: Jonas Becker' }).click();
    await page.getByRole('heading', { name: 'Mein Konto', level: 1 }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    const form = page.getByRole('form', { name: 'Passwort ändern' });
    // Wrong current password: refused, named at the field.
    await form.getByLabel('Bisheriges Passwort').fill('falsch-geraten');
    await form.getByLabel('Neues Passwort (mindestens 10 Zeichen)').fill('Jonas-neu-2025');
    await form.getByLabel('Neues Passwort wiederholen').fill('Jonas-neu-2025');
    await form.getByRole('button', { name: 'Passwort ändern' }).click();
    await form.getByRole('alert').filter({ hasText: 'Das bisherige Passwort ist falsch' }).waitFor();
    expect(await form.getByLabel('Bisheriges Passwort').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Bisheriges Passwort').fill(server.demoPassword);
    await form.getByRole('button', { name: 'Passwort ändern' }).click();
    await page.getByRole('status').filter({ hasText: 'Passwort geändert' }).waitFor();
    await screenshot(page, 'account-password-changed');

    // The other browser is logged out and told why.
    await other.getByRole('heading', { name: 'Anmelden' }).waitFor({ timeout: 20_000 });
    await other.getByText('Ihr Passwort wurde geändert – bitte neu anmelden.').waitFor();
    // This one stays logged in and connected.
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();
    expect(await page.getByRole('button', { name: 'Abmelden' }).count()).toBe(1);
    await loginViaForm(other, server.url, login('jonas.becker'), 'Jonas-neu-2025');
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    await page.context().close();
    await other.context().close();
  });

  it('a register role granted by the administrator waits for the data-protection officer, who confirms it under Freigaben', async () => {
    const { page: admin, errors } = await loggedIn('it');
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByRole('link', { name: 'Personen', exact: true }).click();
    await admin.getByText(/werden erst wirksam, wenn eine zweite Person/).waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'Thomas Klein' });
    await row.getByRole('button', { name: 'Bearbeiten' }).click();
    const form = admin.getByRole('form', { name: 'Bearbeiten' });
    await form.getByRole('checkbox', { name: 'Abfragende Stelle' }).check();
    await form.getByRole('button', { name: 'Speichern' }).click();
    await row.getByText('Abfragende Stelle (wartet auf Freigabe)').waitFor();
    // No password button for a person with a four-eyes role, nor for oneself.
    expect(
      await admin
        .getByRole('row')
        .filter({ hasText: 'Ingrid Peters' })
        .getByRole('button', { name: 'Passwort setzen' })
        .count(),
    ).toBe(0);
    expect(
      await admin
        .getByRole('row')
        .filter({ hasText: 'Bernd Lange' })
        .getByRole('button', { name: 'Passwort setzen' })
        .count(),
    ).toBe(0);

    await admin.getByRole('link', { name: 'Freigaben', exact: true }).click();
    const request = admin.getByRole('row').filter({ hasText: 'Thomas Klein' });
    await request.getByText('Ihr eigener Antrag oder einer für Sie: eine zweite Person entscheidet.').waitFor();
    expect(await request.getByRole('button', { name: /freigeben/ }).count()).toBe(0);
    expect(await seriousAxeFindings(admin)).toEqual([]);
    await screenshot(admin, 'four-eyes-requested');

    const { page: dpo } = await loggedIn('datenschutz');
    await dpo.getByRole('link', { name: 'Administration' }).click();
    await dpo.getByRole('heading', { name: 'Freigaben', level: 2 }).waitFor();
    // The data-protection officer sees only this section of the administration.
    expect(await dpo.getByRole('link', { name: 'Personen', exact: true }).count()).toBe(0);
    await dpo.getByRole('button', { name: 'Abfragende Stelle für Thomas Klein freigeben' }).click();
    await dpo.getByRole('status').filter({ hasText: 'Freigegeben: Abfragende Stelle für Thomas Klein.' }).waitFor();
    await dpo.getByText('Keine offenen Anträge.').waitFor();
    await screenshot(dpo, 'four-eyes-confirmed');

    const adminCookie = await server.login(login('it'));
    const people = (await api(server.url, 'GET', '/api/admin/people', { cookie: adminCookie })).body as Array<{
      lastName: string;
      roles: string[];
    }>;
    expect(people.find((p) => p.lastName === 'Klein')?.roles).toContain('lookup');
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    await admin.context().close();
    await dpo.context().close();
  });
});

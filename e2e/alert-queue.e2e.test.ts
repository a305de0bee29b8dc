import { randomUUID } from 'node:crypto';
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

/**
 * The receiver's full-screen alert with several alarms waiting: every alarm opens from a clean
 * state (no all-clear form or "Fehlalarm" carried over from the one before), a failed answer
 * says so and never hides the other alarms, and a press that waited in an outbox shows both its
 * press time and its arrival time.
 */

/** A time as the console shows it: with the date when it is not today. */
const at = String.raw`(\d{2}\.\d{2}\.\d{4}, )?\d{2}:\d{2}:\d{2}`;
describe('full-screen alert with alarms queued', () => {
  let server: TestServer;
  let browser: Browser;
  const pforte = 'pforte@musterstadt.example';

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function raiseAs(login: string, triggeredAt?: Date): Promise<string> {
    const cookie = await server.login(login);
    const res = await api(server.url, 'POST', '/api/alarms', {
      cookie,
      headers: { 'idempotency-key': randomUUID() },
      body: { source: 'console', ...(triggeredAt ? { triggeredAt: triggeredAt.toISOString() } : {}) },
    });
    expect(res.status).toBe(201);
    return res.body.alarm.id as string;
  }

  async function deskPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'de-DE' });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, pforte, server.demoPassword);
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();
    return { page, errors };
  }

  it('opens each alarm clean; a failed answer is said and the other alarm stays one click away', async () => {
    const { page, errors } = await deskPage();
    // Anna's press waited 2½ minutes in an outbox before it arrived.
    const annaId = await raiseAs('anna.schmidt@musterstadt.example', new Date(Date.now() - 150_000));
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Anna Schmidt braucht Hilfe', { exact: false }).waitFor({ timeout: 10_000 });
    const claudiaId = await raiseAs('claudia.hartmann@musterstadt.example');
    await dialog.getByRole('heading', { name: 'Ein weiterer Alarm wartet' }).waitFor({ timeout: 10_000 });
    const openClaudia = dialog.getByRole('button', { name: /^Öffnen: Claudia Hartmann – E\.02/ });
    await openClaudia.waitFor();
    // Press time and arrival time, because they are minutes apart.
    // Times of another day than today carry the date (a run across midnight).
    await dialog.getByText(new RegExp(`^Ausgelöst ${at} · eingegangen ${at}$`)).waitFor();

    // The database is briefly away: "Ich komme" gets a 503 with the server's own error body.
    await page.route(`**/api/alarms/${annaId}/respond`, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'service_unavailable', message: 'Der Dienst ist kurz nicht verfügbar.' },
        }),
      }),
    );
    await dialog.getByRole('button', { name: 'Ich komme' }).click();
    await dialog
      .getByRole('alert')
      .filter({
        hasText: '„Ich komme“ wurde nicht übermittelt: Der Dienst ist kurz nicht verfügbar – bitte erneut versuchen.',
      })
      .waitFor();
    // Still Anna's alarm on screen, nothing recorded, the other alarm listed.
    await dialog.getByText('Anna Schmidt braucht Hilfe', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Ich komme' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'wachsam-alert-queue-error');

    // The other alarm opens at once and carries nothing over (no error, no form).
    await openClaudia.click();
    await dialog.getByText('Claudia Hartmann braucht Hilfe', { exact: false }).waitFor();
    expect(await dialog.getByRole('alert').count()).toBe(0);
    // A bare 500 (no Wachsam body) from something in between is said too.
    await page.route(`**/api/alarms/${claudiaId}/respond`, (route) => route.fulfill({ status: 500, body: 'oops' }));
    await dialog.getByRole('button', { name: 'Polizei verständigt' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: '„Polizei verständigt“ wurde nicht übermittelt: Unerwartete Antwort des Servers (HTTP 500)' })
      .waitFor();
    await page.unroute(`**/api/alarms/${claudiaId}/respond`);

    // Back to Anna: the all-clear as false alarm.
    await dialog.getByRole('button', { name: /^Öffnen: Anna Schmidt/ }).click();
    await dialog.getByText('Anna Schmidt braucht Hilfe', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Entwarnung', exact: true }).click();
    await dialog.getByLabel('Fehlalarm').check();
    await dialog.getByRole('button', { name: 'Entwarnung geben' }).click();

    // Claudia's alarm takes the screen: the form is closed and no outcome is chosen.
    await dialog.getByText('Claudia Hartmann braucht Hilfe', { exact: false }).waitFor();
    const resolve = dialog.getByRole('button', { name: 'Entwarnung', exact: true });
    expect(await resolve.getAttribute('aria-expanded')).toBe('false');
    expect(await dialog.getByLabel('Fehlalarm').count()).toBe(0);
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(await dialog.getByRole('heading', { name: /weitere/ }).count()).toBe(0);
    await resolve.click();
    expect(await dialog.getByLabel('Fehlalarm').isChecked()).toBe(false);
    expect(await dialog.getByLabel('Echter Alarm').isChecked()).toBe(false);
    // Giving the all-clear without an outcome is refused here, not guessed.
    await dialog.getByRole('button', { name: 'Entwarnung geben' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Bitte das Ergebnis wählen' }).waitFor();
    expect(
      (await api(server.url, 'GET', `/api/alarms/${claudiaId}`, { cookie: await server.login(pforte) })).body.alarm
        .status,
    ).not.toBe('resolved');

    // Now the answer goes through; the screen is free again.
    await dialog.getByRole('button', { name: 'Ich komme' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = page.getByRole('article').filter({ hasText: 'Claudia Hartmann' });
    await card.getByText('Rückmeldungen: 1 unterwegs (Petra Hoffmann)').waitFor();
    const anna = await api(server.url, 'GET', `/api/alarms/${annaId}`, { cookie: await server.login(pforte) });
    expect(anna.body.alarm).toMatchObject({ status: 'resolved', outcome: 'false_alarm' });
    expect(errors.filter((e) => !/status of 50\d/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('shows press and arrival time in the overview, and the cancel as a reason to look anyway', async () => {
    const { page } = await deskPage();
    const annaId = await raiseAs('anna.schmidt@musterstadt.example', new Date(Date.now() - 600_000));
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor({ timeout: 10_000 });
    const anna = await server.login('anna.schmidt@musterstadt.example');
    expect((await api(server.url, 'POST', `/api/alarms/${annaId}/cancel`, { cookie: anna })).status).toBe(200);
    await dialog
      .getByText(/^Abbruch durch die auslösende Person \(\d{2}:\d{2}:\d{2}\) – bitte trotzdem persönlich nachsehen$/)
      .waitFor();
    await screenshot(page, 'wachsam-alert-cancelled');
    await dialog.getByRole('button', { name: 'Polizei verständigt' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = page.getByRole('article').filter({ hasText: 'Anna Schmidt' });
    await card.getByText(new RegExp(`Ausgelöst ${at} · eingegangen ${at}`)).waitFor();
    // "Polizei verständigt" is not "Hilfe unterwegs".
    await card.getByText('Rückmeldungen: Polizei verständigt (Petra Hoffmann)').waitFor();
    expect(await card.getByText('Hilfe unterwegs').count()).toBe(0);
    await card.getByText('Abbruch durch die auslösende Person', { exact: false }).waitFor();
    await screenshot(page, 'wachsam-overview-times');
    await page.context().close();
  });
});

import type { Browser } from 'playwright-core';
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
 * The central unit reads and sets how long personal data is kept, on the settings page: every
 * kind of data with its period and what starts it, fixed periods read-only, a period outside
 * its legal bounds refused with the bounds named next to the field.
 */
describe('retention settings in the console', () => {
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

  it('shows every period with its start, refuses one outside its bounds and saves one within', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, 'sicherheit@musterstadt.example', server.demoPassword);
    await page.getByRole('link', { name: 'Einstellungen' }).click();
    const section = page.getByRole('region', { name: 'Aufbewahrung und Löschung' });
    await section.waitFor();

    const overview = section.getByRole('table', { name: 'Aufbewahrung im Überblick' });
    const row = (data: string) => overview.getByRole('row', { name: data });
    const cells = async (data: string) => (await row(data).getByRole('cell').allInnerTexts()).map((s) => s.trim());
    expect(
      await cells('Alarme mit Empfängern, Quittungen, Antworten, Nachrichten, Positionen und Nachbesprechung'),
    ).toEqual([
      '90 Tage',
      'Ende des Alarms; nennt eine aufbewahrte Meldung den Alarm, so lange wie die Meldung',
      '30–730 Tage',
    ]);
    expect(await cells('Auskunftsprotokoll des Registers')).toEqual([
      '12 Monate',
      'Abfrage; länger nur, solange der Datenschutz Einträge für eine Kontrolle aufbewahrt',
      'fest',
    ]);
    expect((await cells('Letzte bekannte Position aus der Handy-App'))[0]).toBe('24 Stunden');
    expect((await cells('Protokoll (wer hat was getan, ohne Inhalte)'))[0]).toBe('12 Monate');

    const form = section.getByRole('form', { name: 'Fristen' });
    const alarms = form.getByLabel('Alarme: löschen … Tage nach dem Ende (30–730)');
    expect(await alarms.inputValue()).toBe('90');
    await alarms.fill('14');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await form.getByText('Alarme: mindestens 30 Tage – erlaubt sind zwischen 30 und 730 Tagen').waitFor();
    await screenshot(page, 'retention-refused');
    const central = await server.login('sicherheit@musterstadt.example');
    expect((await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body.alarmRetentionDays).toBe(90);

    await alarms.fill('60');
    await form.getByLabel('Protokoll: löschen nach … Monaten (6–36)').fill('24');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await form.getByRole('status').getByText('Gespeichert').waitFor();
    await row('Alarme mit Empfängern, Quittungen, Antworten, Nachrichten, Positionen und Nachbesprechung')
      .getByRole('cell', { name: '60 Tage' })
      .waitFor();
    expect((await cells('Protokoll (wer hat was getan, ohne Inhalte)'))[0]).toBe('24 Monate');
    expect((await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body).toMatchObject({
      alarmRetentionDays: 60,
      auditRetentionMonths: 24,
      reportRetentionMonths: 24,
    });

    // After a reload the page shows what was saved.
    await page.reload();
    const reloaded = page.getByRole('form', { name: 'Fristen' });
    expect(await reloaded.getByLabel('Alarme: löschen … Tage nach dem Ende (30–730)').inputValue()).toBe('60');
    await page.waitForLoadState('networkidle');
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'retention-settings');
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});

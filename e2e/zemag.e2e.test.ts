import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startTestServer, type TestServer } from '@wachsam/server/testing';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  loginViaForm,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';

/**
 * A report carried from the reporter to a published warning, each step by the person whose
 * job it is, through the web console: the employee files it (surviving a lost network), the
 * line manager approves, HR records the criminal complaint, the central unit checks and
 * publishes; a colleague then reads the warning, which must show nothing about the reporter.
 */
describe('ZeMAG: report to published warning', () => {
  let server: TestServer;
  let browser: Browser;
  const anna = 'anna.schmidt@musterstadt.example';
  const description = 'Er schlug mit der Faust auf den Tresen und rief, er warte nach Dienstschluss am Parkplatz.';
  const summary = 'Drohte Mitarbeitenden am Schalter mit Gewalt nach Dienstschluss.';
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    'base64',
  );
  /** Console errors by login: only the failures a step provokes on purpose are allowed. */
  const pageErrors = new Map<string, string[]>();
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function loggedIn(login: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    pageErrors.set(login, collectConsoleErrors(page));
    pages.set(login, page);
    await loginViaForm(page, server.url, login, server.demoPassword);
    return page;
  }

  async function expectAccessible(page: Page, where: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  }

  /** Opens the report from the inbox ("Zu bearbeiten"), as the reviewer would. */
  async function openFromInbox(page: Page, status: string): Promise<void> {
    await page.getByRole('link', { name: 'Zu bearbeiten' }).click();
    await page.getByRole('heading', { name: 'Zu bearbeiten', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Bedrohung' }).filter({ hasText: status });
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Meldung: Bedrohung', level: 1 }).waitFor();
  }

  async function act(page: Page, action: string, fill?: (form: ReturnType<Page['getByRole']>) => Promise<void>) {
    await page.getByRole('region', { name: 'Nächste Schritte' }).getByRole('button', { name: action }).click();
    const form = page.getByRole('form', { name: action });
    await fill?.(form);
    await form.getByRole('button', { name: action }).click();
    await form.waitFor({ state: 'detached' });
  }

  it('files, reviews, charges and publishes a report; the warning shows nothing of the reporter', async () => {
    // On failure: what each person saw, for the one who reads the log.
    onTestFailed(async () => {
      for (const [login, page] of pages) await screenshot(page, `zemag-failed-${login.split('@')[0]}`).catch(() => {});
    });
    // --- Anna files the report ---
    const reporter = await loggedIn(anna);
    await reporter.getByRole('link', { name: 'Vorfall melden' }).click();
    await reporter.getByRole('heading', { name: 'Vorfall melden', level: 1 }).waitFor();
    await reporter.getByLabel('Ort oder Adresse').fill('Bürgerbüro, Schalter 3');
    await reporter.getByLabel('Bedrohung', { exact: true }).check();
    // The suggestion follows the categories live (Aachener Modell: threat → level 2).
    await reporter.getByText('Vorgeschlagen nach dem Aachener Modell: Stufe 2').waitFor();
    expect(await reporter.getByLabel(/^Stufe 2:/).isChecked()).toBe(true);
    // A different level needs a reason; back to the suggestion, no reason asked.
    await reporter.getByLabel(/^Stufe 3:/).check();
    await reporter.getByLabel('Begründung für die abweichende Stufe').waitFor();
    await reporter.getByLabel(/^Stufe 2:/).check();
    expect(await reporter.getByLabel('Begründung für die abweichende Stufe').count()).toBe(0);
    await reporter.getByLabel('Beschreibung des Vorfalls').fill(description);
    await reporter.getByLabel('bekannt', { exact: true }).check();
    await reporter.getByLabel('Nachname').fill('Muster');
    await reporter.getByLabel('Vorname').fill('Max');
    await reporter.getByLabel('Geburtsdatum').fill('1980-05-01');
    await reporter.getByText('Drohanruf').click();
    await reporter.getByLabel('Wortlaut').fill('Ich warte auf Sie.');
    await reporter.getByLabel('Zeitpunkt des Anrufs').fill('2026-03-02T09:10');
    await expectAccessible(reporter, 'report form');
    await reporter.getByRole('button', { name: 'Entwurf speichern' }).click();
    await reporter.getByText('Entwurf gespeichert.').waitFor();
    expect(reporter.url()).toMatch(/\/meldungen\/[0-9a-f-]{36}\/bearbeiten$/);

    // Evidence: the server's SHA-256 of the file is shown.
    await reporter
      .getByLabel(/Dateien hinzufügen/)
      .setInputFiles({ name: 'tresen.png', mimeType: 'image/png', buffer: png });
    const attachments = reporter.getByRole('table', { name: 'Beweismittel (Dateien)' });
    await attachments.getByRole('link', { name: 'tresen.png' }).waitFor();
    await attachments.getByText(createHash('sha256').update(png).digest('hex')).waitFor();

    // The network drops: the text stays on the device, the person is told, nothing is lost.
    await reporter.context().setOffline(true);
    await reporter.getByLabel('Zeuginnen und Zeugen').fill('Kollegin am Nachbarschalter');
    await reporter.getByRole('button', { name: 'Entwurf speichern' }).click();
    await reporter.getByText('Keine Verbindung – der Entwurf ist auf diesem Gerät gespeichert').waitFor();
    await screenshot(reporter, 'zemag-form-offline');
    await reporter.context().setOffline(false);
    await reporter.getByText('Entwurf gespeichert.').waitFor({ timeout: 15_000 });
    // A reload brings back everything, also what was typed offline.
    await reporter.reload();
    await reporter.getByLabel('Zeuginnen und Zeugen').waitFor();
    expect(await reporter.getByLabel('Zeuginnen und Zeugen').inputValue()).toBe('Kollegin am Nachbarschalter');
    expect(await reporter.getByLabel('Nachname').inputValue()).toBe('Muster');
    await screenshot(reporter, 'zemag-form');

    await reporter.getByRole('button', { name: 'Einreichen' }).click();
    await reporter.getByRole('heading', { name: 'Meldung eingereicht' }).waitFor();
    await reporter.getByRole('heading', { name: 'Hilfsangebote' }).waitFor();
    await reporter.getByText('WEISSER RING e.V.').waitFor();
    await reporter.getByText(/Kontakt: Opfer-Telefon 116 006/).waitFor();
    await expectAccessible(reporter, 'submit result');
    await screenshot(reporter, 'zemag-submitted');

    // --- Claudia (line manager) approves ---
    const supervisor = await loggedIn('claudia.hartmann@musterstadt.example');
    await supervisor.getByRole('link', { name: 'Zu bearbeiten' }).click();
    await supervisor.getByRole('row').filter({ hasText: 'Bedrohung' }).first().waitFor();
    await expectAccessible(supervisor, 'inbox');
    await screenshot(supervisor, 'zemag-inbox');
    await openFromInbox(supervisor, 'Eingereicht');
    await supervisor.getByText(description).waitFor();
    await expectAccessible(supervisor, 'report detail');
    await act(supervisor, 'Freigeben', (f) => f.getByLabel('Kommentar (optional)').fill('Geprüft, bitte anzeigen.'));
    await supervisor.getByText('Freigegeben – Strafanzeige durch Personalmanagement').first().waitFor();

    // --- HR records the criminal complaint; a missing reference is refused, the input stays ---
    const hr = await loggedIn('personal@musterstadt.example');
    await openFromInbox(hr, 'Freigegeben');
    await hr
      .getByRole('region', { name: 'Nächste Schritte' })
      .getByRole('button', { name: 'Strafanzeige erfassen' })
      .click();
    const complaint = hr.getByRole('form', { name: 'Strafanzeige erfassen' });
    await complaint.getByLabel('Strafanzeige: Datum').fill('2026-03-03');
    await complaint.getByRole('button', { name: 'Strafanzeige erfassen' }).click();
    await complaint.getByRole('alert').waitFor();
    expect(await complaint.getByLabel('Strafanzeige: Datum').inputValue()).toBe('2026-03-03');
    await complaint.getByLabel('Strafanzeige: Aktenzeichen').fill('StA Köln 123 Js 456/26');
    await complaint.getByRole('button', { name: 'Strafanzeige erfassen' }).click();
    await complaint.waitFor({ state: 'detached' });
    await hr.getByText('Strafanzeige gestellt – Qualitätssicherung').first().waitFor();
    await hr.getByText(/StA Köln 123 Js 456\/26/).waitFor();

    // --- The central unit checks and publishes ---
    const central = await loggedIn('sicherheit@musterstadt.example');
    await openFromInbox(central, 'Strafanzeige gestellt');
    await act(central, 'Qualitätssicherung abschließen');
    await central.getByText('Qualitätsgesichert – bereit zur Veröffentlichung').first().waitFor();
    await act(central, 'Als Warnhinweis veröffentlichen', async (f) => {
      await f.getByLabel(/Zusammenfassung für den Warnhinweis/).fill(summary);
      await f.getByLabel(/Empfohlene Maßnahmen/).fill('Termine nur zu zweit\nSicherheitsdienst hinzuziehen');
    });
    await central.getByText('Als Warnhinweis veröffentlicht').first().waitFor();
    // The history names each step; the reporter's own step stays anonymous to others.
    const history = central.getByRole('table', { name: 'Verlauf' });
    await history.getByText('Geprüft, bitte anzeigen.').waitFor();
    expect(await history.textContent()).not.toContain('Schmidt');
    await expectAccessible(central, 'published report detail');
    await screenshot(central, 'zemag-detail');

    // --- A colleague reads the warning: nothing about the reporter ---
    const colleague = await loggedIn('jonas.becker@musterstadt.example');
    await colleague.getByRole('link', { name: 'Warnhinweise' }).click();
    const card = colleague.getByRole('article', { name: 'Max Muster' });
    await card.waitFor();
    await card.getByText(summary).waitFor();
    await card.getByText('Termine nur zu zweit').waitFor();
    await card.getByText('Sicherheitsdienst hinzuziehen').waitFor();
    const page = (await colleague.locator('main').textContent()) ?? '';
    for (const secret of [
      'Anna',
      'Schmidt',
      anna,
      'anna.schmidt',
      description,
      'Kollegin am Nachbarschalter',
      'tresen.png',
    ]) {
      expect(page).not.toContain(secret);
    }
    // Nor anywhere in the document (attributes, hidden text).
    const html = await colleague.content();
    for (const secret of ['Schmidt', anna, description]) expect(html).not.toContain(secret);
    await expectAccessible(colleague, 'warnings');
    await screenshot(colleague, 'zemag-warnings');

    const expected: Record<string, RegExp> = {
      // Offline on purpose: failed requests and the realtime socket.
      [anna]: /ERR_INTERNET_DISCONNECTED|WebSocket/,
      // The complaint without reference was refused on purpose.
      'personal@musterstadt.example': /status of 400/,
    };
    for (const [login, errors] of pageErrors) {
      const allowed = expected[login];
      expect({ login, errors: errors.filter((e) => !allowed?.test(e)) }).toEqual({ login, errors: [] });
    }
  });
});

import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { api, startTestServer, type TestServer } from '@wachsam/server/testing';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  loginViaForm,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';

/** What a person reads in a downloaded PDF (unpdf), without whitespace: line breaks must not hide a word. */
async function downloadedPdf(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text.replace(/\s+/g, '');
}
const compact = (s: string) => s.replace(/\s+/g, '');

/**
 * Data protection downloads both letters from the console and reads them back: the formal letter
 * with the organisation's contacts, the person's name as written, the supervisory authority. With
 * the DPO's contact removed in the settings, the console says what is missing and the letter is
 * refused; entered again, the letter comes.
 */
describe('Art. 14 and Art. 15 letters in the console', () => {
  let server: TestServer;
  let browser: Browser;
  let dsb: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
    const central = await server.login('sicherheit@musterstadt.example');
    const entry = await api(server.url, 'POST', '/api/register/entries', {
      cookie: central,
      body: {
        lastName: 'Đorđević',
        firstName: 'Łukasz',
        birthDate: '1979-03-08',
        aliases: [],
        address: 'Šťastný-Gasse 3, 12345 Ærøskøbing',
        description: 'Vorfall mit Anna Schmidt am Schalter E.01',
        level: 2,
        measures: ['Termine nur zu zweit'],
        details: 'Vermerk nur für die zentrale Stelle',
        legalBases: [{ kind: 'hausverbot', date: '2026-03-04', reference: 'HV 7/26' }],
        sourceReportId: null,
      },
    });
    expect(entry.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    dsb = await context.newPage();
    errors = collectConsoleErrors(dsb);
    await loginViaForm(dsb, server.url, 'datenschutz@musterstadt.example', server.demoPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openArt14(): Promise<void> {
    await dsb.getByRole('link', { name: 'Register', exact: true }).click();
    await dsb.getByRole('link', { name: 'Benachrichtigung (Art. 14 DSGVO)' }).click();
    await dsb.getByRole('article', { name: 'Łukasz Đorđević' }).waitFor();
  }
  const letterButton = () =>
    dsb
      .getByRole('article', { name: 'Łukasz Đorđević' })
      .getByRole('button', { name: 'Benachrichtigungsschreiben an Łukasz Đorđević (PDF)' });

  async function saveContacts(): Promise<void> {
    const form = dsb.getByRole('form', { name: 'Angaben für Betroffenenschreiben' });
    await form.getByRole('button', { name: 'Speichern' }).click();
    await form.getByRole('status').getByText('Gespeichert.').waitFor();
  }

  it('downloads the Art. 14 letter and the Art. 15 report and reads them back', async () => {
    onTestFailed(() => screenshot(dsb, 'letters-failed'));
    await openArt14();
    const art14 = await downloadedPdf(dsb, () => letterButton().click());
    // The notice goes once the saved contacts are read back (a refetch, not at once).
    await dsb.getByText('Schreiben nach Art. 14 und 15 DSGVO sind gesperrt').first().waitFor({ state: 'detached' });
    for (const part of [
      'Stadt Musterstadt – Der Bürgermeister',
      'Persönlich – vertraulich',
      'Łukasz Đorđević',
      'Šťastný-Gasse 3',
      '12345 Ærøskøbing',
      'Aktenzeichen',
      'DS-14-',
      'Information über die Speicherung Ihrer Daten im Melde- und Auskunftsregister (Art. 14 DSGVO)',
      'Sehr geehrte(r) Łukasz Đorđević,',
      'Behördliche Datenschutzbeauftragte',
      'datenschutz@musterstadt.example',
      'Hausverbot vom 04.03.2026 (Aktenzeichen HV 7/26)',
      'Kavalleriestraße 2–4, 40213 Düsseldorf',
      'poststelle@ldi.nrw.de',
    ])
      expect(art14, part).toContain(compact(part));
    await expectAccessible('Art. 14 with letter');

    await dsb.getByRole('link', { name: 'Auskunft an Betroffene (Art. 15 DSGVO)' }).click();
    const form = dsb.getByRole('form', { name: 'Auskunft an Betroffene (Art. 15 DSGVO)' });
    await form.getByLabel('Nachname').fill('Đorđević');
    await form.getByLabel('Vorname').fill('Łukasz');
    const art15 = await downloadedPdf(dsb, () => form.getByRole('button', { name: 'Auskunft als PDF' }).click());
    for (const part of [
      'Auskunft über Ihre personenbezogenen Daten (Art. 15 DSGVO)',
      'DS-15-',
      'Sehr geehrte(r) Łukasz Đorđević,',
      '08.03.1979',
      'Vorfall mit [geschwärzt] am [geschwärzt]',
      'Termine nur zu zweit',
      'Einschränkung der Auskunft',
      'poststelle@ldi.nrw.de',
    ])
      expect(art15, part).toContain(compact(part));
    for (const secret of ['Anna', 'Schmidt', 'E.01', 'Vermerk nur für die zentrale Stelle'])
      expect(art15, secret).not.toContain(compact(secret));
    await screenshot(dsb, 'letters-art15');
  });

  it('names what is missing and refuses the letter while the DPO’s contact is missing; entered again, it comes', async () => {
    onTestFailed(() => screenshot(dsb, 'letters-failed'));
    await dsb.getByRole('link', { name: 'Einstellungen', exact: true }).click();
    const dpo = dsb.getByRole('group', { name: 'Datenschutzbeauftragte/r' });
    await dpo.getByLabel('E-Mail').fill('');
    await dpo.getByLabel('Postanschrift').fill('');
    await saveContacts();
    await dsb.getByText('E-Mail-Adresse oder Postanschrift der/des Datenschutzbeauftragten').waitFor();
    await expectAccessible('settings with a gap');
    await screenshot(dsb, 'letters-settings-missing');

    await openArt14();
    const notice = dsb.getByRole('status').filter({ hasText: 'Schreiben nach Art. 14 und 15 DSGVO sind gesperrt' });
    await notice.getByText('E-Mail-Adresse oder Postanschrift der/des Datenschutzbeauftragten').waitFor();
    await letterButton().click();
    await dsb
      .getByRole('article', { name: 'Łukasz Đorđević' })
      .getByRole('alert')
      .getByText(/Das Schreiben kann nicht erstellt werden/)
      .waitFor();
    await expectAccessible('Art. 14 refused');
    await screenshot(dsb, 'letters-art14-refused');

    await notice.getByRole('link', { name: 'Angaben für Betroffenenschreiben ergänzen (Datenschutz)' }).click();
    await dsb
      .getByRole('group', { name: 'Datenschutzbeauftragte/r' })
      .getByLabel('E-Mail')
      .fill('dsb@musterstadt.example');
    await saveContacts();
    // The notice goes once the saved contacts are read back (a refetch, not at once).
    await dsb.getByText('Schreiben nach Art. 14 und 15 DSGVO sind gesperrt').first().waitFor({ state: 'detached' });
    await screenshot(dsb, 'letters-settings');
    await openArt14();
    const art14 = await downloadedPdf(dsb, () => letterButton().click());
    expect(art14).toContain('dsb@musterstadt.example');
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });

  it('shows the central unit the contacts without letting it change them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const central = await context.newPage();
    await loginViaForm(central, server.url, 'sicherheit@musterstadt.example', server.demoPassword);
    await central.getByRole('link', { name: 'Einstellungen', exact: true }).click();
    const form = central.getByRole('form', { name: 'Angaben für Betroffenenschreiben' });
    await form.getByText('Nur der Datenschutz kann diese Angaben ändern.').waitFor();
    const email = form.getByRole('group', { name: 'Datenschutzbeauftragte/r' }).getByLabel('E-Mail');
    expect(await email.inputValue()).toBe('dsb@musterstadt.example');
    expect(await email.isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Speichern' }).count()).toBe(0);
    await context.close();
  });

  async function expectAccessible(where: string): Promise<void> {
    await dsb.waitForLoadState('networkidle');
    expect({ where, findings: await seriousAxeFindings(dsb) }).toEqual({ where, findings: [] });
  }
});

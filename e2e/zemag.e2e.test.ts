import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
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
  /** The report carried through the workflow by the first test. */
  let reportId = '';

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

  /** Console errors, per login, except those a step provokes on purpose. */
  function expectOnlyProvokedErrors(): void {
    const provoked: Record<string, RegExp> = {
      // Offline on purpose: failed requests and the realtime socket; a submission with a
      // legal step still missing its reference.
      [anna]: /ERR_INTERNET_DISCONNECTED|WebSocket|status of 400/,
      phone: /ERR_INTERNET_DISCONNECTED|WebSocket/,
      // Refused on purpose: the complaint without reference, the entry without legal basis,
      // the lookup without purpose.
      'personal@musterstadt.example': /status of 400/,
      'sicherheit@musterstadt.example': /status of 4(00|22)/,
      'stefan.neumann@musterstadt.example': /status of 400/,
    };
    for (const [login, errors] of pageErrors) {
      const allowed = provoked[login];
      expect({ login, errors: errors.filter((e) => !allowed?.test(e)) }).toEqual({ login, errors: [] });
    }
  }

  async function expectAccessible(page: Page, where: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  }

  /** Opens the report from the inbox ("Zu bearbeiten"), as the reviewer would. */
  async function openFromInbox(page: Page, status: string, category = 'Bedrohung'): Promise<void> {
    await page.getByRole('link', { name: 'Zu bearbeiten' }).click();
    await page.getByRole('heading', { name: 'Zu bearbeiten', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: category }).filter({ hasText: status });
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: `Meldung: ${category}`, level: 1 }).waitFor();
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
    await reporter.getByLabel(/Beschreibung der Person/).fill('stand an meinem Schalter 3, graue Jacke');
    await reporter.getByText('Drohanruf').click();
    await reporter.getByLabel('Wortlaut').fill('Ich warte auf Sie.');
    await reporter.getByLabel('Zeitpunkt des Anrufs').fill('2026-03-02T09:10');
    await expectAccessible(reporter, 'report form');
    await reporter.getByRole('button', { name: 'Entwurf speichern' }).click();
    await reporter.getByText('Entwurf gespeichert.').waitFor();
    expect(reporter.url()).toMatch(/\/meldungen\/[0-9a-f-]{36}\/bearbeiten$/);
    reportId = new URL(reporter.url()).pathname.split('/')[2]!;

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
    // HR sees the reporter (the witness of the complaint) and every fact.
    await hr.getByText('Kollegin am Nachbarschalter').waitFor();
    await hr.getByText(/StA Köln 123 Js 456\/26/).waitFor();

    // --- The central unit checks and publishes, without anything that leads to the reporter ---
    const central = await loggedIn('sicherheit@musterstadt.example');
    await openFromInbox(central, 'Strafanzeige gestellt');
    await central.getByText('Meldende Person (für die zentrale Stelle nicht sichtbar)').waitFor();
    await central.getByText(/^1 Datei \(liegt bei/).waitFor();
    const centralView = (await central.locator('main').textContent()) ?? '';
    for (const secret of ['Anna', 'Schmidt', 'Bürgerbüro, Schalter 3', 'Kollegin am Nachbarschalter', 'tresen.png'])
      expect(centralView, secret).not.toContain(secret);
    // Days, not times: nothing the central unit reads about the report has a time of day.
    expect(centralView).not.toMatch(/\d{2}:\d{2}/);
    await act(central, 'Qualitätssicherung abschließen');
    await central.getByText('Qualitätsgesichert – bereit zur Veröffentlichung').first().waitFor();
    await act(central, 'Als Warnhinweis veröffentlichen', async (f) => {
      await f.getByLabel(/Zusammenfassung für den Warnhinweis/).fill(summary);
      await f.getByLabel(/Empfohlene Maßnahmen/).fill('Termine nur zu zweit\nSicherheitsdienst hinzuziehen');
      // The reporter's description is offered, and published only as the central unit edits it.
      const person = f.getByLabel(/Beschreibung der verursachenden Person im Warnhinweis/);
      expect(await person.inputValue()).toBe('stand an meinem Schalter 3, graue Jacke');
      await person.fill('etwa 1,80 m, graue Jacke');
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
    await card.getByText('etwa 1,80 m, graue Jacke').waitFor();
    const page = (await colleague.locator('main').textContent()) ?? '';
    for (const secret of [
      'Anna',
      'Schmidt',
      anna,
      'anna.schmidt',
      description,
      'Kollegin am Nachbarschalter',
      'tresen.png',
      'Schalter 3',
    ]) {
      expect(page).not.toContain(secret);
    }
    // Nor anywhere in the document (attributes, hidden text).
    const html = await colleague.content();
    for (const secret of ['Schmidt', anna, description]) expect(html).not.toContain(secret);
    await expectAccessible(colleague, 'warnings');
    await screenshot(colleague, 'zemag-warnings');

    // --- IT reads the audit log: the reviewers' steps; not the reporter's own (its time next to her
    // login would name her), not what anyone wrote about the case ---
    const admin = await loggedIn('it@musterstadt.example');
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByRole('link', { name: 'Protokoll', exact: true }).click();
    await admin.getByRole('heading', { name: 'Protokoll', level: 2 }).waitFor();
    const ofReport = admin.getByRole('row').filter({ hasText: `report:${reportId}` });
    await ofReport
      .filter({ hasText: 'report.approve' })
      .getByRole('cell', { name: /Claudia Hartmann/ })
      .waitFor();
    const auditRows = await ofReport.allTextContents();
    expect(auditRows.length).toBe(4);
    for (const row of auditRows) expect(row).not.toMatch(/report\.submit|Anna|Schmidt|Geprüft, bitte anzeigen/);
    await screenshot(admin, 'zemag-audit');

    expectOnlyProvokedErrors();
  });

  it('register entry from the report (refused without legal basis), lookup with purpose, access log and Art. 14/15, Lagebild', async () => {
    expect(reportId).not.toBe('');
    onTestFailed(async () => {
      for (const [login, page] of pages) await screenshot(page, `zemag-failed-${login.split('@')[0]}`).catch(() => {});
    });
    // --- The central unit prepares a register entry from the published report ---
    const central = pages.get('sicherheit@musterstadt.example')!;
    await central.goto(`${server.url}/meldungen/${reportId}`);
    await central.getByRole('link', { name: 'Registereintrag aus dieser Meldung vorbereiten' }).click();
    const entry = central.getByRole('form', { name: 'Neuer Registereintrag' });
    await entry.waitFor();
    expect(await entry.getByLabel('Nachname').inputValue()).toBe('Muster');
    expect(await entry.getByLabel('Rechtsgrundlage 1: Aktenzeichen').inputValue()).toBe('StA Köln 123 Js 456/26');
    await entry.getByLabel(/Empfohlene Maßnahmen/).fill('Termine nur zu zweit\nSicherheitsdienst hinzuziehen');
    // Without its legal basis the entry is refused; what was typed stays.
    await entry.getByRole('button', { name: 'Rechtsgrundlage 1 entfernen' }).click();
    await entry.getByRole('button', { name: 'Speichern' }).click();
    await entry.getByRole('alert').waitFor();
    expect(await entry.getByLabel('Nachname').inputValue()).toBe('Muster');
    await screenshot(central, 'zemag-register-refused');
    await entry.getByRole('button', { name: 'Rechtsgrundlage hinzufügen' }).click();
    await entry.getByLabel('Rechtsgrundlage 1: Art').selectOption({ label: 'Hausverbot' });
    await entry.getByLabel('Rechtsgrundlage 1: Datum').fill('2026-03-04');
    await entry.getByLabel('Rechtsgrundlage 1: Aktenzeichen').fill('HV 7/26');
    await expectAccessible(central, 'register entry form');
    await entry.getByRole('button', { name: 'Speichern' }).click();
    await entry.waitFor({ state: 'detached' });
    await central.getByRole('rowheader', { name: 'Muster, Max' }).waitFor();
    await expectAccessible(central, 'register entries');
    await screenshot(central, 'zemag-register');

    // --- A department with a documented need looks the person up, with a purpose ---
    const lookup = await loggedIn('stefan.neumann@musterstadt.example');
    await lookup.getByRole('link', { name: 'Auskunft', exact: true }).click();
    const ask = lookup.getByRole('form', { name: 'Auskunft' });
    await ask.getByLabel('Nachname').fill('Muster');
    await ask.getByLabel('Vorname').fill('Max');
    await ask.getByRole('button', { name: 'Abfragen' }).click();
    await ask.getByRole('alert').waitFor();
    expect(await ask.getByLabel('Nachname').inputValue()).toBe('Muster');
    await ask.getByLabel('Zweck der Abfrage').selectOption({ label: 'Termin' });
    await ask.getByLabel(/Aktenzeichen/).fill('OA-2026-17');
    await ask.getByRole('button', { name: 'Abfragen' }).click();
    // A name alone tells the person from no namesake: "prüfen", and nothing of the entry.
    await lookup.getByRole('heading', { name: 'Prüfen: mögliche Übereinstimmung' }).waitFor();
    expect(await lookup.getByText('Termine nur zu zweit').count()).toBe(0);
    await ask.getByLabel('Geburtsdatum').fill('1980-05-01');
    await ask.getByRole('button', { name: 'Abfragen' }).click();
    await lookup.getByRole('heading', { name: 'Hinweis vorhanden' }).waitFor();
    await lookup.getByText('Termine nur zu zweit').waitFor();
    await lookup.getByText(/^Stufe 2:/).waitFor();
    await expectAccessible(lookup, 'lookup');
    await screenshot(lookup, 'zemag-lookup');
    await ask.getByLabel('Nachname').fill('Niemand');
    await ask.getByRole('button', { name: 'Abfragen' }).click();
    await lookup.getByRole('heading', { name: 'Kein Hinweis' }).waitFor();

    // --- Data protection: the lookup is in the log, the chain holds, Art. 14 and 15 ---
    const dsb = await loggedIn('datenschutz@musterstadt.example');
    await dsb.getByRole('link', { name: 'Auskunftsprotokoll' }).click();
    await dsb.getByRole('row').filter({ hasText: 'OA-2026-17' }).first().waitFor();
    await dsb.getByRole('button', { name: 'Hash-Kette prüfen' }).click();
    await dsb.getByText(/Kette unversehrt: \d+ Einträge? geprüft/).waitFor();
    // The signed head the officer keeps outside the installation (register:verify-log --anchor).
    await dsb.getByRole('link', { name: 'Anker herunterladen (signierter Protokollkopf)' }).waitFor();
    // Keep the lookup's row for a control: selected, dated, with a reason, then marked in the list.
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const lookupRow = dsb.getByRole('row').filter({ hasText: 'OA-2026-17' }).first();
    await lookupRow.getByRole('checkbox').check();
    const hold = dsb.getByRole('form', { name: 'Für Kontrolle aufbewahren' });
    await hold.getByLabel('Für Kontrolle aufbewahren bis').fill(until);
    await hold.getByLabel('Anlass der Kontrolle').fill('Kontrolle der Abfragen des Ordnungsamts');
    await hold.getByRole('button', { name: 'Aufbewahren' }).click();
    await hold
      .getByRole('status')
      .getByText(/1 Eintrag wird bis .+ aufbewahrt/)
      .waitFor();
    const [y, m, d] = until.split('-');
    await dsb
      .getByRole('row')
      .filter({ hasText: 'OA-2026-17' })
      .filter({ hasText: `${d}.${m}.${y}` })
      .first()
      .waitFor();
    const csvHref = await dsb.getByRole('link', { name: 'Als CSV exportieren' }).getAttribute('href');
    const csv = await dsb.request.get(`${server.url}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('OA-2026-17');
    await expectAccessible(dsb, 'access log');
    await screenshot(dsb, 'zemag-access-log');

    await dsb.getByRole('link', { name: 'Register', exact: true }).click();
    await dsb.getByRole('link', { name: 'Benachrichtigung (Art. 14 DSGVO)' }).click();
    const task = dsb.getByRole('article', { name: 'Max Muster' });
    const [letter] = await Promise.all([
      dsb.waitForEvent('download'),
      task.getByRole('button', { name: /Benachrichtigungsschreiben an Max Muster/ }).click(),
    ]);
    expect(
      readFileSync((await letter.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await task.getByRole('button', { name: 'Als versandt erfassen' }).click();
    await task.getByLabel('Versandt am').fill('2026-03-05');
    await task.getByRole('form').getByRole('button', { name: 'Als versandt erfassen' }).click();
    // Sent: done, so it leaves the list of open notifications.
    await task.waitFor({ state: 'detached' });
    await dsb.getByRole('status').getByText('Gespeichert.').waitFor();
    await expectAccessible(dsb, 'Art. 14');

    await dsb.getByRole('link', { name: 'Auskunft an Betroffene (Art. 15 DSGVO)' }).click();
    const art15 = dsb.getByRole('form', { name: 'Auskunft an Betroffene (Art. 15 DSGVO)' });
    await art15.getByLabel('Nachname').fill('Muster');
    await art15.getByLabel('Vorname').fill('Max');
    const [download] = await Promise.all([
      dsb.waitForEvent('download'),
      art15.getByRole('button', { name: 'Auskunft als JSON' }).click(),
    ]);
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { subject: { lastName: string } };
    expect(report.subject.lastName).toBe('Muster');
    expect(JSON.stringify(report)).not.toContain('Schmidt');
    expect(JSON.stringify(report)).not.toContain(anna);
    await expectAccessible(dsb, 'Art. 15');

    // --- Lagebild: one case is below the threshold, so it is withheld, never shown ---
    await central.getByRole('link', { name: 'Lagebild' }).click();
    await central.getByRole('heading', { name: 'Lagebild', level: 1 }).waitFor();
    await central.getByRole('img', { name: /Fälle je Monat/ }).waitFor();
    const table = central.getByRole('table', { name: /Fälle nach Abteilung/ });
    await table.waitFor();
    expect(await table.textContent()).toContain('geheim gehalten');
    const csvLink = await central.getByRole('link', { name: 'CSV herunterladen' }).getAttribute('href');
    expect((await central.request.get(`${server.url}${csvLink}`)).status()).toBe(200);
    // A dated measure, and the counts before and after it.
    const measure = central.getByRole('form', { name: 'Neu anlegen' });
    await measure.getByLabel('Maßnahme').fill('Deeskalationsschulung');
    await measure.getByLabel('Datum').fill('2026-06-15');
    await measure.getByLabel('Abteilung').selectOption({ label: 'Bürgerbüro' });
    await measure.getByRole('button', { name: 'Anlegen' }).click();
    await central
      .getByRole('row')
      .filter({ hasText: 'Deeskalationsschulung' })
      .getByRole('button', { name: 'Vorher/nachher' })
      .click();
    await central.getByRole('heading', { name: 'Vorher/nachher: Deeskalationsschulung (2026-06-15)' }).waitFor();
    await central.getByRole('table', { name: /je 2 Quartale vor und nach der Maßnahme/ }).waitFor();
    // Fixed periods: the Lagebild for one quarter, chosen like a person would.
    const selection = central.getByRole('form', { name: 'Auswahl' });
    await selection.getByLabel('Zeitraum').selectOption({ label: 'Quartal' });
    await selection.getByLabel('Quartal').selectOption({ label: '2. Quartal' });
    await selection.getByRole('button', { name: 'Anzeigen' }).click();
    await central.getByRole('table', { name: /Fälle nach Abteilung, 2. Quartal/ }).waitFor();
    await expectAccessible(central, 'Lagebild');
    await screenshot(central, 'zemag-lagebild');
  });
  it('after a resolved alarm the sender is offered help and "Vorfall melden" opens a draft with the alarm; the phone files reports too', async () => {
    onTestFailed(async () => {
      for (const [login, page] of pages) await screenshot(page, `zemag-failed-${login.split('@')[0]}`).catch(() => {});
    });
    const sender = pages.get(anna)!;
    await sender.goto(server.url);
    await sender.getByRole('button', { name: 'Alarm auslösen' }).click();
    await sender.getByRole('button', { name: 'Jetzt auslösen' }).click();
    await sender.getByText('Alarm gesendet.').waitFor();
    const desk = await server.login('pforte@musterstadt.example');
    const open = await api(server.url, 'GET', '/api/alarms?open=true', { cookie: desk });
    const alarm = (open.body as { alarms: { id: string; sender: { lastName: string } }[] }).alarms.find(
      (a) => a.sender.lastName === 'Schmidt',
    )!;
    // The desk answers "Ich komme" before it resolves: a responder may report the incident too.
    const coming = await api(server.url, 'POST', `/api/alarms/${alarm.id}/respond`, {
      cookie: desk,
      body: { response: 'coming' },
    });
    expect(coming.status).toBe(200);
    const resolved = await api(server.url, 'POST', `/api/alarms/${alarm.id}/resolve`, {
      cookie: desk,
      body: { outcome: 'real', note: 'Person hat das Gebäude verlassen' },
    });
    expect(resolved.status).toBe(200);
    const responder = await loggedIn('pforte@musterstadt.example');
    const responded = responder.getByRole('region', { name: 'Vorfall melden nach einem Einsatz' });
    await responded.getByText(/Anna Schmidt/).waitFor({ timeout: 10_000 });
    await expectAccessible(responder, 'responded alarms');
    await responded.getByRole('button', { name: 'Vorfall melden' }).click();
    await responder.getByRole('heading', { name: 'Meldung bearbeiten (Entwurf)' }).waitFor();
    expect(await responder.getByLabel('Beschreibung des Vorfalls').inputValue()).toContain(
      'Person hat das Gebäude verlassen',
    );
    await sender.getByText(/Entwarnung gegeben von/).waitFor({ timeout: 10_000 });
    await sender.getByRole('heading', { name: 'Hilfsangebote' }).waitFor();
    await sender.getByText('WEISSER RING e.V.').waitFor();
    await expectAccessible(sender, 'after the alarm');
    await screenshot(sender, 'zemag-after-alarm');
    await sender.getByRole('button', { name: 'Vorfall melden' }).click();
    await sender.getByRole('heading', { name: 'Meldung bearbeiten (Entwurf)' }).waitFor();
    expect(await sender.getByLabel('Beschreibung des Vorfalls').inputValue()).toContain(
      'Person hat das Gebäude verlassen',
    );
    expect(await sender.getByLabel('Sonstiges', { exact: true }).isChecked()).toBe(true);

    // Aftercare: the line manager gets the debrief with the person who raised the alarm.
    const supervisor = pages.get('claudia.hartmann@musterstadt.example')!;
    await supervisor.getByRole('link', { name: 'Nachsorge' }).click();
    const debriefs = supervisor.getByRole('article', { name: 'Nachbesprechung mit Anna Schmidt' });
    const debrief = debriefs.filter({ hasText: 'nach einem Alarm' });
    await debrief.waitFor();
    await expectAccessible(supervisor, 'aftercare');
    const before = await debriefs.count();
    await debrief.getByLabel('Notiz zur Nachbesprechung').fill('Gespräch geführt, Betriebsärztin empfohlen');
    await debrief.getByRole('button', { name: 'Als erledigt markieren' }).click();
    // Done: it leaves the list of open tasks.
    await supervisor.getByRole('status').getByText('Als erledigt vermerkt.').waitFor();
    await debrief.waitFor({ state: 'detached' });
    expect(await debriefs.count()).toBe(before - 1);
    await screenshot(supervisor, 'zemag-aftercare');

    // The central unit keeps the help-offer catalogue; a new offer reaches the next person at once.
    const central = pages.get('sicherheit@musterstadt.example')!;
    await central.getByRole('link', { name: 'Einstellungen' }).click();
    await central.getByRole('heading', { name: 'Einstellungen Meldewesen', level: 1 }).waitFor();
    const offer = central.getByRole('form', { name: 'Neu anlegen' });
    await offer.getByLabel('Titel').fill('Kollegiale Beratung Ordnungsamt');
    await offer.getByLabel('Kontakt').fill('Tel. 0221 555-333');
    await offer.getByRole('button', { name: 'Anlegen' }).click();
    await central.getByRole('cell', { name: 'Kollegiale Beratung Ordnungsamt' }).waitFor();
    await expectAccessible(central, 'settings');
    await screenshot(central, 'zemag-settings');

    // The phone app: the same form in the phone layout, with the offline draft.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
    });
    const phone = await context.newPage();
    pages.set('phone', phone);
    pageErrors.set('phone', collectConsoleErrors(phone));
    await loginViaForm(phone, server.url, anna, server.demoPassword);
    await phone.goto(`${server.url}/mobil`);
    await phone
      .getByRole('navigation', { name: 'Bereiche der App' })
      .getByRole('link', { name: 'Vorfall melden' })
      .click();
    await phone.getByRole('heading', { name: 'Vorfall melden', level: 1 }).waitFor();
    await phone.getByLabel('Beleidigung', { exact: true }).check();
    await phone.getByText('Vorgeschlagen nach dem Aachener Modell: Stufe 1').waitFor();
    await phone.getByLabel('Ort oder Adresse').fill('Hausbesuch Lindenstraße 4');
    await phone.getByLabel('Beschreibung des Vorfalls').fill('Beschimpfung beim Hausbesuch');
    await context.setOffline(true);
    // Typed offline: a Hausverbot with its date, the reference still to come. The draft keeps it,
    // and the retry once the network is back is saved, not refused.
    await phone.getByLabel('Hausverbot erteilt').check();
    const hausverbot = phone.getByRole('group', { name: 'Hausverbot', exact: true });
    await hausverbot.getByLabel('Datum').fill('2026-12-01');
    await phone.getByRole('button', { name: 'Entwurf speichern' }).click();
    await phone.getByText('Keine Verbindung – der Entwurf ist auf diesem Gerät gespeichert').waitFor();
    await context.setOffline(false);
    await phone.getByText('Entwurf gespeichert.').waitFor({ timeout: 15_000 });
    expect(phone.url()).toMatch(/\/mobil\/meldungen\/[0-9a-f-]{36}\/bearbeiten$/);
    await phone.reload();
    await hausverbot.getByLabel('Datum').waitFor();
    expect(await hausverbot.getByLabel('Datum').inputValue()).toBe('2026-12-01');
    await hausverbot.getByLabel('Aktenzeichen').fill('HV 12/26');
    await expectAccessible(phone, 'phone report form');
    await screenshot(phone, 'zemag-phone-form');
    // Below the threshold: statistics only, with the zero-tolerance reminder and the help offers.
    await phone.getByRole('button', { name: 'Einreichen' }).click();
    await phone.getByRole('heading', { name: 'Meldung eingereicht' }).waitFor();
    await phone.getByText(/nur anonym für die Statistik gezählt/).waitFor();
    await phone.getByText(/Null Toleranz/).waitFor();
    await phone.getByRole('heading', { name: 'Hilfsangebote' }).waitFor();
    await phone.getByText('Kollegiale Beratung Ordnungsamt').waitFor();
    await screenshot(phone, 'zemag-phone-submitted');
    expectOnlyProvokedErrors();
  });

  it('an insult the reporter wants charged: half-done legal details save as a draft, then supervisor and HR with the Strafantrag deadline, never the central unit', async () => {
    onTestFailed(async () => {
      for (const [login, page] of pages) await screenshot(page, `zemag-failed-${login.split('@')[0]}`).catch(() => {});
    });
    const reporter = pages.get(anna)!;
    await reporter.goto(server.url);
    await reporter.getByRole('link', { name: 'Vorfall melden' }).click();
    await reporter.getByRole('heading', { name: 'Vorfall melden', level: 1 }).waitFor();
    await reporter.getByLabel('Zeitpunkt des Vorfalls').fill('2026-11-30T09:30');
    await reporter.getByLabel('Ort oder Adresse').fill('Bürgerbüro');
    await reporter.getByLabel('Beleidigung', { exact: true }).check();
    // Below the threshold the form offers the complaint, with the zero-tolerance reminder.
    const wish = reporter.getByRole('group', { name: 'Strafanzeige / Strafantrag' });
    await wish.getByText(/Null Toleranz/).waitFor();
    await wish.getByLabel(/Ich möchte Strafanzeige bzw. Strafantrag stellen lassen/).check();
    await reporter.getByLabel('Beschreibung des Vorfalls').fill('Er beschimpfte mich laut vor allen Wartenden.');
    await reporter.getByLabel('bekannt', { exact: true }).check();
    await reporter.getByLabel('Nachname').fill('Lästerer');
    // A legal step with its date but no reference yet: the draft is saved all the same.
    await reporter.getByLabel('Strafantrag gestellt').check();
    const legal = reporter.getByRole('group', { name: 'Strafantrag', exact: true });
    await legal.getByLabel('Datum').fill('2026-12-01');
    await reporter.getByRole('button', { name: 'Entwurf speichern' }).click();
    await reporter.getByText('Entwurf gespeichert.').waitFor();
    await expectAccessible(reporter, 'complaint wish');
    await screenshot(reporter, 'zemag-complaint-form');
    // Submitting names what is missing, at the field.
    await reporter.getByRole('button', { name: 'Einreichen' }).click();
    await reporter.getByText('Die Meldung ist noch unvollständig').waitFor();
    await legal.getByText('Aktenzeichen fehlt').waitFor();
    // The list under the form names the field as the form does.
    await reporter.getByText('Strafantrag: Aktenzeichen: Aktenzeichen fehlt').waitFor();
    expect(await legal.getByLabel('Datum').inputValue()).toBe('2026-12-01');
    await screenshot(reporter, 'zemag-complaint-missing');
    // She has not filed it herself: HR will.
    await reporter.getByLabel('Strafantrag gestellt').uncheck();
    await reporter.getByRole('button', { name: 'Einreichen' }).click();
    await reporter.getByRole('heading', { name: 'Meldung eingereicht' }).waitFor();
    await reporter.getByText(/geht an Ihre Vorgesetzten und an das Personalmanagement/).waitFor();
    await reporter.getByText('Strafantragsfrist endet am 28.02.2027 (§ 77b StGB)').waitFor();
    await reporter.getByRole('heading', { name: 'Hilfsangebote' }).waitFor();
    await expectAccessible(reporter, 'complaint submitted');
    await screenshot(reporter, 'zemag-complaint-submitted');

    const supervisor = pages.get('claudia.hartmann@musterstadt.example')!;
    await supervisor.goto(server.url);
    await openFromInbox(supervisor, 'Eingereicht', 'Beleidigung');
    await supervisor.getByText('Strafantragsfrist endet am 28.02.2027 (§ 77b StGB)').waitFor();
    await act(supervisor, 'Freigeben');

    const hr = pages.get('personal@musterstadt.example')!;
    await hr.goto(server.url);
    await openFromInbox(hr, 'Freigegeben', 'Beleidigung');
    await hr.getByRole('heading', { name: 'Strafantragsfrist endet am 28.02.2027 (§ 77b StGB)' }).waitFor();
    await expectAccessible(hr, 'complaint at HR');
    await screenshot(hr, 'zemag-complaint-hr');
    await act(hr, 'Strafantrag erfassen und abschließen', async (f) => {
      await f.getByLabel('Strafantrag: Datum').fill('2026-12-07');
      await f.getByLabel('Strafantrag: Aktenzeichen').fill('StA Köln 77 Js 1/26');
    });
    await hr.getByRole('heading', { name: 'Meldung abgeschlossen' }).waitFor();
    await hr.getByText(/nur die anonyme Zählung/).waitFor();
    await screenshot(hr, 'zemag-complaint-closed');

    // The central unit never had it, and nothing of it is left to find.
    const central = pages.get('sicherheit@musterstadt.example')!;
    await central.goto(server.url);
    await central.getByRole('link', { name: 'Zu bearbeiten' }).click();
    await central.getByRole('heading', { name: 'Zu bearbeiten', level: 1 }).waitFor();
    await central.waitForLoadState('networkidle');
    expect(await central.getByRole('row').filter({ hasText: 'Beleidigung' }).count()).toBe(0);
    await reporter.getByRole('link', { name: 'Meine Meldungen' }).click();
    await reporter.getByRole('heading', { name: 'Meine Meldungen', level: 1 }).waitFor();
    await reporter.waitForLoadState('networkidle');
    expect(await reporter.getByRole('row').filter({ hasText: 'Beleidigung' }).count()).toBe(0);
    expectOnlyProvokedErrors();
  });
});

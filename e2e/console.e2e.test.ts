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
 * The web console driven like a person: the security desk receives an alarm raised by an
 * employee, answers it and gives the all-clear; the employee raises from the console and sees
 * help coming; the administrator edits the organisation. Every page is checked with axe.
 */
describe('web console', () => {
  let server: TestServer;
  let browser: Browser;
  let serverClosed = false;
  const pforte = 'pforte@musterstadt.example';
  const anna = 'anna.schmidt@musterstadt.example';
  const admin = 'it@musterstadt.example';

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (!serverClosed) await server?.close();
  });

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    return { page, errors: collectConsoleErrors(page) };
  }

  async function raiseAs(login: string): Promise<string> {
    const cookie = await server.login(login);
    const res = await api(server.url, 'POST', '/api/alarms', {
      cookie,
      headers: { 'idempotency-key': randomUUID() },
      body: { source: 'console' },
    });
    expect(res.status).toBe(201);
    return res.body.alarm.id as string;
  }

  it('shows the login page without serious accessibility findings and rejects a wrong password', async () => {
    const { page, errors } = await newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.getByLabel('Anmeldename').fill(pforte);
    await page.getByLabel('Passwort').fill('falsch-falsch');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(5);
    // What was typed stays.
    expect(await page.getByLabel('Anmeldename').inputValue()).toBe(pforte);
    await screenshot(page, 'wachsam-login');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('alerts the security desk full-screen, records "Ich komme" and the all-clear', async () => {
    const { page, errors } = await newPage();
    await loginViaForm(page, server.url, pforte, server.demoPassword);
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();
    // The login click unlocked audio; after a reload nothing was clicked yet, so the banner asks.
    await page.reload();
    await page.getByRole('button', { name: 'Ton aktivieren' }).click();
    await page.getByRole('button', { name: 'Ton aktivieren' }).waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    const alarmId = await raiseAs(anna);
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor({ timeout: 5000 });
    // Focus moved into the alert.
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    const text = (await dialog.textContent()) ?? '';
    for (const expected of [
      'ALARM',
      'Anna Schmidt',
      'Rathaus',
      'Erdgeschoss',
      'E.01',
      'Alarmkonsole',
      'Stufe 1 von 3',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(/\d{2}:\d{2}:\d{2}/);
    const phone = dialog.getByRole('link').filter({ hasText: /\d/ }).first();
    expect(await phone.getAttribute('href')).toMatch(/^tel:/);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'wachsam-alert');

    // Keyboard only: Tab stays inside the alert and reaches "Ich komme"; Enter answers.
    let focused = '';
    for (let i = 0; i < 6 && focused !== 'Ich komme'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    expect(focused).toBe('Ich komme');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    const card = page.getByRole('article').filter({ hasText: 'Anna Schmidt' });
    await card.getByText('Rückmeldungen: 1 unterwegs (Petra Hoffmann)').waitFor();
    await card.getByText(/Ihre Rückmeldung: kommt/).waitFor();
    expect(await card.getByRole('button', { name: 'Ich komme' }).count()).toBe(0);
    await card.getByRole('button', { name: 'Empfänger anzeigen' }).click();
    const receivers = card.getByRole('table', { name: 'Empfänger und ihre Rückmeldungen' });
    await receivers.waitFor();
    const petraRow = receivers.getByRole('row').filter({ hasText: 'Petra Hoffmann' });
    // Her "Ich komme" has its time; "Polizei verständigt" she did not give.
    const cells = petraRow.getByRole('cell');
    await expect.poll(() => cells.nth(3).textContent()).toMatch(/\d{2}:\d{2}/);
    expect(await cells.nth(4).textContent()).toBe('–');
    // The receipt arrived: the desk's row has a delivered time.
    expect(await petraRow.textContent()).not.toContain('noch nicht angezeigt');
    await screenshot(page, 'wachsam-overview');

    // A cancel by the sender still asks for a check in person.
    const cookie = await server.login(anna);
    expect((await api(server.url, 'POST', `/api/alarms/${alarmId}/cancel`, { cookie })).status).toBe(200);
    await card.getByText(/Abbruch durch die auslösende Person.*bitte trotzdem persönlich nachsehen/).waitFor();

    await card.getByRole('button', { name: 'Entwarnung', exact: true }).click();
    await card.getByLabel('Fehlalarm').check();
    await card.getByLabel('Notiz (optional)').fill('Versehentlich ausgelöst');
    await card.getByRole('button', { name: 'Entwarnung geben' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByText('Keine offenen Alarme.').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets an employee raise from the console and shows who is coming', async () => {
    const desk = await newPage();
    await loginViaForm(desk.page, server.url, pforte, server.demoPassword);
    await desk.page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();

    const { page, errors } = await newPage();
    await loginViaForm(page, server.url, anna, server.demoPassword);
    // Employees get no alarm overview of others and no sound banner.
    expect(await page.getByRole('button', { name: 'Ton aktivieren' }).count()).toBe(0);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: 'Alarm auslösen' }).click();
    // Press and confirm: the first click raises nothing.
    expect(await desk.page.getByRole('alertdialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Jetzt auslösen' }).click();
    await page.getByText('Alarm gesendet.').waitFor();
    await page.getByText(/\d+ alarmiert · noch keine Rückmeldung/).waitFor();

    const dialog = desk.page.getByRole('alertdialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Ich komme' }).click();
    await page.getByText(/\d+ alarmiert · 1 unterwegs \(Petra Hoffmann\)/).waitFor({ timeout: 10_000 });
    await screenshot(page, 'wachsam-sender');
    // After a reload the sender still sees the state of the own alarm.
    await page.reload();
    await page.getByText(/\d+ alarmiert · 1 unterwegs \(Petra Hoffmann\)/).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    // The desk gives the all-clear from the overview; the sender sees it.
    const card = desk.page.getByRole('article').filter({ hasText: 'Anna Schmidt' });
    await card.getByRole('button', { name: 'Entwarnung', exact: true }).click();
    await card.getByLabel('Echter Alarm').check();
    await card.getByRole('button', { name: 'Entwarnung geben' }).click();
    await page.getByText(/Entwarnung gegeben von/).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    expect(desk.errors).toEqual([]);
    await desk.page.context().close();
    await page.context().close();
  });

  it('administration: server messages next to the form, input kept; pages accessible', async () => {
    const { page, errors } = await newPage();
    await loginViaForm(page, server.url, admin, server.demoPassword);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Abteilungen' }).waitFor();
    await page.getByRole('cell', { name: 'Bürgerbüro' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    // Floors: a level that is not a number is rejected by the server, the text stays.
    await page.getByRole('link', { name: 'Etagen' }).click();
    const form = page.getByRole('form', { name: 'Neu anlegen' });
    await form.getByLabel('Gebäude').selectOption({ label: 'Rathaus' });
    await form.getByLabel('Name').fill('2. Obergeschoss');
    await form.getByLabel(/Ebene/).fill('zwei');
    await form.getByRole('button', { name: 'Anlegen' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByLabel('Name').inputValue()).toBe('2. Obergeschoss');
    expect(await form.getByLabel(/Ebene/).inputValue()).toBe('zwei');
    // The server names the field: the message sits at the field too.
    expect(await form.getByLabel(/Ebene/).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'wachsam-admin-error');
    await form.getByLabel(/Ebene/).fill('2');
    await form.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByRole('cell', { name: '2. Obergeschoss' }).waitFor();

    for (const section of ['Personen', 'Alarmgruppen', 'Alarmpläne', 'Geräte', 'Funktionstests', 'Protokoll']) {
      await page.getByRole('link', { name: section, exact: true }).click();
      await page.getByRole('heading', { name: section, level: 2 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect({ section, findings: await seriousAxeFindings(page) }).toEqual({ section, findings: [] });
    }

    // Alarm plans: a step timeout below the minimum is refused with the step named.
    await page.getByRole('link', { name: 'Alarmpläne', exact: true }).click();
    await page.getByRole('button', { name: 'Neuer Alarmplan' }).click();
    const plan = page.getByRole('form', { name: 'Neu anlegen' });
    await plan.getByLabel('Name').fill('Kasse');
    await plan.getByLabel('Gilt für').selectOption({ label: 'Raum' });
    await plan.getByLabel('Raum', { exact: true }).selectOption({ index: 1 });
    await plan.getByLabel('Stufe 1, Ziel 1', { exact: true }).selectOption({ label: 'Rolle' });
    await plan.getByLabel('Stufe 1, Ziel 1: Rolle').selectOption({ label: 'Sicherheitsdienst / Pforte' });
    await plan.getByLabel('Stufe 1: Sekunden bis zur nächsten Stufe').fill('3');
    await plan.getByRole('button', { name: 'Anlegen' }).click();
    await plan
      .getByRole('alert')
      .filter({ hasText: /Stufe 1, Sekunden/ })
      .waitFor();
    expect(await plan.getByLabel('Name').inputValue()).toBe('Kasse');
    await screenshot(page, 'wachsam-admin-plan');
    await plan.getByLabel('Stufe 1: Sekunden bis zur nächsten Stufe').fill('45');
    // Mindestanzahl Empfänger online: 1 by default, explained next to the field.
    const minOnline = plan.getByLabel('Stufe 1: Mindestanzahl Empfänger online (0 = aus)');
    expect(await minOnline.inputValue()).toBe('1');
    await plan.getByText('Sind weniger online, wird sofort die nächste Stufe alarmiert.').waitFor();
    await minOnline.fill('2');
    await plan.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByRole('cell', { name: 'Kasse' }).waitFor();
    await page.getByText('Sicherheitsdienst / Pforte – 45 s – mind. 2 online').waitFor();
    const adminCookie = await server.login(admin);
    const plans = (await api(server.url, 'GET', '/api/admin/plans', { cookie: adminCookie })).body as Array<{
      name: string;
      steps: Array<{ minOnline: number }>;
    }>;
    expect(plans.find((p) => p.name === 'Kasse')?.steps[0]?.minOnline).toBe(2);

    // Devices: an enrolment code is shown once.
    await page.getByRole('link', { name: 'Geräte', exact: true }).click();
    await page.getByRole('button', { name: 'Einmalcode erzeugen' }).first().click();
    await page.getByText('Einmalcode (wird nur jetzt angezeigt):').waitFor();
    await screenshot(page, 'wachsam-admin-devices');
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('lets the security desk read devices and function tests, not change them', async () => {
    const { page, errors } = await newPage();
    await loginViaForm(page, server.url, pforte, server.demoPassword);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Geräte', level: 2 }).waitFor();
    await page.getByRole('cell', { name: 'PC-BB-01' }).waitFor();
    expect(await page.getByRole('link', { name: 'Personen' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Einmalcode erzeugen' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Neu anlegen' }).count()).toBe(0);
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a lost connection', async () => {
    const { page } = await newPage();
    await loginViaForm(page, server.url, pforte, server.demoPassword);
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();
    serverClosed = true;
    await server.close();
    await page.getByRole('status').filter({ hasText: 'getrennt – Verbindung wird wiederhergestellt' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Keine Verbindung zum Server' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'wachsam-disconnected');
    await page.context().close();
  });
});

import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
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

/** Wall-clock time that the test can move forward, so a device falls silent at once. */
class SkippingClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

const intranetName = 'wachsam.intranet';
const soundOff = 'Ton ist aus – Alarme kämen lautlos.';

/**
 * What a receiver's console knows the moment it starts (after a reload or a browser restart,
 * before anybody clicks): whether sound works, the unprotected seats, every open alarm; and
 * what it does when the server ends its session, or when it is served over plain HTTP.
 */
describe('console at start', () => {
  let server: TestServer;
  let browser: Browser;
  const clock = new SkippingClock();
  const pforte = 'pforte@musterstadt.example';
  const leitstelle = 'leitstelle@musterstadt.example';

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ clock });
    browser = await launchBrowser([`--host-resolver-rules=MAP ${intranetName} 127.0.0.1`]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A context logged in by cookie: the page gets no click, as after a browser restart. */
  async function loggedIn(on: Browser, login: string, path = '/'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await on.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const [name, ...value] = (await server.login(login)).split(';')[0]!.split('=');
    await context.addCookies([{ name: name!, value: value.join('='), url: server.url }]);
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    return { context, page };
  }

  const connected = (page: Page) => page.getByRole('status').filter({ hasText: /^verbunden$/ });

  it('says loudly when sound is off after a restart, until it is enabled', async () => {
    const { context, page } = await loggedIn(browser, pforte);
    const errors = collectConsoleErrors(page);
    const banner = page.getByRole('alert').filter({ hasText: soundOff });
    await banner.waitFor();
    await connected(page).waitFor();
    // localhost is a secure context: no HTTPS notice.
    expect(await page.getByRole('complementary', { name: /Unsichere Verbindung/ }).count()).toBe(0);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'wachsam-sound-off');
    await banner.getByRole('button', { name: 'Ton aktivieren' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows no banner where the browser allows sound for the console (kiosk policy)', async () => {
    const kiosk = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
    try {
      const { page } = await loggedIn(kiosk, pforte);
      await connected(page).waitFor();
      await page.getByRole('heading', { name: 'Offene Alarme' }).waitFor();
      expect(await page.getByRole('alert').filter({ hasText: soundOff }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Ton aktivieren' }).count()).toBe(0);
    } finally {
      await kiosk.close();
    }
  });

  it('lists the devices offline at start, and drops one that comes back', async () => {
    const admin = await server.login('it@musterstadt.example');
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: admin })).body as { id: string }[];
    const device = await api(server.url, 'POST', '/api/admin/devices', {
      cookie: admin,
      body: { kind: 'workstation', name: 'PC-E2E-STILL', roomId: rooms[0]!.id },
    });
    expect(device.status).toBe(201);
    const code = (
      await api(server.url, 'POST', `/api/admin/devices/${device.body.id}/enrolment-code`, { cookie: admin })
    ).body.code as string;
    const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token as string;
    await api(server.url, 'POST', '/api/devices/heartbeat', { token });
    await server.wachsam.tick();
    clock.advance(25_000);
    await server.wachsam.tick();

    // The console starts after the device fell silent: no live event will tell it.
    const { context, page } = await loggedIn(browser, pforte);
    const seats = page.getByRole('heading', { name: 'Ungeschützte Arbeitsplätze (ohne Verbindung oder ohne Raum)' });
    await seats.waitFor();
    await page.getByText(/^PC-E2E-STILL \(.+\) – ohne Verbindung seit \d{2}:\d{2}:\d{2}$/).waitFor();
    await screenshot(page, 'wachsam-offline-at-start');
    await api(server.url, 'POST', '/api/devices/heartbeat', { token });
    await server.wachsam.tick();
    await page.getByText(/^PC-E2E-STILL/).waitFor({ state: 'detached', timeout: 10_000 });
    await context.close();
  });

  it('loads every page of open alarms at start; the history pages back through all alarms', async () => {
    const anna = await server.login('anna.schmidt@musterstadt.example');
    const raise = async (): Promise<string> => {
      const res = await api(server.url, 'POST', '/api/alarms', {
        cookie: anna,
        headers: { 'idempotency-key': randomUUID() },
        body: { source: 'console', test: true },
      });
      expect(res.status).toBe(201);
      return res.body.alarm.id as string;
    };
    const ids: string[] = [];
    for (let i = 0; i < 104; i++) ids.push(await raise());
    const desk = await server.login(pforte);
    for (const id of ids.slice(0, 3)) {
      const res = await api(server.url, 'POST', `/api/alarms/${id}/resolve`, {
        cookie: desk,
        body: { outcome: 'false_alarm', note: '' },
      });
      expect(res.status).toBe(200);
    }
    const listed = (await api(server.url, 'GET', '/api/alarms?limit=500', { cookie: desk })).body.alarms as {
      status: string;
    }[];
    const open = listed.filter((a) => a.status !== 'resolved').length;
    expect(open).toBeGreaterThan(100);

    const { context, page } = await loggedIn(browser, leitstelle);
    try {
      await connected(page).waitFor();
      await expect.poll(() => page.getByRole('article').count(), { timeout: 20_000 }).toBe(open);

      await page.getByRole('link', { name: 'Alarmverlauf' }).click();
      const table = page.getByRole('table', { name: 'Alle Alarme, neueste zuerst' });
      await table.waitFor();
      const rows = () => table.locator('tbody').getByRole('row').count();
      await expect.poll(rows).toBe(25);
      expect(await seriousAxeFindings(page)).toEqual([]);
      await screenshot(page, 'wachsam-history');
      const more = page.getByRole('button', { name: 'Ältere Alarme laden' });
      while ((await rows()) < listed.length) {
        const before = await rows();
        await more.click();
        await expect.poll(rows, { timeout: 10_000 }).toBeGreaterThan(before);
      }
      expect(await rows()).toBe(listed.length);
      await page.getByText('Keine älteren Alarme.').waitFor();
      expect(await more.count()).toBe(0);
      // The oldest alarms come last, with how they ended.
      const last = table.locator('tbody').getByRole('row').last();
      expect(await last.textContent()).toContain('Fehlalarm');
    } finally {
      await context.close();
      // The others of this file need a quiet screen.
      for (const id of ids.slice(3)) {
        await api(server.url, 'POST', `/api/alarms/${id}/resolve`, {
          cookie: desk,
          body: { outcome: 'test', note: '' },
        });
      }
    }
  });

  it('when the server ends the session it says why on the login page; new rights reload the console', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const sockets: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/api\/realtime/, (ws) => {
      sockets.push(ws);
      ws.connectToServer();
    });
    const page = await context.newPage();
    await loginViaForm(page, server.url, pforte, server.demoPassword);
    await connected(page).waitFor();

    const meReloaded = page.waitForRequest((r) => r.url().endsWith('/api/auth/me'));
    sockets.at(-1)!.send(JSON.stringify({ kind: 'closing', reason: 'roles_changed', message: 'Rechte geändert' }));
    await page.getByRole('status').filter({ hasText: 'Ihre Rechte wurden geändert.' }).waitFor();
    await meReloaded;
    await expect.poll(() => sockets.length).toBeGreaterThan(1);
    await connected(page).waitFor();

    sockets.at(-1)!.send(JSON.stringify({ kind: 'closing', reason: 'password_changed', message: 'Passwort geändert' }));
    await sockets.at(-1)!.close({ code: 4001, reason: 'password_changed' });
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Ihr Passwort wurde geändert – bitte neu anmelden.' }).waitFor();
    await screenshot(page, 'wachsam-session-ended');
    await context.close();
  });

  it('a phone the server removed says so, does not claim to reconnect, and can be set up again', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
    });
    const sockets: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/api\/realtime/, (ws) => {
      sockets.push(ws);
      ws.connectToServer();
    });
    const phone = await context.newPage();
    await phone.goto(`${server.url}/mobil`);
    await loginViaForm(phone, `${server.url}/mobil`, 'mehmet.yilmaz@musterstadt.example', server.demoPassword);
    await phone.getByRole('button', { name: 'Dieses Telefon einrichten' }).click();
    await phone.getByRole('button', { name: 'Alarm auslösen' }).waitFor();
    await connected(phone).waitFor();
    const count = sockets.length;
    sockets.at(-1)!.send(JSON.stringify({ kind: 'closing', reason: 'device_removed', message: 'entfernt' }));
    await sockets.at(-1)!.close({ code: 4001, reason: 'device_removed' });
    const notice = phone.getByRole('alert').filter({ hasText: 'Dieses Telefon wurde entfernt.' });
    await notice.waitFor();
    expect(await phone.getByRole('button', { name: 'Alarm auslösen' }).count()).toBe(0);
    await screenshot(phone, 'wachsam-mobile-removed');
    // The header does not promise a reconnect that will not come.
    await phone.getByRole('status').filter({ hasText: 'getrennt – vom Server beendet' }).waitFor();
    await notice.getByRole('button', { name: 'Telefon neu einrichten' }).click();
    await phone.getByRole('heading', { name: 'Dieses Telefon einrichten' }).waitFor();
    // Set up anew, the phone receives again.
    await expect.poll(() => sockets.length).toBeGreaterThan(count);
    await connected(phone).waitFor();
    await context.close();
  });

  it('served over plain HTTP under an intranet name: a clear notice, and the console still raises', async () => {
    // With the CSP as served (it upgrades to https only when PUBLIC_URL is https).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const base = server.url.replace('127.0.0.1', intranetName);
    await page.goto(base);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    const notice = page.getByRole('complementary', { name: 'Unsichere Verbindung (HTTP ohne Verschlüsselung)' });
    await notice.waitFor();
    await notice.getByText(/Benachrichtigungen \(Push\), der Standort/).waitFor();
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    await screenshot(page, 'wachsam-insecure-login');
    await loginViaForm(page, base, 'anna.schmidt@musterstadt.example', server.demoPassword);
    await notice.waitFor();
    await page.getByRole('button', { name: 'Alarm auslösen' }).click();
    await page.getByRole('button', { name: 'Jetzt auslösen' }).click();
    await page.getByText('Alarm gesendet.').waitFor({ timeout: 10_000 });
    await context.close();
  });
});

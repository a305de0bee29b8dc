import { distanceMeters, smsGatewaySecretHeader, smsIdempotencyKey } from '@wachsam/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
 * The phone app driven like a field worker would: phone viewport with touch, emulated
 * position, network switched off. The security desk watches on the console with its own
 * position, so the distance it shows can be checked against a known pair of coordinates.
 */
describe('mobile alarm (phone app)', () => {
  let server: TestServer;
  let browser: Browser;
  let phoneContext: BrowserContext;
  let phone: Page;
  let phoneErrors: string[];
  let desk: Page;
  const anna = 'anna.schmidt@musterstadt.example';
  const pforte = 'pforte@musterstadt.example';
  const holdMs = 1000;
  const gatewaySecret = 'test-gateway-secret-0123456789';
  const alarmNumber = '+49 221 555 0110';
  /** Kölner Dom (the sender) and Stadthaus Deutz (the desk): about 1.6 km apart. */
  const dom = { latitude: 50.94133, longitude: 6.95812, accuracy: 8 };
  const deutz = { latitude: 50.93735, longitude: 6.97984, accuracy: 20 };

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({
      env: { SMS_INBOUND_SECRET: gatewaySecret, ALARM_SMS_NUMBER: alarmNumber, MOBILE_HOLD_MS: String(holdMs) },
    });
    browser = await launchBrowser();
    phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
      geolocation: dom,
      permissions: ['geolocation'],
    });
    phone = await phoneContext.newPage();
    phoneErrors = collectConsoleErrors(phone);
    const deskContext = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      geolocation: deutz,
      permissions: ['geolocation'],
    });
    desk = await deskContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const alarmButton = () => phone.getByRole('button', { name: 'Alarm auslösen' });

  /** Press and hold the alarm button with a finger-like pointer for `ms`. */
  async function hold(ms: number): Promise<void> {
    const box = await alarmButton().boundingBox();
    if (!box) throw new Error('alarm button not visible');
    await phone.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await phone.mouse.down();
    await phone.waitForTimeout(ms);
    await phone.mouse.up();
  }

  async function openMobileAlarms(): Promise<{ id: string; position: unknown }[]> {
    const cookie = await server.login(pforte);
    const res = await api(server.url, 'GET', '/api/alarms?open=true', { cookie });
    expect(res.status).toBe(200);
    return (res.body.alarms as { id: string; source: string; position: unknown }[]).filter(
      (a) => a.source === 'mobile',
    );
  }

  async function resolve(alarmId: string): Promise<void> {
    const cookie = await server.login(pforte);
    const res = await api(server.url, 'POST', `/api/alarms/${alarmId}/resolve`, {
      cookie,
      body: { outcome: 'test', note: 'e2e' },
    });
    expect(res.status).toBe(200);
  }

  it('sets up the phone after login; the screens have no serious accessibility findings', async () => {
    await phone.goto(`${server.url}/mobil`);
    await loginViaForm(phone, `${server.url}/mobil`, anna, server.demoPassword);
    await phone.getByRole('heading', { name: 'Dieses Telefon einrichten' }).waitFor();
    expect(await seriousAxeFindings(phone)).toEqual([]);
    await screenshot(phone, 'wachsam-mobile-enrol');
    await phone.getByRole('button', { name: 'Dieses Telefon einrichten' }).click();
    await alarmButton().waitFor();
    expect(await seriousAxeFindings(phone)).toEqual([]);
    await screenshot(phone, 'wachsam-mobile-trigger');
    await phone.getByRole('button', { name: 'English' }).click();
    await phone.getByRole('button', { name: 'Raise alarm' }).waitFor();
    await phone.getByRole('button', { name: 'Deutsch' }).click();
    await alarmButton().waitFor();
    const manifest = await api(server.url, 'GET', '/manifest.webmanifest');
    expect(manifest.body).toMatchObject({ name: 'Wachsam Mobil', shortcuts: [{ name: 'Alarm auslösen' }] });
  });

  it('a press shorter than the hold time raises nothing', async () => {
    await hold(holdMs * 0.4);
    await phone.waitForTimeout(1500);
    expect(await phone.getByText('Wird gesendet …').count()).toBe(0);
    expect(await openMobileAlarms()).toEqual([]);
    await alarmButton().waitFor();
  });

  it('raises online: the desk sees name, time, position and the distance; messages go both ways', async () => {
    await loginViaForm(desk, server.url, pforte, server.demoPassword);
    await desk.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();

    await hold(holdMs + 400);
    await phone.getByText('Alarm wurde ausgelöst').waitFor({ timeout: 10_000 });
    const [alarm] = await openMobileAlarms();
    expect(alarm?.position).toMatchObject({ lat: dom.latitude, lon: dom.longitude });

    // The desk may be alerted full-screen; "Ich komme" takes it to the overview card.
    const dialog = desk.getByRole('alertdialog');
    const card = desk.getByRole('article').filter({ hasText: 'Anna Schmidt' });
    await Promise.race([dialog.waitFor({ timeout: 10_000 }), card.waitFor({ timeout: 10_000 })]);
    const view = (await dialog.count()) > 0 ? dialog : card;
    const expectedDistance = `${(distanceMeters({ lat: dom.latitude, lon: dom.longitude }, { lat: deutz.latitude, lon: deutz.longitude }) / 1000).toFixed(1).replace('.', ',')} km`;
    await view.getByText(expectedDistance).waitFor({ timeout: 10_000 });
    const text = (await view.textContent()) ?? '';
    expect(text).toContain('Anna Schmidt');
    expect(text).toContain('50.94133, 6.95812 (± 8 m)');
    expect(text).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(await view.getByRole('link', { name: 'Karte öffnen' }).getAttribute('href')).toContain('mlat=50.941330');
    await screenshot(desk, 'wachsam-mobile-desk');
    if ((await dialog.count()) > 0) {
      await dialog.getByRole('button', { name: 'Ich komme' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    await card.getByText(expectedDistance).waitFor();

    // The sender moves: the new position reaches the desk (the phone sends at most every 5 s).
    await phoneContext.setGeolocation({ latitude: 50.94, longitude: 6.96, accuracy: 15 });
    await card.getByText('50.94000, 6.96000 (± 15 m)').waitFor({ timeout: 15_000 });
    await phoneContext.setGeolocation(dom);

    // Desk → phone
    await card.getByRole('textbox', { name: 'Nachricht' }).fill('Bin unterwegs, 5 Minuten.');
    await card.getByRole('button', { name: 'Senden' }).click();
    await phone.getByText('Bin unterwegs, 5 Minuten.').waitFor({ timeout: 10_000 });
    // Phone → desk
    await phone.getByRole('textbox', { name: 'Nachricht' }).fill('Danke, 2. OG links.');
    await phone.getByRole('button', { name: 'Senden' }).click();
    await card.getByText('Danke, 2. OG links.').waitFor({ timeout: 10_000 });
    expect(await seriousAxeFindings(phone)).toEqual([]);
    await screenshot(phone, 'wachsam-mobile-sent');

    await resolve(alarm!.id);
    await phone.getByRole('button', { name: 'Fertig' }).click({ timeout: 10_000 });
    await alarmButton().waitFor();
  });

  it('a double tap and the hands-free key (F9) each raise one alarm', async () => {
    for (const trigger of [() => alarmButton().dblclick(), () => phone.keyboard.press('F9')]) {
      await trigger();
      await phone.getByText('Alarm wurde ausgelöst').waitFor({ timeout: 10_000 });
      const open = await openMobileAlarms();
      expect(open).toHaveLength(1);
      await resolve(open[0]!.id);
      await phone.getByRole('button', { name: 'Fertig' }).click({ timeout: 10_000 });
      await alarmButton().waitFor();
    }
  });

  it('a personal button raises with its person’s last known position from the phone, near a building’s address', async () => {
    // Stefan (field service) has the app open at the Rathaus; his personal demo button has no GPS.
    const rathaus = { latitude: 50.9383, longitude: 6.959, accuracy: 12 };
    const stefanContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
      geolocation: rathaus,
      permissions: ['geolocation'],
    });
    try {
      const stefanPhone = await stefanContext.newPage();
      await stefanPhone.goto(`${server.url}/mobil`);
      await loginViaForm(stefanPhone, `${server.url}/mobil`, 'stefan.neumann@musterstadt.example', server.demoPassword);
      const reported = stefanPhone.waitForResponse((r) => r.url().endsWith('/api/mobile/position'));
      await stefanPhone.getByRole('button', { name: 'Dieses Telefon einrichten' }).click();
      expect((await reported).status()).toBe(204);
      await stefanPhone.getByText(/meldet sie Ihren letzten Standort/).waitFor();

      const admin = await server.login('it@musterstadt.example');
      const devices = (await api(server.url, 'GET', '/api/admin/devices', { cookie: admin })).body as Array<{
        id: string;
        name: string;
      }>;
      const button = devices.find((d) => d.name === 'Persönlicher Taster Neumann')!;
      const code = (await api(server.url, 'POST', `/api/admin/devices/${button.id}/enrolment-code`, { cookie: admin }))
        .body.code;
      const token = (await api(server.url, 'POST', '/api/devices/enrol', { body: { code } })).body.token as string;
      const press = await api(server.url, 'POST', '/api/buttons/press', { token, body: { pressId: 'e2e-personal-1' } });
      expect(press.status).toBe(201);

      const card = desk.getByRole('article').filter({ hasText: 'Stefan Neumann' });
      const dialog = desk.getByRole('alertdialog');
      await Promise.race([dialog.waitFor({ timeout: 10_000 }), card.waitFor({ timeout: 10_000 })]);
      const view = (await dialog.count()) > 0 ? dialog : card;
      await view.getByText('Letzter bekannter Standort (vom Telefon, vor dem Alarm)').waitFor();
      await view.getByText('In der Nähe: Rathaus, Marktplatz 1, 12345 Musterstadt').waitFor();
      expect((await view.textContent()) ?? '').toContain('50.93830, 6.95900 (± 12 m)');
      await screenshot(desk, 'wachsam-personal-button-desk');
      if ((await dialog.count()) > 0) {
        await dialog.getByRole('button', { name: 'Ich komme' }).click();
        await dialog.waitFor({ state: 'detached' });
      }
      await resolve(press.body.alarm.id);
    } finally {
      await stefanContext.close();
    }
  });

  it('offline: the outbox keeps the trigger, its SMS raises the alarm, and the retry is the same alarm', async () => {
    await phoneContext.setOffline(true);
    // The socket may look open for a while; the header must not claim a connection.
    await phone.getByRole('status').filter({ hasText: 'getrennt' }).waitFor();
    expect(
      await phone
        .getByRole('status')
        .filter({ hasText: /^verbunden$/ })
        .count(),
    ).toBe(0);
    await hold(holdMs + 400);
    await phone.getByText('Wird gesendet …').waitFor();
    const smsLink = phone.getByRole('link', { name: /Alarm per SMS an/ });
    await smsLink.waitFor({ timeout: 10_000 });
    expect(await seriousAxeFindings(phone)).toEqual([]);
    await screenshot(phone, 'wachsam-mobile-offline');
    const href = (await smsLink.getAttribute('href')) ?? '';
    expect(href.startsWith('sms:+492215550110?body=')).toBe(true);
    const text = decodeURIComponent(href.slice(href.indexOf('body=') + 5));
    expect(text).toMatch(/^WACHSAM [A-Z0-9]+ \d+ [A-Za-z0-9_-]+ 50\.94133,6\.95812,8$/);
    const outbox = await phone.evaluate(() => localStorage.getItem('wachsam.phone.outbox'));
    expect(outbox).toContain(`"key":"${smsIdempotencyKey(Number(text.split(' ')[2]))}"`);

    // The gateway delivers the SMS while the phone is still offline.
    const inbound = await api(server.url, 'POST', '/api/sms/inbound', {
      headers: { [smsGatewaySecretHeader]: gatewaySecret },
      body: { from: '+49 171 0000000', to: alarmNumber, text },
    });
    expect(inbound.status).toBe(200);
    expect(inbound.body).toMatchObject({ accepted: true, reason: null });
    const smsAlarmId = inbound.body.alarmId as string;

    // Network back: the retry with the same key answers with the same alarm.
    await phoneContext.setOffline(false);
    await phone.getByText('Alarm wurde ausgelöst').waitFor({ timeout: 15_000 });
    const open = await openMobileAlarms();
    expect(open.map((a) => a.id)).toEqual([smsAlarmId]);
    expect(await phone.evaluate(() => localStorage.getItem('wachsam.phone.outbox'))).toBe('[]');

    // The same SMS again is a replay and raises nothing.
    const replay = await api(server.url, 'POST', '/api/sms/inbound', {
      headers: { [smsGatewaySecretHeader]: gatewaySecret },
      body: { from: '+49 171 0000000', to: alarmNumber, text },
    });
    expect(replay.body).toMatchObject({ accepted: false });
    expect((await openMobileAlarms()).length).toBe(1);
    await resolve(smsAlarmId);
  });

  it('the trigger screen opens from the service worker cache without network', async () => {
    await phone.goto(`${server.url}/mobil`);
    await phone.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await phone.reload();
    await phone.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await phoneContext.setOffline(true);
    await phone.reload();
    await alarmButton().waitFor({ timeout: 10_000 });
    await phone.getByText(/Keine Internetverbindung/).waitFor();
    await phoneContext.setOffline(false);
    expect(phoneErrors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket/.test(e))).toEqual([]);
  });
});

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

interface ListedAlarm {
  id: string;
  status: string;
  triggeredAt: string | null;
  sender: { firstName: string; lastName: string };
}

// With the date when the press was on another day than today (a run across midnight).
const tooOldText =
  /^Ihr Alarm von (\d{2}\.\d{2}\.\d{4}, )?\d{2}:\d{2} Uhr konnte nicht gesendet werden und wird nicht mehr automatisch gesendet \(älter als 15 Minuten\)\. Wenn noch Hilfe nötig ist: neu auslösen oder 110 anrufen\.$/;

/**
 * What the person who raised sees: a press the outbox could not deliver within 15 minutes is
 * kept and said loudly (console and phone), answers are shown as what they are, a cancel says
 * someone looks anyway, the sender is never offered the receivers' actions on their own alarm,
 * and a repeat of an alarm that is over is never shown as a new confirmation.
 */
describe('sender screens', () => {
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

  async function alarmsOf(lastName: string): Promise<ListedAlarm[]> {
    const res = await api(server.url, 'GET', '/api/alarms?limit=500', { cookie: await server.login(pforte) });
    expect(res.status).toBe(200);
    return (res.body.alarms as ListedAlarm[]).filter((a) => a.sender.lastName === lastName);
  }

  async function resolve(alarmId: string): Promise<void> {
    const res = await api(server.url, 'POST', `/api/alarms/${alarmId}/resolve`, {
      cookie: await server.login(pforte),
      body: { outcome: 'test', note: 'e2e' },
    });
    expect(res.status).toBe(200);
  }

  async function personIdOf(login: string): Promise<string> {
    const me = await api(server.url, 'GET', '/api/auth/me', { cookie: await server.login(login) });
    return me.body.personId as string;
  }

  it('console: a press older than 15 minutes is kept and said, raised anew or discarded by the person', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, 'anna.schmidt@musterstadt.example', server.demoPassword);
    const personId = await personIdOf('anna.schmidt@musterstadt.example');
    const leaveTooOld = async (key: string): Promise<void> => {
      await page.evaluate(
        ({ key, personId }) =>
          localStorage.setItem(
            'wachsam.outbox.raise',
            JSON.stringify({ key, personId, triggeredAt: new Date(Date.now() - 16 * 60_000).toISOString() }),
          ),
        { key, personId },
      );
      await page.reload();
    };

    await leaveTooOld('e2e-too-old-console-1');
    const notice = page.getByRole('alert').filter({ hasText: 'konnte nicht gesendet werden' });
    await notice.getByText(tooOldText).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'wachsam-console-too-old');
    // Nothing went out on its own.
    expect(await alarmsOf('Schmidt')).toEqual([]);

    await notice.getByRole('button', { name: 'Jetzt neu auslösen' }).click();
    await page.getByText('Alarm gesendet.').waitFor({ timeout: 10_000 });
    const [raised] = await alarmsOf('Schmidt');
    expect(Date.now() - Date.parse(raised!.triggeredAt!)).toBeLessThan(60_000);
    expect(await page.evaluate(() => localStorage.getItem('wachsam.outbox.raise'))).toBeNull();
    await resolve(raised!.id);
    await page.getByRole('button', { name: 'Fertig' }).click({ timeout: 10_000 });

    await leaveTooOld('e2e-too-old-console-2');
    await notice.getByRole('button', { name: 'Verwerfen' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Alarm auslösen' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('wachsam.outbox.raise'))).toBeNull();
    expect(await alarmsOf('Schmidt')).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  describe('phone app of a helper (Jonas Becker)', () => {
    let phone: Page;

    beforeAll(async () => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        locale: 'de-DE',
      });
      phone = await context.newPage();
      await phone.goto(`${server.url}/mobil`);
      await loginViaForm(phone, `${server.url}/mobil`, 'jonas.becker@musterstadt.example', server.demoPassword);
      await phone.getByRole('button', { name: 'Dieses Telefon einrichten' }).click();
      await phone.getByRole('button', { name: 'Alarm auslösen' }).waitFor();
    });

    it('says a too-old trigger loudly instead of sending it, and discards it on request', async () => {
      await phone.evaluate(() =>
        localStorage.setItem(
          'wachsam.phone.outbox',
          JSON.stringify([
            {
              counter: 5,
              key: 'sms-00000005',
              triggeredAt: new Date(Date.now() - 20 * 60_000).toISOString(),
              position: null,
              smsText: null,
            },
          ]),
        ),
      );
      await phone.reload();
      const notice = phone.getByRole('alert').filter({ hasText: 'konnte nicht gesendet werden' });
      await notice.getByText(tooOldText).waitFor();
      // Raising stays possible right there.
      await phone.getByRole('button', { name: 'Alarm auslösen' }).waitFor();
      await screenshot(phone, 'wachsam-mobile-too-old');
      expect(await alarmsOf('Becker')).toEqual([]);
      await notice.getByRole('button', { name: 'Verwerfen' }).click();
      await notice.waitFor({ state: 'detached' });
      expect(await phone.evaluate(() => localStorage.getItem('wachsam.phone.outbox'))).toBe('[]');
    });

    it('shows answers as what they are, offers no receiver actions on the own alarm, and says a cancel is looked at anyway', async () => {
      await phone.getByRole('button', { name: 'Alarm auslösen' }).dblclick();
      await phone.getByText('Alarm wurde ausgelöst').waitFor({ timeout: 10_000 });
      const [alarm] = await alarmsOf('Becker');
      const status = phone.getByRole('status').filter({ hasText: 'Alarm wurde ausgelöst' });
      await status.getByText(/^\d+ alarmiert · noch keine Rückmeldung$/).waitFor();

      // His own alarm is in his receiver overview too, without "Ich komme" or the all-clear.
      const own = phone.getByRole('article').filter({ hasText: 'Jonas Becker' });
      await own.getByText('Ihr eigener Alarm: Rückmeldung und Entwarnung geben die Empfänger.').waitFor();
      expect(await own.getByRole('button', { name: 'Ich komme' }).count()).toBe(0);
      expect(await own.getByRole('button', { name: 'Entwarnung', exact: true }).count()).toBe(0);

      const police = await api(server.url, 'POST', `/api/alarms/${alarm!.id}/respond`, {
        cookie: await server.login(pforte),
        body: { response: 'police_called' },
      });
      expect(police.status).toBe(200);
      await status.getByText(/^\d+ alarmiert · Polizei verständigt \(Petra Hoffmann\)$/).waitFor({ timeout: 10_000 });
      expect(await status.getByText(/unterwegs/).count()).toBe(0);
      // A second answer to an acknowledged alarm is not possible yet: the server answers 500
      // (updateAlarm with nothing to set); "2 unterwegs (…) · Polizei verständigt (…)" is unit-tested.
      await phone.getByRole('button', { name: 'Alarm abbrechen' }).click();
      await status.getByText('Auch nach einem Abbruch schaut jemand persönlich nach.').waitFor();
      await phone.getByRole('button', { name: 'Ja, abbrechen' }).click();
      await status.getByText('Abgebrochen – es schaut trotzdem jemand nach.').waitFor();
      expect(await seriousAxeFindings(phone)).toEqual([]);
      await screenshot(phone, 'wachsam-mobile-answers');
      await resolve(alarm!.id);
      await phone.getByRole('button', { name: 'Fertig' }).click({ timeout: 10_000 });
    });

    it('never confirms a trigger with an alarm that is over, and raises anew on request', async () => {
      // The trigger that raised the alarm just resolved comes back (a restored outbox, an SMS
      // handled meanwhile): the server repeats that alarm, which is over.
      const [old] = await alarmsOf('Becker');
      const counter = await phone.evaluate(
        () => (JSON.parse(localStorage.getItem('wachsam.phone') ?? '{}') as { counter: number }).counter,
      );
      await phone.evaluate(
        ({ counter, triggeredAt }) =>
          localStorage.setItem(
            'wachsam.phone.outbox',
            JSON.stringify([
              { counter, key: `sms-${String(counter).padStart(8, '0')}`, triggeredAt, position: null, smsText: null },
            ]),
          ),
        { counter, triggeredAt: old!.triggeredAt },
      );
      await phone.reload();
      const notice = phone.getByRole('alert').filter({ hasText: 'wurde bereits bearbeitet und beendet' });
      await notice
        .getByText(/^Dieser Alarm von \d{2}:\d{2} Uhr wurde bereits bearbeitet und beendet\./)
        .waitFor({ timeout: 10_000 });
      expect(await phone.getByText('Alarm wurde ausgelöst').count()).toBe(0);
      await screenshot(phone, 'wachsam-mobile-already-closed');

      await notice.getByRole('button', { name: 'Jetzt neu auslösen' }).click();
      await phone.getByText('Alarm wurde ausgelöst').waitFor({ timeout: 10_000 });
      const open = (await alarmsOf('Becker')).filter((a) => a.status !== 'resolved');
      expect(open).toHaveLength(1);
      expect(open[0]!.id).not.toBe(old!.id);
      const next = await phone.evaluate(
        () => (JSON.parse(localStorage.getItem('wachsam.phone') ?? '{}') as { counter: number }).counter,
      );
      expect(next).toBeGreaterThan(counter);
      await resolve(open[0]!.id);
    });
  });
});

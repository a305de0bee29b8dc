import { randomUUID } from 'node:crypto';
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

/** Wall-clock time that the test can move forward, so escalation timeouts pass at once. */
class SkippingClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/**
 * Nobody answers: the circle widens step by step until the control centre is alerted with the
 * prompt to call 110. The control centre's screen stays calm until its own step is reached.
 */
describe('web console: escalation', () => {
  let server: TestServer;
  let browser: Browser;
  const clock = new SkippingClock();

  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ clock });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('alerts the control centre at the last step with the 110 prompt, and shows the cancel notice', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, 'leitstelle@musterstadt.example', server.demoPassword);
    await page.getByRole('status').filter({ hasText: 'verbunden' }).waitFor();

    // Timeouts only: with nobody of steps 1 and 2 online the plan would widen to the control
    // centre at once (alarms/escalation.int tests that); here the steps are walked by time.
    const admin = await server.login('it@musterstadt.example');
    for (const { id, ...plan } of (await api(server.url, 'GET', '/api/admin/plans', { cookie: admin })).body) {
      for (const step of plan.steps) step.minOnline = 0;
      expect((await api(server.url, 'PUT', `/api/admin/plans/${id}`, { cookie: admin, body: plan })).status).toBe(200);
    }
    const anna = await server.login('anna.schmidt@musterstadt.example');
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      headers: { 'idempotency-key': randomUUID() },
      body: { source: 'console', test: false },
    });
    expect(raised.status).toBe(201);
    const alarmId = raised.body.alarm.id as string;

    // Step 1 and 2 do not include the control centre: no full-screen alert here yet.
    await page.waitForTimeout(1000);
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    for (let step = 0; step < 5 && (await page.getByRole('alertdialog').count()) === 0; step++) {
      clock.advance(125_000);
      await server.wachsam.tick();
      await page.waitForTimeout(500);
    }
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Polizei rufen: 110');
    expect(text).toContain('Stufe 3 von 3');
    expect(await dialog.getByRole('link', { name: '110' }).getAttribute('href')).toBe('tel:110');

    // The sender cancels: the alert stays and asks for a check in person.
    expect((await api(server.url, 'POST', `/api/alarms/${alarmId}/cancel`, { cookie: anna })).status).toBe(200);
    await dialog.getByText(/Abbruch durch die auslösende Person.*bitte trotzdem persönlich nachsehen/).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    await screenshot(page, 'wachsam-escalated');

    await dialog.getByRole('button', { name: 'Polizei verständigt' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('article')
      .getByText('Rückmeldungen: Polizei verständigt (Leitstelle Sicherheitsdienst)')
      .waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});

/**
 * Single sign-on in the browser (issue 11, part 2): "Mit Dienstkonto anmelden" on the login page
 * through a real OpenID provider (oidc-provider over HTTPS) and back, logout at the provider too,
 * the errors in words, passwords off, and the administration's "Anmeldung (SSO)" with its check
 * and its test login. Chromium trusts exactly the provider's self-signed certificate (by its key).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '@wachsam/server/testing';
import {
  startTestProvider,
  testCertificate,
  type TestProvider,
} from '../packages/server/src/auth/sso/test-provider.js';
import { assertWebBuilt, launchBrowser, seriousAxeFindings } from './helpers/browser.js';

const admin = 'it@musterstadt.example';

describe('single sign-on in the console', () => {
  let server: TestServer;
  let idp: TestProvider;
  let browser: Browser;
  let adminCookie: string;

  const configure = async (overrides: Record<string, unknown> = {}) => {
    const res = await api(server.url, 'PUT', '/api/admin/sso', {
      cookie: adminCookie,
      body: {
        enabled: true,
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        roleMapping: { 'wachsam-helfer': ['helper'] },
        ...overrides,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    assertWebBuilt();
    const pems = await testCertificate();
    const caFile = join(mkdtempSync(join(tmpdir(), 'wachsam-oidc-ca-')), 'ca.pem');
    writeFileSync(caFile, pems.cert);
    server = await startTestServer({ env: { OIDC_CA_FILE: caFile } });
    idp = await startTestProvider(server.url, pems);
    idp.accounts.set('anna', { preferred_username: 'anna.schmidt@musterstadt.example', groups: ['wachsam-helfer'] });
    adminCookie = await server.login(admin);
    await configure();
    // Trust this one certificate, by the hash of its key; no certificate check is switched off.
    const spki = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
    browser = await launchBrowser([
      `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`,
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.stop();
    await server?.close();
  });

  /** Errors logged by Wachsam's pages (the provider's test pages ask the internet for fonts). */
  const newPage = async (): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => {
      const at = msg.location().url;
      if (msg.type() === 'error' && at.startsWith(server.url) && !msg.text().includes('status of 401'))
        errors.push(`${msg.text()} (${at})`);
    });
    return { page, errors };
  };

  /** The provider's development login and consent pages, as a person fills them in. */
  const signInAtProvider = async (page: Page, account: string) => {
    await page.getByPlaceholder('Enter any login').fill(account);
    await page.getByPlaceholder('and password').fill('beliebig');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  };

  it('logs in with the service account and out again, at Wachsam and at the provider', async () => {
    const { page, errors } = await newPage();
    await page.goto(server.url);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: 'Mit Dienstkonto anmelden' }).click();
    await signInAtProvider(page, 'anna');
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    expect(new URL(page.url()).origin).toBe(server.url);
    await page.getByText('Anna Schmidt').first().waitFor();

    await page.getByRole('button', { name: 'Abmelden' }).click();
    // The provider asks whether to end its session too, then sends the browser back.
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('button', { name: 'Mit Dienstkonto anmelden' }).waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    // Signed out at the provider: the next login asks for the account again.
    await page.getByRole('button', { name: 'Mit Dienstkonto anmelden' }).click();
    await page.getByPlaceholder('Enter any login').waitFor();
    expect(errors).toEqual([]);
  });

  it('says in German why a single sign-on failed, and that passwords are off', async () => {
    const { page } = await newPage();
    await page.goto(`${server.url}/?sso_error=sso_deactivated`);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Dieses Konto ist in Wachsam deaktiviert (im Verzeichnis gesperrt oder ausgeschieden).' })
      .waitFor();
    // Read once: the address no longer carries it.
    expect(page.url()).toBe(`${server.url}/`);

    await configure({ localPasswords: false, breakGlassLogin: admin });
    try {
      await page.reload();
      await page
        .getByText('Das Passwort gilt in dieser Organisation nur für den Notfall-Zugang der Administration.')
        .waitFor();
      await page.getByLabel('Anmeldename').fill('pforte@musterstadt.example');
      await page.getByLabel('Passwort').fill(server.demoPassword);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Mit Dienstkonto anmelden (Single Sign-on)' }).waitFor();
    } finally {
      await configure();
    }
  });

  it('lets the administration check the provider and test a login without being logged out', async () => {
    const { page, errors } = await newPage();
    await page.goto(server.url);
    await page.getByLabel('Anmeldename').fill(admin);
    await page.getByLabel('Passwort').fill(server.demoPassword);
    // Exactly "Anmelden": "Mit Dienstkonto anmelden" is a button too.
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    await page.goto(`${server.url}/admin/sso`);
    await page.getByRole('heading', { name: 'Anmeldung (SSO)', level: 2 }).waitFor();
    expect(await page.getByLabel('Aussteller (Issuer-URL, https)').inputValue()).toBe(idp.issuer);
    await page.getByText(`${server.url}/api/auth/sso/callback`).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.getByRole('button', { name: 'Verbindung prüfen' }).click();
    await page.getByRole('status').filter({ hasText: 'Anmeldedienst erreicht' }).waitFor();

    await page.getByRole('button', { name: 'Anmeldung testen' }).click();
    await signInAtProvider(page, 'anna');
    await page.getByRole('status').filter({ hasText: 'Gefunden: Anna Schmidt' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sso');
    // Still the administrator.
    await page.getByRole('heading', { name: 'Anmeldung (SSO)', level: 2 }).waitFor();
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: adminCookie })).body.login).toBe(admin);
    expect(errors).toEqual([]);
  });
});

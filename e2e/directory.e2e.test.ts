/**
 * People from Active Directory in the browser (issue 11, part 1): an administrator enters the
 * directory (Debian's slapd with AD attributes), runs a dry run, reads the report, applies it, and
 * creates a SCIM token for Entra ID. The server is the built one, as `npm start` runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@wachsam/server/testing';
import {
  groupDn,
  serviceDn,
  servicePassword,
  Slapd,
  suffix,
  userDn,
  type AdUser,
} from '../packages/server/src/directory/slapd.testing.js';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  loginViaForm,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';
import { loginCookie, startServer, type ServerProcess } from './helpers/processes.js';

const users: AdUser[] = Array.from({ length: 12 }, (_, i) => ({
  cn: `Person ${i}`,
  ou: 'Sozialamt',
  login: `person${i}`,
  givenName: `Vorname${i}`,
  sn: `Nachname${i}`,
  mail: `p${i}@stadt.example`,
  ...(i === 11 ? { userAccountControl: 514 } : {}),
}));

describe('directory sync in the browser', () => {
  let server: ServerProcess;
  let slapd: Slapd;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const work = mkdtempSync(join(tmpdir(), 'wachsam-directory-e2e-'));
  beforeAll(async () => {
    assertWebBuilt();
    slapd = await Slapd.start();
    await slapd.addOu('Sozialamt');
    await slapd.addUsers(users);
    await slapd.addGroup('wachsam', users.map(userDn));
    await slapd.addGroup('helfer', [userDn(users[0]!), userDn(users[1]!)]);
    server = await startServer({ DATA_DIR: join(work, 'data') });
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, 'it@musterstadt.example', 'demo1234demo');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    await slapd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('an administrator enters the directory, sees a dry run, applies it; SCIM access is created once', async () => {
    await page.getByRole('link', { name: 'Administration' }).click();
    await page
      .getByRole('navigation', { name: 'Bereiche der Administration' })
      .getByRole('link', { name: 'Verzeichnis' })
      .click();
    await page.getByRole('button', { name: 'Verzeichnisquelle hinzufügen' }).click();
    const form = page.getByRole('form', { name: 'Verzeichnisquelle' });
    await form.getByLabel('Server (ldap:// oder ldaps://)').fill(slapd.url);
    await form.getByLabel('Dienstkonto (Bind-DN)').fill(serviceDn);
    await form.getByLabel('Passwort des Dienstkontos').fill(servicePassword);
    await form.getByLabel('Basis-DN (Suche ab hier)').fill(suffix);
    await form.getByLabel('Filter für Personen').fill('(objectClass=inetOrgPerson)');
    await form.getByLabel(/Gruppen, deren Mitglieder/).fill(groupDn('wachsam'));
    await form.getByLabel('Eindeutige Kennung (AD: objectGUID)').fill('entryUUID');
    await form.getByLabel('Gruppen → Rollen').fill(`${groupDn('helfer')} = Helfer/in`);
    await form.getByLabel('Gruppen → Alarmgruppen').fill(`${groupDn('helfer')} = Helfer Sozialamt`);
    await form.getByRole('button', { name: 'Speichern' }).click();

    const saved = page.getByRole('form', { name: 'Verzeichnisquelle' }).first();
    await saved.getByText('gespeichert; leer lassen, um es zu behalten').waitFor();
    await saved.getByRole('button', { name: 'Probelauf' }).click();
    await saved.getByText('Probelauf (nichts geändert)').waitFor({ timeout: 60_000 });
    await saved.getByText('12 gelesen: 11 neu, 0 geändert, 0 deaktiviert, 0 wieder aktiv, 0 abgelehnt.').waitFor();
    const cookie = await loginCookie(server.url, 'it@musterstadt.example');
    const people = async () =>
      (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
        login: string | null;
        roles: string[];
      }>;
    expect((await people()).some((p) => p.login === 'person0')).toBe(false);
    await screenshot(page, 'directory-dry-run');

    await saved.getByRole('button', { name: 'Übernehmen' }).click();
    await saved.getByText('Übernommen', { exact: true }).waitFor({ timeout: 60_000 });
    expect((await people()).find((p) => p.login === 'person0')?.roles.sort()).toEqual(['employee', 'helper']);
    expect((await people()).some((p) => p.login === 'person11')).toBe(false); // disabled in AD

    await page.getByRole('button', { name: 'Token erzeugen' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Geheimes Token:' });
    const token = (await notice.locator('code').nth(1).textContent())!;
    expect(token).toMatch(/^wsscim_/);
    const scim = await fetch(`${server.url}/scim/v2/Users?filter=${encodeURIComponent('userName eq "person0"')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await scim.json()).totalResults).toBe(1);
    await screenshot(page, 'directory-applied');
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/**
 * A production installation from nothing (issue 9, row 9): `wachsam setup` as the operator runs
 * it on a fresh PGlite folder and on a fresh PostgreSQL database, the server refusing the demo
 * in production, and the one-time setup form in the browser on a fresh server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, throwawayPostgres } from '@wachsam/server/testing';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';
import {
  freePort,
  loginCookie,
  runToEnd,
  serverMain,
  startServer,
  until,
  wachsamCli,
  type ServerProcess,
} from './helpers/processes.js';

const adminPassword = 'Rathaus-Admin-2025';
const dpoPassword = 'Datenschutz-Geheim-7';
const setupFlags = [
  '--org-name',
  'Gemeinde Beispielheim',
  '--admin-first-name',
  'Erika',
  '--admin-last-name',
  'Mustermann',
  '--admin-login',
  'it@beispielheim.example',
];

describe('first-run setup and production start', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  const work = mkdtempSync(join(tmpdir(), 'wachsam-setup-e2e-'));
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    rmSync(work, { recursive: true, force: true });
  });
  const started = async (env: Record<string, string>): Promise<ServerProcess> => {
    const s = await startServer(env);
    cleanup.push(() => s.kill('SIGKILL'));
    return s;
  };

  it('wachsam setup creates the organisation and its first admin on a fresh PGlite folder, once, and the server starts with it and no demo', async () => {
    const dataDir = join(work, 'pglite');
    const first = await runToEnd(wachsamCli, ['setup', ...setupFlags], {
      DATA_DIR: dataDir,
      WACHSAM_ADMIN_PASSWORD: adminPassword,
    });
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain('Organisation „Gemeinde Beispielheim“ (gemeinde-beispielheim) angelegt.');
    expect(first.out).toContain('wachsam grant-role'); // no second approver yet: the way out is named
    expect(first.out).not.toContain(adminPassword);

    const again = await runToEnd(wachsamCli, ['setup', ...setupFlags], {
      DATA_DIR: dataDir,
      WACHSAM_ADMIN_PASSWORD: adminPassword,
    });
    expect(again.code).toBe(1);
    expect(again.out).toContain('bereits eingerichtet');
    expect(again.out).toContain('already set up');

    // Alone, nobody could confirm a register role: the operator's way out, recorded in the audit log.
    const granted = await runToEnd(
      wachsamCli,
      ['grant-role', '--login', 'it@beispielheim.example', '--role', 'data_protection'],
      { DATA_DIR: dataDir },
    );
    expect(granted.code, granted.out).toBe(0);

    // The server on that folder (DEMO unset, a developer machine): the organisation is there, no demo.
    const server = await started({ DATA_DIR: dataDir });
    expect(server.output()).not.toContain('Demo-Organisation angelegt');
    expect(server.output()).not.toContain('Einrichtungscode');
    const admin = await loginCookie(server.url, 'it@beispielheim.example', adminPassword);
    const me = (await api(server.url, 'GET', '/api/auth/me', { cookie: admin })).body;
    expect(me).toMatchObject({
      roles: ['employee', 'admin', 'data_protection'],
      organisation: { name: 'Gemeinde Beispielheim' },
    });
    const audit = (await api(server.url, 'GET', '/api/admin/audit', { cookie: admin })).body as Array<{
      actor: string;
      action: string;
    }>;
    expect(audit.find((e) => e.action === 'role.granted_by_operator')?.actor).toMatch(/^Betrieb \(Kommandozeile, /);
    expect(audit.find((e) => e.action === 'organisation.created')?.actor).toMatch(/^Ersteinrichtung \(Kommandozeile, /);
    await expect(loginCookie(server.url, 'it@musterstadt.example')).rejects.toThrow(/401/);
    expect((await api(server.url, 'GET', '/api/setup')).body).toEqual({ needed: false });

    // While the server holds the folder, the CLI is refused at once (the PGlite folder lock).
    const locked = await runToEnd(wachsamCli, ['setup', ...setupFlags], {
      DATA_DIR: dataDir,
      WACHSAM_ADMIN_PASSWORD: adminPassword,
    });
    expect(locked.code).toBe(3);
    expect(locked.out).toContain(resolve(dataDir));
    expect(locked.out).toContain('Den Server beenden');
  });

  it('wachsam setup creates the organisation, its admin and its data-protection officer on a fresh PostgreSQL database (passwords from stdin)', async () => {
    const db = await throwawayPostgres();
    cleanup.push(() => db.drop());
    const env = { DATABASE_URL: db.url, DATA_DIR: join(work, 'pg-data') };
    const missing = await runToEnd(wachsamCli, ['setup', '--org-name', 'Kreis Ohnename'], env);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('--admin-login (WACHSAM_ADMIN_LOGIN)');

    const done = await runToEnd(
      wachsamCli,
      [
        'setup',
        ...setupFlags,
        '--org-slug',
        'beispielheim',
        '--dpo-first-name',
        'Dora',
        '--dpo-last-name',
        'Datenschutz',
        '--dpo-login',
        'datenschutz@beispielheim.example',
        '--password-stdin',
      ],
      env,
      { input: `${adminPassword}\n${dpoPassword}\n` },
    );
    expect(done.code, done.out).toBe(0);
    expect(done.out).toContain('(beispielheim) angelegt');
    expect(done.out).toContain('Datenschutz:    datenschutz@beispielheim.example');
    expect(done.out).not.toContain(adminPassword);
    expect(done.out).not.toContain(dpoPassword);

    // The server (production: NODE_ENV=production) serves the organisation; the setup stays shut.
    const server = await started({ ...env, NODE_ENV: 'production' });
    const dpo = await loginCookie(server.url, 'datenschutz@beispielheim.example', dpoPassword);
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: dpo })).body.roles).toEqual([
      'employee',
      'data_protection',
    ]);
    // A forgotten password of a four-eyes holder: the operator resets it while the server runs;
    // every session of the person ends.
    const reset = await runToEnd(wachsamCli, ['reset-password', '--login', 'datenschutz@beispielheim.example'], {
      ...env,
      WACHSAM_PASSWORD: 'Vom-Betrieb-gesetzt-9',
    });
    expect(reset.code, reset.out).toBe(0);
    expect(reset.out).not.toContain('Vom-Betrieb-gesetzt-9');
    expect((await api(server.url, 'GET', '/api/auth/me', { cookie: dpo })).status).toBe(401);
    await loginCookie(server.url, 'datenschutz@beispielheim.example', 'Vom-Betrieb-gesetzt-9');
    const unknown = await runToEnd(wachsamCli, ['reset-password', '--login', 'niemand@beispielheim.example'], {
      ...env,
      WACHSAM_PASSWORD: 'Vom-Betrieb-gesetzt-9',
    });
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain('Keine Person mit dem Anmeldenamen');

    // The PostgreSQL server is shared: a second setup while it runs is refused by the database, not a lock.
    const again = await runToEnd(wachsamCli, ['setup', ...setupFlags, '--password-stdin'], env, {
      input: `${adminPassword}\n`,
    });
    expect(again.code).toBe(1);
    expect(again.out).toContain('bereits eingerichtet');
  });

  it('the demo banner prints an agent command that works as printed, from any folder', async () => {
    const server = await started({ DATA_DIR: join(work, 'demo'), DEMO: 'true' });
    await until('the demo banner', () => server.output().includes('Demo-Arbeitsplatz: '));
    const line = server
      .output()
      .split('\n')
      .find((l) => l.startsWith('Demo-Arbeitsplatz: '))!;
    const command = line.slice('Demo-Arbeitsplatz: '.length);
    // Not `npx`: that looks a package of that name up in the registry (E404, or a stranger's).
    expect(command).not.toContain('npx');
    const run = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn('sh', ['-c', command], { cwd: tmpdir(), env: { ...process.env } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => done({ code, out }));
    });
    expect(run.code, run.out).toBe(0);
    // The alarm exists, raised from the demo workstation.
    const desk = await loginCookie(server.url, 'pforte@musterstadt.example');
    const alarms = await api(server.url, 'GET', '/api/alarms', { cookie: desk });
    expect(alarms.status).toBe(200);
    expect(JSON.stringify(alarms.body)).toContain('PC-BB-01');
  });

  it('the server refuses DEMO=true with an https PUBLIC_URL or NODE_ENV=production, naming the variable', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { PUBLIC_URL: 'https://wachsam.beispielheim.example' },
        /PUBLIC_URL ist https \(https:\/\/wachsam\.beispielheim\.example\)/,
      ],
      [{ NODE_ENV: 'production' }, /\(NODE_ENV=production\)/],
    ];
    for (const [env, reason] of cases) {
      const run = await runToEnd(
        serverMain,
        [],
        {
          ...env,
          DEMO: 'true',
          DATA_DIR: join(work, 'refused'),
          PORT: String(await freePort()),
        },
        { timeoutMs: 60_000 },
      );
      expect(run.code, run.out).toBe(2);
      expect(run.out).toContain('DEMO: DEMO=true ist in einer Produktivinstallation nicht erlaubt');
      expect(run.out).toContain('DEMO: DEMO=true is refused on a production installation');
      expect(run.out).toMatch(reason);
      expect(run.out).not.toContain('Wachsam läuft');
    }
  });

  describe('the one-time setup form', () => {
    let browser: Browser;
    beforeAll(async () => {
      assertWebBuilt();
      browser = await launchBrowser();
    });
    afterAll(() => browser?.close());

    it('on a fresh production server: needs the printed code, creates the organisation, and is gone afterwards', async () => {
      // NODE_ENV=production and DEMO unset: no demo, the setup code on the console.
      const server = await started({ NODE_ENV: 'production', DATA_DIR: join(work, 'form') });
      const printed = /Einrichtungscode \/ setup code: (\S+)/.exec(server.output());
      expect(printed, server.output()).not.toBeNull();
      const code = printed![1]!;
      expect(server.output()).toContain(`${server.url}/einrichtung#${code}`);
      expect(server.output()).not.toContain('Demo-Organisation');

      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'de-DE' });
      const page = await context.newPage();
      const errors = collectConsoleErrors(page);
      // Without the code (someone else on the network who opens the address first).
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Wachsam einrichten' }).waitFor();
      expect(await seriousAxeFindings(page)).toEqual([]);
      const form = page.getByRole('form', { name: 'Wachsam einrichten' });
      await form.getByLabel('Einrichtungscode').fill('geraten');
      await form.getByLabel('Name (z. B. Stadt Musterstadt)').fill('Stadt Formularhausen');
      await form.getByLabel('Kurzname (a–z, 0–9, Bindestrich)').fill('formularhausen');
      const admin = form.getByRole('group', { name: 'Erste Administration' });
      await admin.getByLabel('Vorname').fill('Fritz');
      await admin.getByLabel('Nachname').fill('Formular');
      await admin.getByLabel('Anmeldename (E-Mail)').fill('it@formularhausen.example');
      await admin.getByLabel('Passwort (mindestens 10 Zeichen)').fill(adminPassword);
      await admin.getByLabel('Passwort wiederholen').fill(adminPassword);
      const dpo = form.getByRole('group', { name: 'Datenschutzbeauftragte/r (empfohlen)' });
      await dpo.getByLabel('Vorname').fill('Dana');
      await dpo.getByLabel('Nachname').fill('Schutz');
      await dpo.getByLabel('Anmeldename (E-Mail)').fill('datenschutz@formularhausen.example');
      await dpo.getByLabel('Passwort (mindestens 10 Zeichen)').fill(dpoPassword);
      await dpo.getByLabel('Passwort wiederholen').fill(dpoPassword);
      await form.getByRole('button', { name: 'Einrichten' }).click();
      await page.getByRole('alert').filter({ hasText: 'Der Einrichtungscode ist falsch' }).waitFor();

      // With the link the server printed, the code is filled in.
      await page.goto(`${server.url}/einrichtung#${code}`);
      await page.getByRole('heading', { name: 'Wachsam einrichten' }).waitFor();
      expect(await form.getByLabel('Einrichtungscode').inputValue()).toBe(code);
      await form.getByLabel('Name (z. B. Stadt Musterstadt)').fill('Stadt Formularhausen');
      await form.getByLabel('Kurzname (a–z, 0–9, Bindestrich)').fill('formularhausen');
      await admin.getByLabel('Vorname').fill('Fritz');
      await admin.getByLabel('Nachname').fill('Formular');
      await admin.getByLabel('Anmeldename (E-Mail)').fill('it@formularhausen.example');
      await admin.getByLabel('Passwort (mindestens 10 Zeichen)').fill(adminPassword);
      await admin.getByLabel('Passwort wiederholen').fill(adminPassword);
      // No data-protection officer this time (the fields stay empty): a single administrator.
      expect(await dpo.getByLabel('Vorname').inputValue()).toBe('');
      await screenshot(page, 'setup-form');
      await form.getByRole('button', { name: 'Einrichten' }).click();
      await page.getByRole('status').filter({ hasText: 'Wachsam ist eingerichtet: Stadt Formularhausen' }).waitFor();
      expect(new URL(page.url()).hash).toBe(''); // the code left the address bar

      await page.getByLabel('Anmeldename').fill('it@formularhausen.example');
      await page.getByLabel('Passwort').fill(adminPassword);
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await page.getByRole('button', { name: 'Abmelden' }).waitFor();
      await page.getByText('Stadt Formularhausen').first().waitFor();
      await screenshot(page, 'setup-after-login');

      // Alone, the administrator cannot give anyone a register role: the page says so and names the way out.
      await page.getByRole('link', { name: 'Administration' }).click();
      await page.getByRole('link', { name: 'Personen', exact: true }).click();
      await page
        .getByRole('row')
        .filter({ hasText: 'Fritz Formular' })
        .getByRole('button', { name: 'Bearbeiten' })
        .click();
      const edit = page.getByRole('form', { name: 'Bearbeiten' });
      await edit.getByRole('checkbox', { name: 'Datenschutz' }).check();
      await edit.getByRole('button', { name: 'Speichern' }).click();
      await page.getByText('Datenschutz (wartet auf Freigabe)').waitFor();
      await page.getByRole('link', { name: 'Freigaben', exact: true }).click();
      await page.getByText(/Niemand sonst kann freigeben: es gibt keine zweite Person/).waitFor();
      await page.getByText(/wachsam grant-role/).waitFor();
      await screenshot(page, 'setup-single-admin');

      // Gone afterwards: the form does not come back, and the API refuses, code or not.
      const fresh = await browser.newContext({ locale: 'de-DE' });
      const later = await fresh.newPage();
      await later.goto(`${server.url}/einrichtung#${code}`);
      await later.getByRole('heading', { name: 'Anmelden' }).waitFor();
      expect(await later.getByRole('heading', { name: 'Wachsam einrichten' }).count()).toBe(0);
      const api409 = await api(server.url, 'POST', '/api/setup', {
        body: {
          token: code,
          organisation: { name: 'Nachzügler', slug: 'nachzuegler' },
          admin: { firstName: 'N', lastName: 'Z', login: 'n@nachzuegler.example', password: 'nachzuegler-123' },
        },
      });
      expect(api409.status).toBe(409);
      expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
      await fresh.close();
      await context.close();
    });
  });
});

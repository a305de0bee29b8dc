/**
 * Rollout at municipal scale (issue 11): an administrator imports rooms, 200 people and 50 PC
 * mappings from German Excel CSV files in the browser, creates one enrolment token, 50 agents
 * enrol themselves with it (each process with its own PC name, as a terminal-server session
 * reports it), and an alarm from a mapped PC reaches the alarm group of its room.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@wachsam/server/testing';
import {
  assertWebBuilt,
  collectConsoleErrors,
  launchBrowser,
  loginViaForm,
  screenshot,
  seriousAxeFindings,
} from './helpers/browser.js';
import { Relay } from './helpers/agent.js';
import { agentCli, loginCookie, startServer, until, type ServerProcess } from './helpers/processes.js';

const floors = ['EG', '1. OG', '2. OG', '3. OG', '4. OG'];
/** 50 rooms: ten per floor of the "Bürgerhaus Nord". */
const roomNames = floors.flatMap((_, f) =>
  Array.from({ length: 10 }, (_, r) => `N.${f}${String(r + 1).padStart(2, '0')}`),
);
const building = 'Bürgerhaus Nord';

/** German Excel's "CSV (Trennzeichen-getrennt)": `;`, CRLF, Windows-1252 (Latin-1 for these letters). */
const excelCsv = (rows: string[][]) => Buffer.from(rows.map((r) => r.join(';')).join('\r\n') + '\r\n', 'latin1');

/** Four people per room, each in the room's alarm group; the first sits at the room's PC. */
const person = (i: number) => {
  const room = roomNames[Math.floor(i / 4)]!;
  return { login: `nord.p${String(i).padStart(3, '0')}`, room, first: `Jörg${i}`, last: `Müller-${i}` };
};
const pcName = (i: number) => `NORD-PC-${String(i).padStart(2, '0')}`;

interface AgentRun {
  code: number | null;
  out: string;
}
function runAgent(dir: string, args: string[], env: Record<string, string> = {}): Promise<AgentRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [agentCli, ...args], {
      env: { ...process.env, WACHSAM_AGENT_DIR: dir, DISPLAY: '', WAYLAND_DISPLAY: '', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('rollout: CSV import, one enrolment token, 50 agents', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const work = mkdtempSync(join(tmpdir(), 'wachsam-rollout-e2e-'));
  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ DATA_DIR: join(work, 'data') });
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    errors = collectConsoleErrors(page);
    await loginViaForm(page, server.url, 'it@musterstadt.example', 'demo1234demo');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  const section = async (name: string) => {
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('navigation', { name: 'Bereiche der Administration' }).getByRole('link', { name }).click();
  };

  const importFile = async (kindLabel: string, fileName: string, file: Buffer) => {
    await page.getByLabel('Was importieren?').selectOption({ label: kindLabel });
    await page.getByLabel('CSV-Datei').setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: file });
  };

  it('imports 50 rooms, 200 people and 50 PC mappings in the browser, preview first', async () => {
    await section('CSV-Import');
    await importFile(
      'Räume (mit Gebäuden und Etagen)',
      'raeume.csv',
      excelCsv([
        ['Gebäude', 'Etage', 'Raum', 'Abteilung'],
        ...roomNames.map((r, i) => [building, floors[Math.floor(i / 10)]!, r, 'Bürgerservice Nord']),
      ]),
    );
    await page.getByText('Vorschau, noch nichts übernommen: 50 neu, 0 geändert').waitFor();
    await page.getByText('Erkannt: Zeichensatz Windows-1252, Trennzeichen „;“').waitFor();
    await page.getByRole('button', { name: '50 Änderungen übernehmen' }).click();
    await page.getByText('Übernommen: 50 neu').waitFor();

    const peopleRows = Array.from({ length: 200 }, (_, i) => {
      const p = person(i);
      return [p.login, p.first, p.last, `0221 ${1000 + i}`, p.room, `Team ${p.room}`];
    });
    await importFile(
      'Personen',
      'personen.csv',
      excelCsv([
        ['Benutzername', 'Vorname', 'Nachname', 'Telefon', 'Raum', 'Alarmgruppe'],
        ...peopleRows,
        ['nord.kaputt', 'Kai', 'Kaputt', 'keine Nummer', 'N.001', ''],
      ]),
    );
    await page
      .getByText('Vorschau, noch nichts übernommen: 200 neu, 0 geändert, 0 unverändert, 1 fehlerhaft')
      .waitFor();
    // The faulty line comes first, with its line number and a German reason.
    const firstRow = page
      .getByRole('table', { name: /Zeilen aus personen\.csv/ })
      .getByRole('row')
      .nth(1);
    expect(await firstRow.textContent()).toContain('202');
    expect(await firstRow.textContent()).toContain('Telefon: nur Ziffern, Leerzeichen und + ( ) / -');
    await screenshot(page, 'rollout-import-preview');
    const apply = page.getByRole('button', { name: '200 Änderungen übernehmen' });
    expect(await apply.isDisabled()).toBe(true);
    await page.getByLabel('1 fehlerhafte Zeile überspringen').check();
    await apply.click();
    await page.getByText('Übernommen: 200 neu').waitFor({ timeout: 60_000 });

    await importFile(
      'Rechnerzuordnung (Rechnername → Raum)',
      'rechner.csv',
      excelCsv([
        ['Computername', 'Gebäude', 'Raum', 'Anmeldename'],
        ...roomNames.map((r, i) => [pcName(i), building, r, person(i * 4).login]),
      ]),
    );
    await page.getByText('Vorschau, noch nichts übernommen: 50 neu').waitFor();
    await page.getByRole('button', { name: '50 Änderungen übernehmen' }).click();
    await page.getByText('Übernommen: 50 neu').waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
  });

  it('50 agents enrol with one organisation token by their PC names; an unmapped PC shows as "Zuordnung fehlt"; an alarm from a mapped PC reaches its room group', async () => {
    await section('Registrierungsschlüssel');
    await page.getByLabel('Name', { exact: true }).fill('GPO Bürgerhaus Nord');
    await page.getByRole('button', { name: 'Schlüssel erzeugen' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'wird nur jetzt angezeigt' });
    const secret = (await notice.locator('code').first().textContent())!.trim();
    expect(secret).toMatch(/^wsorg_/);
    await screenshot(page, 'rollout-token');

    // Software distribution: each PC's agent enrols itself; a terminal-server session names its client.
    const dirs = Array.from({ length: 50 }, (_, i) => join(work, `pc-${i}`));
    const results: AgentRun[] = [];
    for (let start = 0; start < 50; start += 10)
      results.push(
        ...(await Promise.all(
          dirs.slice(start, start + 10).map((dir, k) =>
            runAgent(dir, ['enroll', '--server', server.url], {
              WACHSAM_ORG_TOKEN: secret,
              CLIENTNAME: pcName(start + k),
            }),
          ),
        )),
      );
    results.forEach((r, i) => {
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(
        `Registriert: ${pcName(i)} (${roomNames[i]}, ${floors[Math.floor(i / 10)]}, ${building})`,
      );
    });
    // Run again by the install script: already enrolled is success, not an error.
    const again = await runAgent(dirs[0]!, ['enroll', '--server', server.url], { WACHSAM_ORG_TOKEN: secret });
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('bereits registriert');

    const stray = await runAgent(join(work, 'stray'), ['enroll', '--server', server.url, '--org-token', secret], {
      CLIENTNAME: 'NORD-PC-99',
    });
    expect(stray.code, stray.out).toBe(0);
    expect(stray.out).toContain('Zuordnung fehlt');

    await page.reload();
    await page.getByRole('cell', { name: 'GPO Bürgerhaus Nord' }).waitFor();
    expect(await page.getByRole('row', { name: /GPO Bürgerhaus Nord/ }).textContent()).toContain('51');
    await section('Geräte');
    await page
      .getByRole('row', { name: /NORD-PC-99/ })
      .filter({ hasText: 'Zuordnung fehlt' })
      .waitFor();
    // The room's name shows once the rooms are loaded (until then its id).
    await page
      .getByRole('row', { name: /NORD-PC-17/ })
      .filter({ hasText: roomNames[17]! })
      .waitFor();
    await screenshot(page, 'rollout-devices');

    // The room of PC 17 has a plan: its team first.
    const admin = await loginCookie(server.url, 'it@musterstadt.example');
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: admin })).body as Array<{
      id: string;
      name: string;
    }>;
    const groups = (await api(server.url, 'GET', '/api/admin/groups', { cookie: admin })).body as Array<{
      id: string;
      name: string;
      memberIds: string[];
    }>;
    const team = groups.find((g) => g.name === `Team ${roomNames[17]}`)!;
    expect(team.memberIds).toHaveLength(4);
    const plan = await api(server.url, 'POST', '/api/admin/plans', {
      cookie: admin,
      body: {
        name: `Raum ${roomNames[17]}`,
        scope: { kind: 'room', roomId: rooms.find((r) => r.name === roomNames[17])!.id },
        steps: [{ targets: [{ kind: 'group', groupId: team.id }], timeoutSeconds: 60, minOnline: 0 }],
      },
    });
    expect(plan.status).toBe(201);

    const trigger = await runAgent(dirs[17]!, ['trigger', '--wait', '30', '--no-background']);
    expect(trigger.code, trigger.out).toBe(0);
    const desk = await loginCookie(server.url, 'pforte@musterstadt.example');
    type Listed = { id: string; location: { workstation: string } };
    const fromPc17 = async () =>
      ((await api(server.url, 'GET', '/api/alarms', { cookie: desk })).body.alarms as Listed[]).find(
        (a) => a.location.workstation === pcName(17),
      );
    await until('the alarm from NORD-PC-17', async () => (await fromPc17()) !== undefined);
    const alarm = (await fromPc17())!;
    expect(alarm).toMatchObject({ location: { room: roomNames[17], building }, sender: { lastName: 'Müller-68' } });
    const detail = (await api(server.url, 'GET', `/api/alarms/${alarm.id}`, { cookie: desk })).body as {
      receivers: Array<{ personId: string; step: number }>;
    };
    // The team of the room, without the sender at the PC.
    const sender = (await api(server.url, 'GET', '/api/admin/people', { cookie: admin })).body.find(
      (p: { login: string }) => p.login === person(68).login,
    );
    expect(detail.receivers.map((r) => r.personId).sort()).toEqual(
      team.memberIds.filter((id) => id !== sender.id).sort(),
    );
    expect(detail.receivers.every((r) => r.step === 1)).toBe(true);
    expect(errors).toEqual([]);
  });
  it('an agent that enrols before the network is up keeps trying and enrols when the server is reachable', async () => {
    const admin = await loginCookie(server.url, 'it@musterstadt.example');
    const { secret } = (
      await api(server.url, 'POST', '/api/admin/enrolment-tokens', { cookie: admin, body: { name: 'Nachzügler' } })
    ).body;
    const relay = new Relay(Number(new URL(server.url).port));
    await relay.start();
    await relay.stop(); // the port is known, nothing answers yet: the PC booted before its network
    const child = spawn(process.execPath, [agentCli, 'enroll', '--server', relay.url, '--org-token', secret], {
      env: {
        ...process.env,
        WACHSAM_AGENT_DIR: join(work, 'late'),
        CLIENTNAME: 'NORD-PC-98',
        WACHSAM_ENROL_WAIT_SECONDS: '300',
        DISPLAY: '',
        WAYLAND_DISPLAY: '',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until('a retry notice', () => out.includes('neuer Versuch'), 60_000);
    await relay.start();
    expect(await exited, out).toBe(0);
    expect(out).toContain('Registriert: NORD-PC-98');
    await relay.stop();
  });
});

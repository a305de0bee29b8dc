import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { FakeClock } from '../clock.js';
import { FunctionTestSummary } from '../devices/test-summary.js';
import { SmtpMailer } from './mail.js';
import { devices, functionTests, people } from '../db/schema.js';
import { api, startTestServer, TestRealtime, type TestServer } from '../testing.js';

/** A real SMTP server on a free port that keeps every message it accepts, parsed. */
async function mailbox() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address: string) => received.filter((m) => JSON.stringify(m.to).includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const login = (name: string) => `${name}@musterstadt.example`;

describe('e-mail to those not on a screen, against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof mailbox>>;
  let server: TestServer;
  // 2026-12-08 06:30 in Berlin.
  const clock = new FakeClock(Date.parse('2026-12-08T05:30:00Z'));
  const setMail = (who: string, email: string | null) =>
    server.database.db
      .update(people)
      .set({ email })
      .where(eq(people.login, login(who)));
  const raise = async (who: string, test = false) =>
    api(server.url, 'POST', '/api/alarms', {
      cookie: await server.login(login(who)),
      headers: { 'idempotency-key': randomUUID() },
      body: { source: 'console', test },
    });

  beforeAll(async () => {
    smtp = await mailbox();
    server = await startTestServer({
      clock,
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Wachsam <wachsam@musterstadt.example>',
        ALARM_MAIL_CONTROL_CENTRE: 'leitstelle-postfach@musterstadt.example',
        PUBLIC_URL: 'http://wachsam.musterstadt.example',
      },
    });
    await setMail('jonas.becker', 'jonas.becker@post.musterstadt.example');
    await setMail('pforte', 'pforte@post.musterstadt.example');
    await setMail('it', 'it@post.musterstadt.example');
    await setMail('leitstelle', 'leitstelle@post.musterstadt.example');
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('mails an alerted receiver without a connection, not one on a screen, and the control centre at its step', async () => {
    // The desk is on a screen; Jonas (same floor) is not.
    const desk = await TestRealtime.connect(server.url, { cookie: await server.login(login('pforte')) });
    const raised = await raise('anna.schmidt');
    expect(raised.status).toBe(201);
    const id = raised.body.alarm.id as string;
    await server.wachsam.services.offlineAlerts.idle();
    await vi.waitFor(() => expect(smtp.to('jonas.becker@post')).toHaveLength(1), { timeout: 30_000 });
    const [mail] = smtp.to('jonas.becker@post');
    expect(mail!.from?.value[0]).toMatchObject({ name: 'Wachsam', address: 'wachsam@musterstadt.example' });
    expect(mail!.subject).toMatch(/^ALARM: Anna Schmidt braucht Hilfe – E\.01/);
    expect(mail!.text).toContain('Stiller Alarm: Anna Schmidt braucht Hilfe.');
    expect(mail!.text).toContain(`In Wachsam öffnen: http://wachsam.musterstadt.example/?alarm=${id}`);
    expect(mail!.text).toContain('keine Verbindung');
    // One e-mail per person: nobody sees another receiver's address.
    expect(mail!.to).toMatchObject({ text: 'jonas.becker@post.musterstadt.example' });
    expect(smtp.to('pforte@post')).toEqual([]);

    // Nobody answers: the alarm escalates to the control centre's step (which asks to call 110).
    for (const seconds of [31, 61]) {
      clock.advance(seconds * 1000);
      await server.wachsam.tick();
    }
    await server.wachsam.services.offlineAlerts.idle();
    await vi.waitFor(() => expect(smtp.to('leitstelle-postfach')).toHaveLength(1), { timeout: 30_000 });
    const [centre] = smtp.to('leitstelle-postfach');
    expect(centre!.subject).toMatch(/^ALARM: Anna Schmidt/);
    expect(centre!.text).toContain('Polizei (110)');
    await desk.close();
    await api(server.url, 'POST', `/api/alarms/${id}/resolve`, {
      cookie: await server.login(login('pforte')),
      body: { outcome: 'false_alarm' },
    });
  });

  it('marks a test alarm as such and leaves the control centre out, also where its step comes first', async () => {
    // A counter whose plan alerts the control centre at once (the step asks to call 110).
    const it = await server.login(login('it'));
    const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: it })).body as Array<{
      id: string;
      name: string;
    }>;
    const plan = await api(server.url, 'POST', '/api/admin/plans', {
      cookie: it,
      body: {
        name: 'Schalter: Leitstelle sofort',
        scope: { kind: 'room', roomId: rooms.find((r) => r.name.startsWith('E.01'))!.id },
        steps: [
          { targets: [{ kind: 'role', role: 'control_centre' }], timeoutSeconds: 120, callPolice: true, minOnline: 1 },
        ],
      },
    });
    expect(plan.status).toBe(201);
    const centre = () => smtp.to('leitstelle-postfach').length;
    const centreBefore = centre();

    const before = smtp.received.length;
    expect((await raise('anna.schmidt', true)).status).toBe(201);
    await server.wachsam.services.offlineAlerts.idle();
    await vi.waitFor(() => expect(smtp.received.length).toBeGreaterThan(before), { timeout: 30_000 });
    const mails = smtp.received.slice(before);
    expect(mails.every((m) => m.subject?.startsWith('TESTALARM – keine Gefahr: '))).toBe(true);
    expect(mails.some((m) => m.text?.includes('TESTALARM – KEINE GEFAHR. Bitte nicht ausrücken.'))).toBe(true);
    expect(centre()).toBe(centreBefore);

    // The same alarm for real reaches the mailbox at once.
    const real = await raise('anna.schmidt');
    await server.wachsam.services.offlineAlerts.idle();
    await vi.waitFor(() => expect(centre()).toBe(centreBefore + 1), { timeout: 30_000 });
    await api(server.url, 'POST', `/api/alarms/${real.body.alarm.id}/resolve`, {
      cookie: await server.login(login('pforte')),
      body: { outcome: 'false_alarm' },
    });
    await api(server.url, 'DELETE', `/api/admin/plans/${plan.body.id}`, { cookie: it });
  });

  it('sends administration the function tests of the last 24 hours once a day from 7:00', async () => {
    const [pc] = await server.database.db.select().from(devices).where(eq(devices.name, 'PC-BB-01'));
    await server.database.db.insert(functionTests).values({
      orgId: pc!.orgId,
      deviceId: pc!.id,
      trigger: 'scheduled',
      requestedAt: new Date(clock.now().getTime() - 3600_000),
      completedAt: new Date(clock.now().getTime() - 3590_000),
      result: 'failed',
      detail: 'Keine Echtzeitverbindung',
    });
    const summaries = () => smtp.to('it@post').filter((m) => m.subject?.startsWith('Wachsam: Funktionstests'));
    // 06:33 in Berlin: not yet.
    await server.wachsam.tick();
    expect(summaries()).toHaveLength(0);
    clock.advance(30 * 60_000); // 07:03
    await server.wachsam.tick();
    await vi.waitFor(() => expect(summaries()).toHaveLength(1), { timeout: 30_000 });
    const [summary] = summaries();
    expect(summary!.subject).toBe('Wachsam: Funktionstests der letzten 24 Stunden – Stadt Musterstadt');
    expect(summary!.text).toContain('0 bestanden, 1 fehlgeschlagen, 0 ohne Antwort');
    expect(summary!.text).toMatch(/- PC-BB-01 \(E\.01[^)]*\): fehlgeschlagen, .* – Keine Echtzeitverbindung/);
    expect(summary!.text).toContain('Plätze geschützt: 0 von 1 Arbeitsplätzen mit Verbindung');
    // Once a day, also when the housekeeping runs again; the next morning again.
    clock.advance(60 * 60_000);
    await server.wachsam.tick();
    expect(summaries()).toHaveLength(1);
    clock.advance(23 * 3600_000);
    await server.wachsam.tick();
    await vi.waitFor(() => expect(summaries()).toHaveLength(2), { timeout: 30_000 });
    // Several instances on one database: one of them sends (the day is claimed in one statement).
    clock.advance(24 * 3600_000);
    const log = { warn: () => undefined } as unknown as FastifyBaseLogger;
    const mailer = new SmtpMailer(smtp.url, 'Wachsam <wachsam@musterstadt.example>');
    const instances = [1, 2, 3].map(() => new FunctionTestSummary(server.database.db, clock, mailer, log));
    const sent = await Promise.all(instances.map((i) => i.run()));
    mailer.close();
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    await vi.waitFor(() => expect(summaries()).toHaveLength(3), { timeout: 30_000 });
    // When the mail server takes nobody's, the day is not given up: the next run sends it.
    clock.advance(24 * 3600_000);
    const refusing = { send: () => Promise.reject(new Error('421 try later')), close: () => undefined };
    expect(await new FunctionTestSummary(server.database.db, clock, refusing, log).run()).toBe(0);
    await server.wachsam.tick();
    await vi.waitFor(() => expect(summaries()).toHaveLength(4), { timeout: 30_000 });

    // Receivers and the mailbox of the control centre do not get it.
    expect(smtp.to('jonas.becker@post').some((m) => m.subject?.startsWith('Wachsam: Funktionstests'))).toBe(false);
  });
});

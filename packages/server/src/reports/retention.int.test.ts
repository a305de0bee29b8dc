import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import {
  aftercareTasks,
  auditLog,
  incidentFacts,
  incidentReports,
  reportAttachments,
  reportTransitions,
} from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { complaint, createReport, demoPlaces, login, publication, step, threatReport, upload } from './fixtures.js';

const day = 24 * 3600_000;

/** Files under `dir` whose bytes contain `marker`. */
function filesContaining(dir: string, marker: string): string[] {
  const needle = Buffer.from(marker);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name))
    .filter((path) => readFileSync(path).includes(needle));
}

describe.each(backends)('report retention on %s', (backend) => {
  let server: TestServer;
  let clock: FakeClock;
  afterEach(() => server?.close());

  const start = async () => {
    clock = new FakeClock();
    server = await startTestServer({ backend, clock });
  };
  /** Sessions last 12 hours: after a jump in time everybody logs in again. */
  const as = (name: string) => server.login(login(name));
  const db = () => server.database.db;

  /** Anna reports a threat with an evidence file; it goes through the workflow up to `until`. */
  async function reportWithEvidence(until: 'submit' | 'quality-check' | 'archive', evidence: string) {
    const anna = await as('anna.schmidt');
    const places = await demoPlaces(server, await as('it'));
    const created = await createReport(server, anna, threatReport(places.room('E.01')));
    const id = created.body.id as string;
    const file = await upload(server, anna, id, 'drohbrief.txt', evidence, 'text/plain');
    expect(file.status).toBe(201);
    expect((await step(server, anna, id, 'submit')).status).toBe(200);
    if (until === 'submit') return { id, attachmentId: file.body.id };
    const [claudia, personal, central] = await Promise.all([as('claudia.hartmann'), as('personal'), as('sicherheit')]);
    expect((await step(server, claudia, id, 'approve', { comment: 'geprüft' })).status).toBe(200);
    expect((await step(server, personal, id, 'complaint', complaint)).status).toBe(200);
    expect((await step(server, central, id, 'quality-check', { comment: 'vollständig' })).status).toBe(200);
    if (until === 'quality-check') return { id, attachmentId: file.body.id };
    expect((await step(server, central, id, 'publish', publication)).status).toBe(200);
    expect((await step(server, central, id, 'archive', { comment: 'erledigt' })).status).toBe(200);
    return { id, attachmentId: file.body.id };
  }

  /** Rows about this report in each table that holds them. */
  const traces = async (id: string) => {
    const tasks = await db().select().from(aftercareTasks).where(eq(aftercareTasks.reportId, id));
    return {
      reports: (await db().select().from(incidentReports).where(eq(incidentReports.id, id))).length,
      transitions: (await db().select().from(reportTransitions).where(eq(reportTransitions.reportId, id))).length,
      attachments: (await db().select().from(reportAttachments).where(eq(reportAttachments.reportId, id))).length,
      tasks: tasks.length,
      audit: (
        await db()
          .select()
          .from(auditLog)
          .where(inArray(auditLog.subject, [`report:${id}`, ...tasks.map((t) => `task:${t.id}`)]))
      ).length,
    };
  };
  const retentionEntries = () => db().select().from(auditLog).where(eq(auditLog.action, 'retention.deleted'));

  it('deletes a report after its period from every table with its evidence file, workflow, debrief and audit; the anonymous fact stays; the file leaves the database files', async () => {
    await start();
    const evidence = `BEWEIS-${randomUUID()} Ich komme wieder und dann knallt es. Gez. G. Grimmig`;
    const { id } = await reportWithEvidence('archive', evidence);
    const [fact] = await db().select().from(incidentFacts).where(eq(incidentFacts.reportId, id));
    const before = await traces(id);
    expect(before).toMatchObject({ reports: 1, attachments: 1, tasks: 1 });
    expect(Math.min(before.transitions, before.audit)).toBeGreaterThan(0);
    const pgliteBase = backend === 'pglite' ? join(server.dataDir, 'db', 'base') : null;
    if (pgliteBase) {
      await db().execute(sql`checkpoint`);
      expect(filesContaining(pgliteBase, evidence.slice(0, 43)).length).toBeGreaterThan(0);
    }

    // 24 months after the archiving (its last step): kept until the day, deleted after it.
    clock.advance(729 * day);
    await server.wachsam.tick();
    expect((await traces(id)).reports).toBe(1);
    clock.advance(3 * day);
    await server.wachsam.tick();
    expect(await traces(id)).toEqual({ reports: 0, transitions: 0, attachments: 0, tasks: 0, audit: 0 });
    // The statistics keep their anonymous count, unlinked.
    const [kept] = await db().select().from(incidentFacts).where(eq(incidentFacts.id, fact!.id));
    expect(kept).toMatchObject({ reportId: null, level: 2, mainCategory: fact!.mainCategory });

    const entry = (await retentionEntries()).find((e) => 'reports' in (e.detail.counts as object))!;
    expect(entry.detail.counts).toEqual({ reports: 1, attachments: 1 });
    const written = JSON.stringify({ ...entry, id: undefined });
    for (const content of ['Grimmig', 'Schmidt', 'BEWEIS', id]) expect(written).not.toContain(content);

    // Evidence lives in the database (report_attachments.content), not in files of its own: the
    // job rewrites that table, so the bytes are gone from the database's files, not only unlinked.
    if (pgliteBase) {
      await db().execute(sql`checkpoint`);
      expect(filesContaining(pgliteBase, evidence.slice(0, 43))).toEqual([]);
    }
  });

  it('hides a report past its period at once from lists, detail, evidence, register prefill and Art. 15, before the job ran', async () => {
    await start();
    const { id, attachmentId } = await reportWithEvidence('quality-check', `BEWEIS-${randomUUID()}`);
    const readers = async () => {
      // Evidence files are for the reporter, the supervisor and HR (issue 9 row 4), not the central unit.
      const [central, dp, reporter] = await Promise.all([as('sicherheit'), as('datenschutz'), as('anna.schmidt')]);
      const art15 = await api(server.url, 'POST', '/api/register/access-report', {
        cookie: dp,
        body: { lastName: 'Grimmig', firstName: 'Gerd', birthDate: '1975-05-05' },
      });
      return {
        list: (await api(server.url, 'GET', '/api/reports?scope=all', { cookie: central })).body.some(
          (r: { id: string }) => r.id === id,
        ),
        detail: (await api(server.url, 'GET', `/api/reports/${id}`, { cookie: central })).status,
        evidence: (await api(server.url, 'GET', `/api/reports/${id}/attachments`, { cookie: reporter })).status,
        file: (
          await fetch(`${server.url}/api/reports/${id}/attachments/${attachmentId}`, { headers: { cookie: reporter } })
        ).status,
        prefill: (await api(server.url, 'GET', `/api/register/prefill/${id}`, { cookie: central })).status,
        // The answer for the person holds no ids (issue 9 row 1): the reports that name Gerd Grimmig.
        art15: art15.body.incidentReports.length,
      };
    };
    expect(await readers()).toEqual({ list: true, detail: 200, evidence: 200, file: 200, prefill: 200, art15: 1 });

    clock.advance(740 * day);
    expect(await readers()).toEqual({ list: false, detail: 404, evidence: 404, file: 404, prefill: 404, art15: 0 });
    // Invisible, and not yet deleted: the job has not run.
    expect((await traces(id)).reports).toBe(1);
    await server.wachsam.tick();
    expect((await traces(id)).reports).toBe(0);
  });

  it('deletes a draft after its period; every change starts the period again', async () => {
    await start();
    const anna = await as('anna.schmidt');
    const places = await demoPlaces(server, await as('it'));
    const draft = (await createReport(server, anna, threatReport(places.room('E.01')))).body;
    clock.advance(60 * day);
    const edited = await api(server.url, 'PUT', `/api/reports/${draft.id}`, {
      cookie: await as('anna.schmidt'),
      body: { ...threatReport(places.room('E.01')), description: 'Ergänzt: er kam am Folgetag wieder.' },
    });
    expect(edited.status).toBe(200);
    clock.advance(60 * day);
    await server.wachsam.tick();
    expect((await traces(draft.id)).reports).toBe(1);
    clock.advance(32 * day);
    expect(
      (await api(server.url, 'GET', `/api/reports/${draft.id}`, { cookie: await as('anna.schmidt') })).status,
    ).toBe(404);
    await server.wachsam.tick();
    expect((await traces(draft.id)).reports).toBe(0);
    expect((await retentionEntries()).map((e) => e.detail.counts)).toContainEqual({ drafts: 1 });
  });

  it('no longer shows a warning past the register retention, before the archiving job ran', async () => {
    await start();
    const central = await as('sicherheit');
    const settings = (await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body;
    await api(server.url, 'PUT', '/api/zemag/settings', {
      cookie: central,
      body: { ...settings, registerRetentionMonths: 6 },
    });
    const { id } = await reportWithEvidence('quality-check', 'x');
    expect((await step(server, await as('sicherheit'), id, 'publish', publication)).status).toBe(200);
    const shown = async () =>
      (await api(server.url, 'GET', '/api/warnings', { cookie: await as('jonas.becker') })).body.length;
    expect(await shown()).toBe(1);
    clock.advance(190 * day);
    expect(await shown()).toBe(0);
  });
});

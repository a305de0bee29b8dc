import { eq } from 'drizzle-orm';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { registerAccessLog, registerEntries } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, insertReport, login, personId } from './testing.js';

async function pdfText(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

/** Every leaf of a JSON value, as strings: to find stored values in an answer wherever they sit. */
const leaves = (v: unknown): string[] =>
  v === null || v === undefined
    ? []
    : typeof v === 'object'
      ? Object.values(v as Record<string, unknown>).flatMap(leaves)
      : [String(v)];

describe.each(backends)('data-subject rights (Art. 14/15 GDPR) on %s', (backend) => {
  let server: TestServer;
  let central = '';
  let dp = '';
  let entryId = '';
  let reportId = '';
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  const post = (path: string, cookie: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    [central, dp] = await Promise.all([server.login(login('sicherheit')), server.login(login('datenschutz'))]);
    const report = await insertReport(server, { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17' });
    reportId = report.id;
    entryId = (await createEntry(server, central, { sourceReportId: report.id })).id;
    // A namesake with another birth date is somebody else: never part of Kurt's report.
    await createEntry(server, central, { birthDate: '1999-09-09', details: 'NAMENSVETTER' });
    await api(server.url, 'POST', '/api/register/lookup', {
      cookie: await server.login(login('stefan.neumann')),
      body: { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17', purpose: 'home_visit' },
    });
  });
  afterAll(() => server?.close());

  it('lists the open notification task and writes the Art. 14 letter', async () => {
    const tasks = (await api(server.url, 'GET', '/api/register/notifications', { cookie: dp })).body;
    expect(tasks.map((t: { entryId: string }) => t.entryId)).toContain(entryId);
    const res = await fetch(`${server.url}/api/register/entries/${entryId}/notification/letter.pdf`, {
      headers: { cookie: dp },
    });
    const text = await pdfText(res);
    for (const expected of [
      'Kurt Krawallo',
      'Hafenstraße 9',
      'Art. 14',
      '§ 3 des Beschäftigtenschutzgesetzes NRW (BSchG NRW) in Verbindung mit Art. 6 Abs. 1 Buchstabe e DSGVO',
      'Hausverbot vom 01.10.2026 (Aktenzeichen HV-2026-17)',
      'Stadt Musterstadt',
      'Eine Übermittlung an andere Stellen findet nicht statt',
      'Widerspruch',
      'LDI NRW',
      'eigenen Unterlagen',
      '23.11.2028',
    ])
      expect(text).toContain(expected);
    expect(text).not.toMatch(/Anna|Schmidt/);
    const last = (await server.database.db.select().from(registerAccessLog)).at(-1)!;
    expect(last).toMatchObject({ action: 'art14_letter', purpose: 'data_subject_rights' });
  });

  it('records a deferral with reason and review date, then the sending', async () => {
    const deferred = await api(server.url, 'POST', `/api/register/entries/${entryId}/notification/deferred`, {
      cookie: central,
      body: { reason: 'Laufendes Ermittlungsverfahren', reviewAt: '2027-02-01' },
    });
    expect(deferred.body).toEqual({
      status: 'deferred',
      sentAt: null,
      deferral: { reason: 'Laufendes Ermittlungsverfahren', reviewAt: '2027-02-01' },
    });
    const past = await api(server.url, 'POST', `/api/register/entries/${entryId}/notification/deferred`, {
      cookie: dp,
      body: { reason: 'x', reviewAt: '2020-01-01' },
    });
    expect(past.status).toBe(400);
    const sent = await api(server.url, 'POST', `/api/register/entries/${entryId}/notification/sent`, {
      cookie: dp,
      body: { sentAt: '2026-11-23' },
    });
    expect(sent.body).toEqual({ status: 'sent', sentAt: '2026-11-23', deferral: null });
    const tasks = (await api(server.url, 'GET', '/api/register/notifications', { cookie: dp })).body;
    expect(tasks.map((t: { entryId: string }) => t.entryId)).not.toContain(entryId);
    const lookup = await server.login(login('stefan.neumann'));
    expect((await api(server.url, 'GET', '/api/register/notifications', { cookie: lookup })).status).toBe(403);
  });

  it('the Art. 15 JSON holds every stored field of the person and nothing of the reporter', async () => {
    const res = await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body: { entryId } });
    expect(res.status).toBe(200);
    const report = res.body;
    const [row] = await server.database.db.select().from(registerEntries).where(eq(registerEntries.id, entryId));
    const entry = report.registerEntries.find((e: { id: string }) => e.id === entryId);
    // Every column of the stored row and every field of its data document is in the answer.
    const {
      orgId: _o,
      nameKey: _k,
      nameKeys: _ks,
      createdBy: _c,
      data,
      createdAt,
      deletionWarnedAt: _w,
      ...columns
    } = row!;
    for (const [k, v] of Object.entries(columns)) expect(entry[k], k).toEqual(v);
    expect(entry.createdAt).toBe(createdAt.toISOString());
    for (const [k, v] of Object.entries(data)) expect(entry[k], k).toEqual(v);
    // The namesake is not this person.
    expect(JSON.stringify(report)).not.toContain('NAMENSVETTER');

    // The report naming him as causer: all causer fields, the legal steps, the incident.
    const incident = report.incidentReports.find((i: { id: string }) => i.id === reportId);
    const stored = (await server.database.db.query.incidentReports.findFirst({
      where: (r, { eq: is }) => is(r.id, reportId),
    }))!;
    expect(incident.causer).toEqual(stored.data.causer);
    expect(incident.legal).toEqual(stored.data.legal);
    expect(incident.description).toBe(
      // "Sicherheitsdienst" is the last name of the demo's control-centre account: blacked out like any
      // name of the organisation, over-cautiously.
      'Der Mann drohte [geschwärzt] und warf einen Stuhl. [geschwärzt] rief den [geschwärzt].',
    );
    expect(report.disclosures).toEqual([{ at: expect.any(String), purpose: 'home_visit' }]);

    // Nothing about the reporter: name, login, id; no witnesses, no injuries.
    const anna = await personId(server, login('anna.schmidt'));
    const all = JSON.stringify(report);
    for (const secret of ['Anna', 'Schmidt', 'anna.schmidt', anna, 'Jonas Becker', 'Prellung', 'reporter'])
      expect(all, secret).not.toContain(secret);
    expect(leaves(report)).not.toContain(anna);
  });

  it('finds the same by name and birth date, and the PDF says it in German without the reporter', async () => {
    const byName = await api(server.url, 'POST', '/api/register/access-report', {
      cookie: central,
      body: { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17' },
    });
    expect(byName.body.registerEntries.map((e: { id: string }) => e.id)).toEqual([entryId]);
    expect(byName.body.incidentReports.map((i: { id: string }) => i.id)).toEqual([reportId]);

    const text = await pdfText(await post('/api/register/access-report/pdf', dp, { entryId }));
    for (const expected of [
      'Auskunft nach Art. 15 DSGVO',
      'Kurt Krawallo',
      '17.05.1980',
      'Hafenstraße 9',
      'Schlug am Schalter 2 mit dem Stuhl',
      'Hausverbot vom 01.10.2026 (Aktenzeichen HV-2026-17)',
      'StA-4711',
      '§ 3 des Beschäftigtenschutzgesetzes NRW (BSchG NRW) in Verbindung mit Art. 6 Abs. 1 Buchstabe e DSGVO',
      '§ 12 DSG NRW',
      'Beschwerde',
    ])
      expect(text).toContain(expected);
    expect(text).not.toMatch(/Anna|Schmidt|Jonas|Prellung/);
    const log = await server.database.db.select().from(registerAccessLog);
    expect(log.filter((r) => r.action === 'art15_report')).toHaveLength(3);
  });

  it('refuses the rights routes to everyone else', async () => {
    for (const who of ['anna.schmidt', 'stefan.neumann', 'personal', 'claudia.hartmann', 'it']) {
      const cookie = await server.login(login(who));
      const res = await api(server.url, 'POST', '/api/register/access-report', { cookie, body: { entryId } });
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
  });
});

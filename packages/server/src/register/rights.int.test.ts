import { levelLabels } from '@wachsam/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { registerAccessLog } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, insertReport, login, pdfText, personId, post } from './testing.js';

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
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    [central, dp] = await Promise.all([server.login(login('sicherheit')), server.login(login('datenschutz'))]);
    const report = await insertReport(server, { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17' });
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

  it('the Art. 15 JSON equals the allow-list of what is meant for the person, and nothing of the reporter', async () => {
    const res = await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body: { entryId } });
    expect(res.status).toBe(200);
    const report = res.body;
    // Field by field what the person is told about the entry: not the central unit's notes
    // ("Schlug am Schalter 2 …"), no review comments, no ids; dates as TT.MM.JJJJ.
    expect(report.registerEntries).toEqual([
      {
        lastName: 'Krawallo',
        firstName: 'Kurt',
        birthDate: '17.05.1980',
        aliases: ['K. K.'],
        address: 'Hafenstraße 9, 12345 Musterstadt',
        description: 'groß, Glatze, Tätowierung am Hals',
        level: 2,
        levelText: levelLabels[2],
        measures: ['Termine nur zu zweit', 'Sicherheitsdienst hinzuziehen'],
        legalBases: [{ kind: 'Hausverbot', date: '01.10.2026', reference: 'HV-2026-17' }],
        storedOn: '23.11.2026',
        reviewDue: '23.11.2027',
        deletionDue: '23.11.2028',
        reviewedOn: [],
        notification: { status: 'versandt', sentOn: '23.11.2026' },
      },
    ]);
    // The namesake is not this person.
    expect(JSON.stringify(report)).not.toContain('NAMENSVETTER');

    // The report naming him as causer: what it says about him, the legal steps, the incident.
    expect(report.incidentReports).toEqual([
      {
        occurredOn: '01.10.2026',
        time: '12:00',
        place: 'Rathaus, [geschwärzt]',
        categories: ['Bedrohung', 'Sachbeschädigung'],
        level: 2,
        levelText: levelLabels[2],
        // "Sicherheitsdienst" is the last name of the demo's control-centre account: blacked out like
        // any name of the organisation, over-cautiously.
        description: 'Der Mann drohte [geschwärzt] und warf einen Stuhl. [geschwärzt] rief den [geschwärzt].',
        causer: {
          lastName: 'Krawallo',
          firstName: 'Kurt',
          birthDate: '17.05.1980',
          address: 'Hafenstraße 9',
          description: 'Glatze',
        },
        policeInvolved: true,
        legalSteps: [
          { kind: 'Hausverbot', date: '01.10.2026', reference: 'HV-2026-17' },
          { kind: 'Strafanzeige', date: '02.10.2026', reference: 'StA-4711' },
        ],
        evidence: {
          threatCall: null,
          letter: { receivedOn: '01.10.2026', sender: 'K.', content: 'Ich komme wieder' },
          online: null,
        },
        attachments: [],
        warning: { publishedOn: '01.10.2026', summary: 'Bedrohung am Schalter', measures: ['Termine nur zu zweit'] },
      },
    ]);
    expect(report.disclosures).toEqual([{ on: '23.11.2026', purpose: 'Hausbesuch' }]);

    // Nothing about the reporter: name, login, id; no witnesses, no injuries.
    const anna = await personId(server, login('anna.schmidt'));
    const all = JSON.stringify(report);
    for (const secret of ['Anna', 'Schmidt', 'anna.schmidt', anna, 'Jonas Becker', 'Prellung', 'reporter'])
      expect(all, secret).not.toContain(secret);
    expect(leaves(report)).not.toContain(anna);
  });

  it('finds the same by name and birth date, and the PDF says it in German without the reporter or the notes', async () => {
    const byName = await api(server.url, 'POST', '/api/register/access-report', {
      cookie: central,
      body: { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17' },
    });
    const byId = await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body: { entryId } });
    const { reference: _a, ...named } = byName.body;
    const { reference: _b, ...asked } = byId.body;
    expect(named).toEqual(asked);

    const text = await pdfText(await post(server, '/api/register/access-report/pdf', dp, { entryId }));
    for (const expected of [
      'Auskunft über Ihre personenbezogenen Daten (Art. 15 DSGVO)',
      'Kurt Krawallo',
      '17.05.1980',
      'Hafenstraße 9',
      'Hausverbot vom 01.10.2026 (Aktenzeichen HV-2026-17)',
      'StA-4711',
      '§ 3 des Beschäftigtenschutzgesetzes NRW (BSchG NRW) in Verbindung mit Art. 6 Abs. 1 Buchstabe e DSGVO',
      '§ 12 DSG NRW',
      'Beschwerde',
    ])
      expect(text).toContain(expected);
    expect(text).not.toMatch(/Anna|Schmidt|Jonas|Prellung|Schlug am Schalter/);
    const log = await server.database.db.select().from(registerAccessLog);
    expect(log.filter((r) => r.action === 'art15_report')).toHaveLength(4);
  });

  it('refuses the rights routes to everyone else', async () => {
    for (const who of ['anna.schmidt', 'stefan.neumann', 'personal', 'claudia.hartmann', 'it']) {
      const cookie = await server.login(login(who));
      const res = await api(server.url, 'POST', '/api/register/access-report', { cookie, body: { entryId } });
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
  });
});

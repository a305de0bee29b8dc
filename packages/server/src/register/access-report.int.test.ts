import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, insertReport, login, pdfText, personId, post } from './testing.js';

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Every date in the answer, whatever its form: only TT.MM.JJJJ may be there. */
const isoDay = /\d{4}-\d{2}-\d{2}/;
const isoTime = /T\d{2}:\d{2}/;

/** What the central unit wrote for itself, and what names or locates staff, spread over every free-text field. */
const notesForCentralUnitOnly = 'Bedrohung am Schalter E.01 – Vermerk nur für die zentrale Stelle';
const reviewComment = 'Rücksprache mit Jonas Becker gehalten';
const staffSecrets = [
  'Anna',
  'Schmidt',
  'anna.schmidt',
  'Yılmaz',
  'Yilmaz',
  'Mehmet',
  'Jonas',
  'Becker',
  'E.01',
  'E.02',
  'Schalter 2',
  'Durchwahl',
  '555-100',
  '555100',
  'Prellung',
  'Rücksprache',
];

describe.each(backends)('Art. 15 names and locates no employee on %s', (backend) => {
  let server: TestServer;
  let central = '';
  let dp = '';
  let entryId = '';
  let json: Record<string, unknown> = {};
  let pdf = '';
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    [central, dp] = await Promise.all([server.login(login('sicherheit')), server.login(login('datenschutz'))]);
    const report = await insertReport(
      server,
      { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17' },
      {
        description: 'Der Mann drohte Frau Schmidt am Schalter E.02 und rief Herrn Yilmaz unter 0221 555-100 an.',
        place: 'Rathaus, Schalter 2',
        summary: 'Bedrohung von Anna Schmidt im Raum E.01',
        evidence: {
          threatCall: {
            at: '2026-10-01T10:05:00Z',
            line: 'Durchwahl 100',
            callerNumber: '0171 9876543',
            voice: 'laut, kannte Mehmet beim Namen',
            background: '',
            wording: 'Ich warte auf anna.schmidt@musterstadt.example',
          },
          letter: {
            receivedAt: '2026-10-02T08:00:00Z',
            deliveredBy: 'Anna Schmidt',
            sender: 'K.',
            content: 'Ich komme wieder',
          },
          online: null,
        },
      },
    );
    entryId = (
      await createEntry(server, central, {
        sourceReportId: report.id,
        description: 'Vorfall mit Anna Schmidt; wartet oft vor 1.10 Sozialamt Beratung',
        measures: ['Termine nur zu zweit', 'Nicht zu Herrn Yılmaz (Durchwahl 101) lassen'],
        details: notesForCentralUnitOnly,
        legalBases: [
          { kind: 'hausverbot', date: '2026-10-01', reference: 'HV-2026-17 (Sachbearbeitung anna.schmidt)' },
        ],
      })
    ).id;
    const review = await api(server.url, 'POST', `/api/register/entries/${entryId}/review`, {
      cookie: central,
      body: { comment: reviewComment },
    });
    expect(review.status).toBe(200);
    await api(server.url, 'POST', '/api/register/lookup', {
      cookie: await server.login(login('stefan.neumann')),
      body: { lastName: 'Krawallo', firstName: 'Kurt', birthDate: '1980-05-17', purpose: 'home_visit' },
    });
    const res = await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body: { entryId } });
    expect(res.status).toBe(200);
    json = res.body;
    pdf = await pdfText(await post(server, '/api/register/access-report/pdf', dp, { entryId }));
  });
  afterAll(() => server?.close());

  it('never includes the central unit’s notes or review comments, in the PDF or the JSON', () => {
    for (const [what, text] of [
      ['json', JSON.stringify(json)],
      ['pdf', pdf],
    ] as const) {
      expect(text, what).not.toContain('nur für die zentrale Stelle');
      expect(text, what).not.toContain(reviewComment);
    }
    // The review itself is the person's to know: when, not what was said.
    expect(pdf).toContain('Überprüft am 23.11.2026');
  });

  it('blacks out every employee’s name, login, phone line and room in every free text, in the PDF and the JSON', async () => {
    const anna = await personId(server, login('anna.schmidt'));
    for (const [what, text] of [
      ['json', JSON.stringify(json)],
      ['pdf', pdf],
    ] as const) {
      for (const secret of [...staffSecrets, anna])
        expect({ what, secret, found: text.includes(secret) }).toEqual({
          what,
          secret,
          found: false,
        });
    }
    const entry = (json.registerEntries as Array<Record<string, unknown>>)[0]!;
    expect(entry.description).toBe('Vorfall mit [geschwärzt]; wartet oft vor [geschwärzt]');
    expect(entry.measures).toEqual(['Termine nur zu zweit', 'Nicht zu Herrn [geschwärzt] ([geschwärzt]) lassen']);
    expect(entry.legalBases).toEqual([
      { kind: 'Hausverbot', date: '01.10.2026', reference: 'HV-2026-17 (Sachbearbeitung [geschwärzt])' },
    ]);
    const incident = (json.incidentReports as Array<Record<string, unknown>>)[0]!;
    expect(incident.place).toBe('Rathaus, [geschwärzt]');
    expect(incident.description).toBe(
      'Der Mann drohte Frau [geschwärzt] am [geschwärzt] und rief Herrn [geschwärzt] unter [geschwärzt] an.',
    );
    // The person's own number is theirs to know; the line it called is withheld.
    expect(incident.evidence).toEqual({
      threatCall: {
        on: '01.10.2026',
        callerNumber: '0171 9876543',
        voice: 'laut, kannte [geschwärzt] beim Namen',
        background: '',
        wording: 'Ich warte auf [geschwärzt]',
      },
      letter: { receivedOn: '02.10.2026', sender: 'K.', content: 'Ich komme wieder' },
      online: null,
    });
    // The promise the answer makes is part of it.
    expect(pdf).toContain('Namen, Kennungen und Telefonnummern von Beschäftigten');
  });

  it('holds no internal id and one German date format (TT.MM.JJJJ) in the PDF and the JSON', () => {
    for (const [what, text] of [
      ['json', JSON.stringify(json)],
      ['pdf', pdf],
    ] as const) {
      expect(text, what).not.toMatch(uuid);
      expect(text, what).not.toMatch(isoDay);
      expect(text, what).not.toMatch(isoTime);
    }
    expect(json.reference).toMatch(/^DS-15-\d+$/);
    expect(json.date).toBe('23.11.2026');
    expect(json.subject).toEqual({
      lastName: 'Krawallo',
      firstName: 'Kurt',
      birthDate: '17.05.1980',
      address: 'Hafenstraße 9, 12345 Musterstadt',
    });
    expect(json.disclosures).toEqual([{ on: '23.11.2026', purpose: 'Hausbesuch' }]);
    for (const date of ['17.05.1980', '01.10.2026', '23.11.2026', '23.11.2028']) expect(pdf).toContain(date);
  });
});

import { extractText, getDocumentProxy } from 'unpdf';
import { eq } from 'drizzle-orm';
import type { RegisterEntryInput } from '@wachsam/protocol';
import { incidentReports, people } from '../db/schema.js';
import { api, type TestServer } from '../testing.js';
import { readLogKey } from './log-key.js';

/** Test fixtures of the register: a complete entry form, logins, and a report filed directly in the table. */

import { login } from '../reports/fixtures.js';

export { login };

export const entryInput = (over: Partial<RegisterEntryInput> = {}): RegisterEntryInput => ({
  lastName: 'Krawallo',
  firstName: 'Kurt',
  birthDate: '1980-05-17',
  aliases: ['K. K.'],
  address: 'Hafenstraße 9, 12345 Musterstadt',
  description: 'groß, Glatze, Tätowierung am Hals',
  level: 2,
  measures: ['Termine nur zu zweit', 'Sicherheitsdienst hinzuziehen'],
  details: 'Schlug am Schalter 2 mit dem Stuhl nach einer Mitarbeiterin.',
  legalBases: [{ kind: 'hausverbot', date: '2026-10-01', reference: 'HV-2026-17' }],
  sourceReportId: null,
  ...over,
});

export async function createEntry(server: TestServer, cookie: string, over: Partial<RegisterEntryInput> = {}) {
  const res = await api(server.url, 'POST', '/api/register/entries', { cookie, body: entryInput(over) });
  if (res.status !== 201) throw new Error(`create entry failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string } & RegisterEntryInput;
}

export async function personId(server: TestServer, loginName: string): Promise<string> {
  const [p] = await server.database.db.select().from(people).where(eq(people.login, loginName));
  return p!.id;
}

/** A published report about the causer, filed by Anna Schmidt (straight into the table: the reports workflow is tested elsewhere). */
export async function insertReport(
  server: TestServer,
  causer: { lastName: string; firstName: string; birthDate: string | null },
  over: {
    status?: string;
    description?: string;
    otherCategory?: string;
    summary?: string;
    place?: string;
    evidence?: Record<string, unknown>;
  } = {},
) {
  const orgId = (
    await server.database.db
      .select()
      .from(people)
      .where(eq(people.login, login('anna.schmidt')))
  )[0]!.orgId;
  const now = new Date('2026-10-01T10:00:00Z');
  const [row] = await server.database.db
    .insert(incidentReports)
    .values({
      orgId,
      reporterPersonId: await personId(server, login('anna.schmidt')),
      status: over.status ?? 'published',
      occurredAt: now,
      level: 2,
      categories: ['threat', 'property_damage'],
      createdAt: now,
      updatedAt: now,
      publishedAt: now,
      data: {
        occurredAt: now.toISOString(),
        roomId: null,
        address: over.place ?? 'Rathaus, Schalter 2',
        categories: ['threat', 'property_damage'],
        otherCategory: over.otherCategory ?? '',
        level: 2,
        levelReason: '',
        description:
          over.description ?? 'Der Mann drohte Anna Schmidt und warf einen Stuhl. Schmidt rief den Sicherheitsdienst.',
        causer: { known: true, ...causer, address: 'Hafenstraße 9', description: 'Glatze' },
        witnesses: 'Jonas Becker',
        injuries: 'Prellung am Arm',
        policeInvolved: true,
        legal: {
          strafanzeige: { date: '2026-10-02', reference: 'StA-4711' },
          strafantrag: null,
          hausverbot: { date: '2026-10-01', reference: 'HV-2026-17' },
        },
        evidence: over.evidence ?? {
          threatCall: null,
          letter: {
            receivedAt: now.toISOString(),
            deliveredBy: 'Anna Schmidt',
            sender: 'K.',
            content: 'Ich komme wieder',
          },
          online: null,
        },
        alarmId: null,
      },
      warning: { summary: over.summary ?? 'Bedrohung am Schalter', measures: ['Termine nur zu zweit'] },
    })
    .returning();
  return row!;
}

/** The key the test server's register log is chained with. */
export const logKey = (server: TestServer): Buffer => readLogKey(server.logKeyFile);

/** POST with a session cookie and a JSON body, answered as the raw response (for files). */
export const post = (server: TestServer, path: string, cookie: string, body: unknown): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** The text of a PDF answer as a reader gets it (unpdf), whitespace collapsed; anything but a PDF throws. */
export async function pdfText(res: Response): Promise<string> {
  if (res.status !== 200 || res.headers.get('content-type') !== 'application/pdf')
    throw new Error(`expected a PDF, got ${res.status} ${res.headers.get('content-type')}: ${await res.text()}`);
  const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

import { randomUUID } from 'node:crypto';
import type { ReportInputDraft, Role } from '@wachsam/protocol';
import { api, type TestServer } from '../testing.js';

/** Test fixtures for the reports domain: logins, demo places, a new person with a login. */
export const login = (name: string, slug = 'musterstadt') => `${name}@${slug}.example`;

export type Cookies = Record<
  'anna' | 'claudia' | 'personal' | 'sicherheit' | 'stefan' | 'jonas' | 'it' | 'pforte',
  string
>;

export async function loginAll(server: TestServer): Promise<Cookies> {
  const names = {
    anna: 'anna.schmidt',
    claudia: 'claudia.hartmann',
    personal: 'personal',
    sicherheit: 'sicherheit',
    stefan: 'stefan.neumann',
    jonas: 'jonas.becker',
    it: 'it',
    pforte: 'pforte',
  } as const;
  const entries = await Promise.all(
    Object.entries(names).map(async ([k, v]) => [k, await server.login(login(v))] as const),
  );
  return Object.fromEntries(entries) as Cookies;
}

export async function demoPlaces(server: TestServer, admin: string) {
  const departments = (await api(server.url, 'GET', '/api/admin/departments', { cookie: admin })).body as Array<{
    id: string;
    name: string;
  }>;
  const rooms = (await api(server.url, 'GET', '/api/admin/rooms', { cookie: admin })).body as Array<{
    id: string;
    name: string;
  }>;
  const dept = (name: string) => departments.find((d) => d.name === name)!.id;
  const room = (prefix: string) => rooms.find((r) => r.name.startsWith(prefix))!.id;
  return { dept, room };
}

/** A person created through the admin API, with a login and password; returns id and cookie. */
export async function addPerson(
  server: TestServer,
  admin: string,
  p: {
    firstName: string;
    lastName: string;
    departmentId: string;
    roles: Role[];
    login: string;
    roomId?: string;
    phone?: string;
  },
): Promise<{ id: string; cookie: string }> {
  const created = await api(server.url, 'POST', '/api/admin/people', { cookie: admin, body: p });
  if (created.status !== 201) throw new Error(`person not created: ${JSON.stringify(created.body)}`);
  const password = 'test-password-123';
  const set = await api(server.url, 'PUT', `/api/admin/people/${created.body.id}/password`, {
    cookie: admin,
    body: { password },
  });
  if (set.status !== 204) throw new Error(`password not set: ${set.status}`);
  return { id: created.body.id, cookie: await server.login(p.login, password) };
}

/** A complete report above the threshold (a threat: level 2), ready to submit. */
export const threatReport = (roomId: string, over: Partial<ReportInputDraft> = {}): ReportInputDraft => ({
  occurredAt: '2025-03-10T09:30:00+01:00',
  roomId,
  categories: ['threat', 'insult'],
  description: 'Der Kunde drohte am Schalter, er werde mich nach Dienstschluss abpassen.',
  causer: {
    known: true,
    lastName: 'Grimmig',
    firstName: 'Gerd',
    birthDate: '1975-05-05',
    address: 'Hinterhof 3, 12345 Musterstadt',
    description: 'etwa 1,90 m, Glatze, graue Jacke',
  },
  witnesses: 'Sabine Wagner (Schalter 2)',
  injuries: 'Prellung am linken Unterarm',
  policeInvolved: true,
  ...over,
});

/** A create as the web app sends it: with a fresh idempotency key unless the test names one. */
export const createReport = (server: TestServer, cookie: string, body: ReportInputDraft, key: string = randomUUID()) =>
  api(server.url, 'POST', '/api/reports', { cookie, body, headers: { 'idempotency-key': key } });

export const step = (server: TestServer, cookie: string, id: string, action: string, body: object = {}) =>
  api(server.url, 'POST', `/api/reports/${id}/${action}`, { cookie, body });

export const complaint = {
  strafanzeige: { date: '2025-03-12', reference: 'StA Musterstadt 12 Js 345/25' },
  comment: 'Anzeige bei der Polizeiwache Mitte gestellt',
};
export const publication = {
  summary: 'Bedrohung einer Beschäftigten am Schalter durch einen bekannten Kunden.',
  measures: ['Termine nur zu zweit', 'Sicherheitsdienst informieren'],
};

/** Evidence upload as the web app sends it: the raw file with its type, the name in the query. */
export const upload = (
  server: TestServer,
  cookie: string,
  id: string,
  name: string,
  body: Buffer | string,
  mime: string,
) =>
  fetch(`${server.url}/api/reports/${id}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { cookie, 'content-type': mime },
    body,
  }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { id: string; sha256: string; error?: { code: string } },
  }));

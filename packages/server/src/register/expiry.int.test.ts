import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { registerEntries } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, login } from './testing.js';

const day = 24 * 3600_000;

describe.each(backends)('register entries at their deletion date on %s', (backend) => {
  let server: TestServer;
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
  });
  afterAll(() => server?.close());

  it('hides an entry from its deletion date on from lookups, lists, details, due list, Art. 14 and Art. 15, before the job ran', async () => {
    const entry = await createEntry(server, await server.login(login('sicherheit')));
    const person = { lastName: entry.lastName, firstName: entry.firstName, birthDate: entry.birthDate };
    /** Every register read, as each role would make it; sessions are new after each jump in time. */
    const reads = async () => {
      const [central, dp, field] = await Promise.all(
        ['sicherheit', 'datenschutz', 'stefan.neumann'].map((n) => server.login(login(n))),
      );
      const lookup = await api(server.url, 'POST', '/api/register/lookup', {
        cookie: field,
        body: { ...person, purpose: 'home_visit' },
      });
      const has = (list: Array<{ id?: string; entryId?: string }>) =>
        list.some((x) => (x.id ?? x.entryId) === entry.id);
      const art15 = await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body: person });
      return {
        lookup: lookup.body.outcome !== 'none',
        list: has((await api(server.url, 'GET', '/api/register/entries', { cookie: central })).body.entries),
        detail: (await api(server.url, 'GET', `/api/register/entries/${entry.id}`, { cookie: central })).status,
        due: has((await api(server.url, 'GET', '/api/register/due', { cookie: central })).body),
        art14: has((await api(server.url, 'GET', '/api/register/notifications', { cookie: dp })).body),
        letter: (
          await fetch(`${server.url}/api/register/entries/${entry.id}/notification/letter.pdf`, {
            headers: { cookie: dp! },
          })
        ).status,
        // The answer for the person holds no ids (issue 9 row 1): asked by this person's data, any entry is this one.
        art15: art15.body.registerEntries.length === 1,
        art15ById: (
          await api(server.url, 'POST', '/api/register/access-report', { cookie: dp, body: { entryId: entry.id } })
        ).status,
      };
    };
    expect(entry).toMatchObject({ deleteAt: '2028-11-23' });
    // The day before the deletion date: everything as before (and due for deletion).
    clock.advance(730 * day);
    expect(await reads()).toEqual({
      lookup: true,
      list: true,
      detail: 200,
      due: true,
      art14: true,
      letter: 200,
      art15: true,
      art15ById: 200,
    });
    // On the deletion date the entry is gone for every reader at once; the job may run later.
    clock.advance(day);
    expect(await reads()).toEqual({
      lookup: false,
      list: false,
      detail: 404,
      due: false,
      art14: false,
      letter: 404,
      art15: false,
      art15ById: 404,
    });
    const review = await api(server.url, 'POST', `/api/register/entries/${entry.id}/review`, {
      cookie: await server.login(login('sicherheit')),
      body: { comment: 'doch behalten' },
    });
    expect(review.status).toBe(404);
    expect(
      await server.database.db.select().from(registerEntries).where(eq(registerEntries.id, entry.id)),
    ).toHaveLength(1);
    await server.wachsam.tick();
    expect(await server.database.db.select().from(registerEntries).where(eq(registerEntries.id, entry.id))).toEqual([]);
  });
});

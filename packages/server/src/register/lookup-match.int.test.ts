import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccessLog } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, login } from './testing.js';

describe.each(backends)('register lookup with spelling-tolerant names on %s', (backend) => {
  let server: TestServer;
  let lookup = '';
  let max = '';
  let namesake = '';
  const ask = (body: Record<string, unknown>) =>
    api(server.url, 'POST', '/api/register/lookup', {
      cookie: lookup,
      body: { firstName: 'Max', purpose: 'counter', ...body },
    });
  const logged = async (seq: string) =>
    (
      await server.database.db
        .select()
        .from(registerAccessLog)
        .where(eq(registerAccessLog.seq, BigInt(seq)))
    )[0]!;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    const central = await server.login(login('sicherheit'));
    max = (
      await createEntry(server, central, {
        lastName: 'Mustermann',
        firstName: 'Max',
        birthDate: '1975-03-02',
        aliases: [],
        address: 'Hafenstraße 9, 12345 Musterstadt',
      })
    ).id;
    namesake = (
      await createEntry(server, central, {
        lastName: 'Mustermann',
        firstName: 'Max',
        birthDate: '1990-11-30',
        aliases: [],
        address: 'Bahnhofstraße 1, 12345 Musterstadt',
        measures: ['Nur mit Sicherheitsdienst'],
      })
    ).id;
    lookup = await server.login(login('stefan.neumann'));
  });
  afterAll(() => server?.close());

  it('finds a typo ("Mustwrmann") and a phonetic spelling ("Musterman"), told apart by the birth date', async () => {
    const typo = await ask({ lastName: 'Mustwrmann', birthDate: '1975-03-02' });
    expect(typo.body).toMatchObject({ outcome: 'hint', level: 2, entries: null });
    expect(typo.body.measures).not.toContain('Nur mit Sicherheitsdienst');
    const row = await logged(typo.body.logSeq);
    // Every candidate considered is in the log, the namesake with why it was left out.
    expect(row.result.candidates).toEqual(
      expect.arrayContaining([
        { entryId: max, name: 'typo', identity: 'birth_date', outcome: 'hint' },
        { entryId: namesake, name: 'typo', identity: 'birth_date_differs', outcome: 'none' },
      ]),
    );
    expect(row.result.entryIds).toEqual([max]);
    const phonetic = await ask({ lastName: 'Musterman', birthDate: '1990-11-30' });
    expect(phonetic.body.outcome).toBe('hint');
    expect((await logged(phonetic.body.logSeq)).result.candidates).toEqual(
      expect.arrayContaining([{ entryId: namesake, name: 'phonetic', identity: 'birth_date', outcome: 'hint' }]),
    );
    expect(phonetic.body.measures).toContain('Nur mit Sicherheitsdienst');
  });

  it('answers "prüfen" for a name without birth date or address, and gives nothing of the entries', async () => {
    const res = await ask({ lastName: 'Mustermann' });
    expect(res.body).toMatchObject({ outcome: 'check', level: null, measures: [], entries: null });
    const row = await logged(res.body.logSeq);
    expect(row.result).toMatchObject({ outcome: 'check', entryIds: [] });
    expect((row.result.candidates as unknown[]).length).toBe(2);
  });

  it('confirms by address where the birth date is not given', async () => {
    const res = await ask({ lastName: 'Mustermann', address: 'Hafenstr. 9' });
    expect(res.body.outcome).toBe('hint');
    expect((await logged(res.body.logSeq)).result.entryIds).toEqual([max]);
  });

  it('answers "kein Hinweis" for another name and for a different birth date', async () => {
    expect((await ask({ lastName: 'Meyer' })).body.outcome).toBe('none');
    expect((await ask({ lastName: 'Mustermann', birthDate: '2001-01-01' })).body.outcome).toBe('none');
  });

  it.runIf(backend === 'pglite')('keeps its data files to its own user (0600 files, 0700 folders)', () => {
    const loose: string[] = [];
    const walk = (dir: string) => {
      if ((statSync(dir).mode & 0o077) !== 0) loose.push(dir);
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && (statSync(p).mode & 0o077) !== 0) loose.push(p);
      }
    };
    walk(join(server.dataDir, 'db'));
    expect(loose).toEqual([]);
    expect(statSync(server.logKeyFile).mode & 0o777).toBe(0o600);
  });
});

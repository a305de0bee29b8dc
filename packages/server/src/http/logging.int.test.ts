import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';

const login = (name: string) => `${name}@musterstadt.example`;

/** Every line the server's logger writes, as written. */
function capture(): { lines: string[]; write(line: string): void; text(): string } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line), text: () => lines.join('') };
}

describe.each(backends)('the application log on %s', (backend) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('never carries the names searched, looked up, registered or reported', async () => {
    const log = capture();
    // Info: the level that logs every request with its address.
    server = await startTestServer({ backend, env: { LOG_LEVEL: 'info' }, logStream: log });
    const [central, counter, reporter, dpo] = await Promise.all(
      ['sicherheit', 'stefan.neumann', 'anna.schmidt', 'datenschutz'].map((n) => server!.login(login(n))),
    );
    const name = 'Quastenflosser';

    const created = await api(server.url, 'POST', '/api/register/entries', {
      cookie: central,
      body: {
        lastName: name,
        firstName: 'Olaf',
        level: 2,
        legalBases: [{ kind: 'hausverbot', date: '2026-01-10', reference: 'HV-7' }],
      },
    });
    expect(created.status).toBe(201);
    const searched = await api(server.url, 'GET', `/api/register/entries?name=${name}`, { cookie: central });
    expect(searched.status).toBe(200);
    expect(searched.body.entries).toHaveLength(1);
    // A query the schema refuses is logged like any other request: by its path.
    expect((await api(server.url, 'GET', `/api/register/entries?name=${name}&x=1`, { cookie: central })).status).toBe(
      400,
    );
    const lookup = await api(server.url, 'POST', '/api/register/lookup', {
      cookie: counter,
      body: { lastName: name, firstName: 'Olaf', purpose: 'counter' },
    });
    expect(lookup.status).toBe(200);
    expect(
      (await api(server.url, 'GET', `/api/register/access-log?name=${name}`, { cookie: dpo })).body.entries.length,
    ).toBeGreaterThan(0);
    const report = await api(server.url, 'POST', '/api/reports', {
      cookie: reporter,
      body: {
        occurredAt: '2026-01-15T10:00:00.000Z',
        categories: ['threat'],
        causer: { known: true, lastName: name, firstName: 'Olaf' },
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(report.status).toBe(201);
    const upload = await fetch(`${server.url}/api/reports/${report.body.id}/attachments?name=${name}.txt`, {
      method: 'POST',
      headers: { cookie: reporter!, 'content-type': 'text/plain' },
      body: 'Notiz',
    });
    expect(upload.status).toBe(201);

    // The requests were logged (the test would pass on an empty log otherwise) …
    expect(log.text()).toContain('"url":"/api/register/entries"');
    expect(log.text()).toContain('"url":"/api/register/access-log"');
    expect(log.text()).toContain(`"url":"/api/reports/${report.body.id}/attachments"`);
    // … and the name is nowhere in the log.
    expect(log.text()).not.toContain(name);
  });

  it('logs a database error without its SQL parameters, query text or detail', async () => {
    const log = capture();
    server = await startTestServer({ backend, logStream: log });
    const central = await server.login(login('sicherheit'));
    const name = 'Pfeilschwanzkrebs';
    // A fault only this value meets: the insert fails inside the database, an unhandled error.
    await server.database.db.execute(
      sql.raw(`alter table register_entries add constraint no_test_name check (last_name <> '${name}')`),
    );
    const res = await api(server.url, 'POST', '/api/register/entries', {
      cookie: central,
      body: {
        lastName: name,
        firstName: 'Olaf',
        level: 2,
        legalBases: [{ kind: 'hausverbot', date: '2026-01-10', reference: 'HV-8' }],
      },
    });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');

    const errors = log.lines.filter((l) => l.includes('unhandled error'));
    expect(errors).toHaveLength(1);
    // The error is there to be found (its type, the constraint, the SQLSTATE) …
    expect(errors[0]).toContain('no_test_name');
    expect(errors[0]).toContain('23514');
    // … but not the value that made it fail, nor any other parameter of the insert.
    expect(log.text()).not.toContain(name);
    expect(log.text()).not.toContain('HV-8');
    expect(log.text()).not.toContain('insert into');
  });
});

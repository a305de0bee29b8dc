import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as pgliteDrizzle } from 'drizzle-orm/pglite';
import { migrate as pgliteMigrate } from 'drizzle-orm/pglite/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate as pgMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../db/pglite.js';
import { backends, throwawayPostgres, type Backend } from '../testing.js';

/** The migrations as they were before this change: everything up to 0007. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wachsam-migrations-before-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  journal.entries = journal.entries.slice(0, upTo);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

interface Target {
  migrate(folder: string): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

async function open(backend: Backend): Promise<Target> {
  if (backend === 'pglite') {
    const client = new PGlite();
    const db = pgliteDrizzle({ client });
    return {
      migrate: (folder) => pgliteMigrate(db, { migrationsFolder: folder }),
      query: async (sql, params) => (await client.query<Record<string, unknown>>(sql, params)).rows,
      close: () => client.close(),
    };
  }
  const database = await throwawayPostgres();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const db = pgDrizzle({ client });
  return {
    migrate: (folder) => pgMigrate(db, { migrationsFolder: folder }),
    query: async (sql, params) => (await client.query(sql, params)).rows as Array<Record<string, unknown>>,
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}

describe.each(backends)('the audit migration of issue 9 on %s', (backend) => {
  const before = migrationsBefore('0011_report_complaint_only');
  afterAll(() => rmSync(before, { recursive: true, force: true }));

  it("anonymises the reporter's entries written before and hides them from the administration, and drops reviewers' comments", async () => {
    const db = await open(backend);
    try {
      await db.migrate(before);
      const anna = randomUUID();
      const claudia = randomUUID();
      const insert = (actor: string, person: string | null, action: string, detail: object) =>
        db.query(
          `insert into audit_log (org_id, at, actor, actor_person_id, action, subject, detail)
           values (null, now(), $1, $2, $3, 'report:x', $4)`,
          [actor, person, action, JSON.stringify(detail)],
        );
      await insert('Anna Schmidt (anna.schmidt@musterstadt.example)', anna, 'report.submit', {
        from: 'draft',
        to: 'submitted',
        role: 'reporter',
        comment: '',
        evidence: [],
      });
      await insert('Anna Schmidt (anna.schmidt@musterstadt.example)', anna, 'report.attachment_added', { size: 3 });
      await insert('Claudia Hartmann (claudia.hartmann@musterstadt.example)', claudia, 'report.approve', {
        from: 'submitted',
        to: 'approved',
        role: 'supervisor',
        comment: 'Frau Schmidt hat glaubhaft berichtet',
      });
      await insert('Anna Schmidt (anna.schmidt@musterstadt.example)', anna, 'alarm.raised', { comment: 'bleibt' });

      await db.migrate(migrationsFolder);
      const rows = await db.query(
        'select actor, actor_person_id, action, detail, reporter_side from audit_log order by id',
      );
      expect(rows).toEqual([
        {
          actor: 'Meldende Person',
          actor_person_id: null,
          action: 'report.submit',
          detail: { from: 'draft', to: 'submitted', role: 'reporter', evidence: [] },
          reporter_side: true,
        },
        {
          actor: 'Meldende Person',
          actor_person_id: null,
          action: 'report.attachment_added',
          detail: { size: 3 },
          reporter_side: true,
        },
        {
          actor: 'Claudia Hartmann (claudia.hartmann@musterstadt.example)',
          actor_person_id: claudia,
          action: 'report.approve',
          detail: { from: 'submitted', to: 'approved', role: 'supervisor' },
          reporter_side: false,
        },
        {
          actor: 'Anna Schmidt (anna.schmidt@musterstadt.example)',
          actor_person_id: anna,
          action: 'alarm.raised',
          detail: { comment: 'bleibt' },
          reporter_side: false,
        },
      ]);
    } finally {
      await db.close();
    }
  });
});

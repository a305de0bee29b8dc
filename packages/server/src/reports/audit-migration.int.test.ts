import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsBefore, openUnmigrated } from '../db/migration.testing.js';
import { migrationsFolder } from '../db/pglite.js';
import { backends } from '../testing.js';

describe.each(backends)('the audit migration of issue 9 on %s', (backend) => {
  const before = migrationsBefore('0011_report_complaint_only');
  afterAll(() => rmSync(before, { recursive: true, force: true }));

  it("anonymises the reporter's entries written before and hides them from the administration, and drops reviewers' comments", async () => {
    const db = await openUnmigrated(backend);
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

import type { Db } from '../db/client.js';
import type { Retainer } from '../retention/job.js';
import { deleteOldAudit } from './repository.js';

/**
 * The audit log's retention: entries older than the organisation's period are deleted, oldest
 * first. `keep` names actions that must stay however old because a proof rests on them (the
 * register's records of pruned access-log runs, without which its chain check would fail);
 * they hold counts and hashes, no content.
 */
export function auditRetainer(db: Db, keep: readonly string[]): Retainer {
  return {
    name: 'audit',
    installationWide: true,
    async deleteBatch(orgId, c, limit) {
      const n = await deleteOldAudit(db, orgId, c.auditBefore, limit, keep);
      return { deleted: n, counts: { auditEntries: n } };
    },
  };
}

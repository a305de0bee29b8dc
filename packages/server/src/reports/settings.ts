import { ZemagSettings } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { settingsValue, storeSettings } from './repository.js';

/** Settings earlier versions stored that no longer exist (the access log's retention is fixed now). */
const retired = ['accessLogRetentionMonths'];

/**
 * The organisation's ZeMAG settings. Nothing stored yet, or a stored value an older version
 * wrote that no longer fits: the defaults of the protocol apply, never a half-read mapping. A
 * retired setting is dropped first, so it does not cost the organisation its other settings.
 */
export async function loadSettings(ex: Executor, orgId: string): Promise<ZemagSettings> {
  const stored = Object.entries((await settingsValue(ex, orgId)) ?? {}).filter(([k]) => !retired.includes(k));
  const parsed = ZemagSettings.safeParse(Object.fromEntries(stored));
  return parsed.success ? parsed.data : ZemagSettings.parse({});
}

export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  get(actor: Actor): Promise<ZemagSettings> {
    return loadSettings(this.db, actor.orgId);
  }

  async put(actor: Actor, value: ZemagSettings): Promise<ZemagSettings> {
    return this.db.transaction(async (tx) => {
      const before = await loadSettings(tx, actor.orgId);
      await storeSettings(tx, actor.orgId, value);
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'zemag.settings_changed',
        subject: `org:${actor.orgId}`,
        detail: { before, after: value },
      });
      return value;
    });
  }
}

import type {
  AccessLogEntry,
  AccessLogFilter,
  AccessLogPage,
  AccessLogQuery,
  ChainCheck,
  LogHoldInput,
} from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { lockChain, verifyChain } from './chain.js';
import { exportLog, holdRows, searchLog } from './log-repository.js';
import { dayOf } from './names.js';
import { logCsv, presentLogRow } from './presenter.js';

const exportCap = 50_000;

/**
 * The data-protection side of the access log: search, export, hold for a control, verify.
 * The log serves control only; each use of it is itself audited (without the names searched).
 */
export class AccessLogService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private async audited(actor: Actor, action: string, f: AccessLogFilter, detail: Record<string, unknown> = {}) {
    await this.db.transaction((tx) =>
      appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action,
        subject: 'register_access_log',
        detail: { ...f, name: f.name ? '(Name)' : undefined, ...detail },
      }),
    );
  }

  async search(actor: Actor, q: AccessLogQuery): Promise<AccessLogPage> {
    const { limit, before, ...filter } = q;
    const rows = await searchLog(this.db, actor.orgId, filter, limit, before);
    await this.audited(actor, 'register.access_log_searched', filter);
    return {
      entries: rows.map(presentLogRow),
      nextBefore: rows.length === limit ? rows.at(-1)!.seq.toString() : null,
    };
  }

  async exportJson(actor: Actor, f: AccessLogFilter): Promise<AccessLogEntry[]> {
    const rows = await exportLog(this.db, actor.orgId, f, exportCap);
    await this.audited(actor, 'register.access_log_exported', f, { format: 'json', count: rows.length });
    return rows.map(presentLogRow);
  }

  async exportCsv(actor: Actor, f: AccessLogFilter): Promise<string> {
    const rows = await exportLog(this.db, actor.orgId, f, exportCap);
    await this.audited(actor, 'register.access_log_exported', f, { format: 'csv', count: rows.length });
    return logCsv(rows);
  }

  /** Keep rows beyond the retention while a control needs them; the hold is audited with its reason. */
  async hold(actor: Actor, input: LogHoldInput): Promise<{ held: number }> {
    if (input.heldUntil <= dayOf(this.clock.now()))
      throw new AppError('validation_failed', 'Die Aufbewahrung muss in der Zukunft enden');
    return this.db.transaction(async (tx) => {
      await lockChain(tx, actor.orgId);
      const held = await holdRows(
        tx,
        actor.orgId,
        input.seqs.map((s) => BigInt(s)),
        input.heldUntil,
      );
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'register.access_log_held',
        subject: 'register_access_log',
        detail: { seqs: input.seqs, heldUntil: input.heldUntil, reason: input.reason, held },
      });
      return { held };
    });
  }

  async verify(actor: Actor): Promise<ChainCheck> {
    const result = await verifyChain(this.db, actor.orgId);
    await this.audited(actor, 'register.access_log_verified', {}, { ok: result.ok, checked: result.checked });
    return result;
  }
}

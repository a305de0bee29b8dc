import type {
  AccessLogExport,
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
import { chainTransaction, makeAnchor, verifyChain, type Anchor } from './chain.js';
import type { RegisterLogKey } from './log-key.js';
import { exportLog, exportLogJson, holdRows, searchLog } from './log-repository.js';
import { dayOf } from '../dates.js';
import { presentLogRow } from './presenter.js';
import { csvBom } from '../http/exports.js';
import { renderInWorker } from '../http/file-workers.js';

/** Rows one export carries at most; beyond it the export says it was truncated. */
export const exportCap = 50_000;

export interface LogExport<T> {
  body: T;
  /** More rows matched than the cap: the caller is told (header, CSV's last line, JSON field). */
  truncated: boolean;
}

/**
 * The data-protection side of the access log: search, export, hold for a control, verify.
 * The log serves control only; each use of it is itself audited (without the names searched).
 */
export class AccessLogService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logKey: RegisterLogKey,
    /** Before each page of an export after the first: waits while an alarm is under way (`AlarmActivity.quiet`). */
    private readonly pace: () => Promise<void> = () => Promise.resolve(),
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

  /**
   * An export, page by page into `take` with how many of the page's rows it keeps. One row more
   * than the cap is read: its presence is what tells a full export from a cut one.
   */
  private async exported<P>(
    actor: Actor,
    f: AccessLogFilter,
    format: string,
    cap: number,
    pages: AsyncGenerator<{ page: P; count: number }>,
    take: (page: P, keep: number) => void,
  ): Promise<{ count: number; truncated: boolean }> {
    let count = 0;
    let truncated = false;
    for await (const { page, count: n } of pages) {
      const keep = Math.min(n, cap - count);
      truncated ||= keep < n;
      count += keep;
      if (keep > 0) take(page, keep);
      // No transaction is open between pages: waiting here holds no connection an alarm needs.
      await this.pace();
    }
    await this.audited(actor, 'register.access_log_exported', f, { format, count, truncated });
    return { count, truncated };
  }

  async exportJson(actor: Actor, f: AccessLogFilter, cap = exportCap): Promise<LogExport<AccessLogExport>> {
    const entries: AccessLogExport['entries'] = [];
    const pages = exportLog(this.db, actor.orgId, f, cap + 1);
    const { truncated } = await this.exported(actor, f, 'json', cap, pages, (rows, keep) => {
      for (const r of rows.slice(0, keep)) entries.push(presentLogRow(r));
    });
    return { body: { entries, truncated }, truncated };
  }

  /**
   * The CSV: the database writes each page as JSON text, a file worker formats it while the next
   * page is read. The main thread neither holds the rows as objects nor formats them.
   */
  async exportCsv(actor: Actor, f: AccessLogFilter, cap = exportCap): Promise<LogExport<Buffer>> {
    const parts: Array<Promise<Buffer>> = [];
    const part = (json: string, keep: number, head: boolean) => {
      const rendered = renderInWorker('accessLogCsv', { json, keep, head });
      // Awaited below; should a later page's read fail first, its failure is not left unhandled.
      rendered.catch(() => undefined);
      parts.push(rendered);
    };
    part('[]', 0, true);
    const pages = exportLogJson(this.db, actor.orgId, f, cap + 1);
    const { truncated } = await this.exported(actor, f, 'csv', cap, pages, (json, keep) => part(json, keep, false));
    const tail = truncated
      ? `# GEKÜRZT: nur die ersten ${cap} Einträge; bitte den Zeitraum einschränken und erneut exportieren (truncated)\r\n`
      : '';
    return { body: Buffer.concat([Buffer.from(csvBom), ...(await Promise.all(parts)), Buffer.from(tail)]), truncated };
  }

  /** Keep rows beyond the retention while a control needs them; the hold is audited with its reason. */
  async hold(actor: Actor, input: LogHoldInput): Promise<{ held: number }> {
    if (input.heldUntil <= dayOf(this.clock.now()))
      throw new AppError('validation_failed', 'Die Aufbewahrung muss in der Zukunft enden');
    return chainTransaction(this.db, actor.orgId, async (tx) => {
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
    const result = await verifyChain(this.db, this.logKey.require(), { orgId: actor.orgId });
    await this.audited(actor, 'register.access_log_verified', {}, { ok: result.ok, checked: result.checked });
    return result;
  }

  /**
   * The anchor: the chain's current head signed with the time, for the data-protection officer to
   * keep outside the installation (`npm run register:verify-log -- --anchor FILE`). Read under the
   * chain's lock, so it names a committed head; its download is audited.
   */
  async anchor(actor: Actor): Promise<Anchor> {
    const key = this.logKey.require();
    const anchor = await chainTransaction(this.db, actor.orgId, (tx) =>
      makeAnchor(tx, key, actor.orgId, this.clock.now()),
    );
    await this.audited(actor, 'register.access_log_anchored', {}, { seq: anchor.seq });
    return anchor;
  }
}

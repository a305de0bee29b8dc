import {
  Causer,
  LegalSteps,
  legalBasisKinds,
  type AccessPurpose,
  type EntryList,
  type LegalBasis,
  type LookupOutcome,
  type LookupRequest,
  type LookupResult,
  type RegisterEntry,
  type RegisterEntryInput,
  type RegisterEntrySummary,
} from '@wachsam/protocol';
import { actorLabel, hasRole, type Actor } from '../auth/actor.js';
import { appendAudit } from '../audit/repository.js';
import type { Clock } from '../clock.js';
import type { SQL } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import { appendAccess, chainTransaction } from './chain.js';
import type { RegisterLogKey } from './log-key.js';
import { addDays, addMonths, dayOf } from '../dates.js';
import { bestMatch, entryKeys, nameKey, normaliseName, sameAddress, type NameMatch } from './names.js';
import {
  entryData,
  entryInputOf,
  entryValues,
  openNotification,
  presentEntry,
  presentSummary,
  type DueWindow,
} from './presenter.js';
import * as repo from './repository.js';
import { keptReport } from '../reports/retention-repository.js';
import { cutoffsFor } from '../retention/policy.js';

/** The legal basis of every register access (§ 3 BSchG NRW, Art. 6 (1) e GDPR). */
export const registerLegalBasis = '§ 3 BSchG NRW i. V. m. Art. 6 Abs. 1 lit. e DSGVO';
/** Reports an entry may be prepared from: checked by the central unit, or already published. */
const sourceStatuses = ['quality_checked', 'published', 'archived'];

/**
 * What tells a name candidate from a namesake: the birth date where both sides know it (equal:
 * confirmed; different: a namesake, unless the address confirms it), else the address. Nothing
 * to compare leaves it to be checked.
 */
function judge(
  row: repo.EntryRow,
  req: LookupRequest,
): { identity: 'birth_date' | 'address' | 'birth_date_differs' | 'none'; outcome: LookupOutcome } {
  const stored = entryData(row).address;
  const address = req.address && stored ? sameAddress(req.address, stored) : false;
  if (req.birthDate && row.birthDate) {
    if (req.birthDate === row.birthDate) return { identity: 'birth_date', outcome: 'hint' };
    return address ? { identity: 'address', outcome: 'check' } : { identity: 'birth_date_differs', outcome: 'none' };
  }
  if (address) return { identity: 'address', outcome: 'hint' };
  return { identity: 'none', outcome: 'check' };
}

export interface AccessContext {
  action: string;
  purpose: AccessPurpose;
  caseReference?: string;
  legalBasis?: string;
  query: Record<string, unknown>;
}

/**
 * The Melde- und Auskunftsregister (§ 3 BSchG NRW). Every read of register content — lookup,
 * entry, list, due list, letters, reports — runs through `readLogged`, which appends the access to
 * the hash-chained log in the SAME transaction: if the log row cannot be written the read fails,
 * and a read that fails leaves no row. Everything is scoped to the caller's organisation.
 */
export class RegisterService {
  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly logKey: RegisterLogKey,
  ) {}

  today(): string {
    return dayOf(this.clock.now());
  }

  async window(ex: Executor, orgId: string): Promise<DueWindow> {
    const s = await repo.settingsOf(ex, orgId);
    const today = this.today();
    return { today, warnUntil: addDays(today, s.deletionWarningDays) };
  }

  /** Run `read` and log what it returned, atomically. `read` returns the answer and the log's result. */
  async readLogged<T>(
    actor: Actor,
    access: AccessContext,
    read: (tx: Tx) => Promise<{ answer: T; logged: Record<string, unknown> }>,
  ): Promise<T & { logSeq: string }> {
    // Refused before anything is read: an access that cannot be logged does not happen.
    this.logKey.require();
    return chainTransaction(this.db, actor.orgId, async (tx) => {
      const { answer, logged } = await read(tx);
      const seq = await this.logAccess(tx, actor, access, logged);
      return { ...answer, logSeq: seq.toString() };
    });
  }

  /** Append one access record to the organisation's chain in the caller's chain transaction. */
  private logAccess(tx: Tx, actor: Actor, access: AccessContext, logged: Record<string, unknown>): Promise<bigint> {
    return appendAccess(tx, this.logKey.require(), {
      orgId: actor.orgId,
      at: this.clock.now(),
      actor: actorLabel(actor),
      actorPersonId: actor.kind === 'person' ? actor.personId : null,
      action: access.action,
      purpose: access.purpose,
      caseReference: access.caseReference ?? '',
      legalBasis: access.legalBasis ?? registerLegalBasis,
      query: access.query,
      result: logged,
    });
  }

  /**
   * A write that answers with the full entry: the entry leaves the register like any read, so the
   * write, its audit and its access record commit together.
   */
  private async writeLogged(
    actor: Actor,
    action: 'create_entry' | 'update_entry' | 'review_entry',
    entryId: string | null,
    write: (tx: Tx) => Promise<repo.EntryRow>,
  ): Promise<RegisterEntry> {
    this.logKey.require();
    return chainTransaction(this.db, actor.orgId, async (tx) => {
      const row = await write(tx);
      await this.logAccess(
        tx,
        actor,
        { action, purpose: 'administration', query: { entryId } },
        { hint: true, level: row.level, entryIds: [row.id], details: true },
      );
      return presentEntry(row, await this.window(tx, actor.orgId));
    });
  }

  /**
   * Auskunft: the one read path for querying departments. Every live entry whose name or alias
   * matches the query exactly, phonetically or with a typo is a candidate; its birth date (or
   * address) decides: confirmed → `hint`, unknown → `check`, a different birth date → a namesake.
   * A querying department learns the outcome and, for a hint, the highest level and the measures;
   * the central unit the candidates' full entries. Every candidate considered, namesakes included,
   * is written to the access log with how it matched.
   */
  async lookup(actor: Actor, req: LookupRequest): Promise<LookupResult> {
    if (!req.purpose) throw new AppError('validation_failed', 'Bitte den Zweck der Abfrage angeben');
    const central = hasRole(actor, ['security_management']);
    const key = nameKey(req.lastName, req.firstName);
    return this.readLogged(
      actor,
      {
        action: 'lookup',
        purpose: req.purpose,
        caseReference: req.caseReference,
        query: {
          lastName: req.lastName,
          firstName: req.firstName,
          birthDate: req.birthDate,
          address: req.address,
          nameKey: key,
          purposeText: req.purposeText,
        },
      },
      async (tx) => {
        const matched = new Map<string, NameMatch>();
        for (const e of await repo.liveNameKeys(tx, actor.orgId, this.today())) {
          const name = bestMatch(key, e.nameKeys);
          if (name) matched.set(e.id, name);
        }
        const candidates = (await repo.liveEntriesByIds(tx, actor.orgId, [...matched.keys()], this.today())).map(
          (row) => ({ row, name: matched.get(row.id)!, ...judge(row, req) }),
        );
        const hits = candidates.filter((c) => c.outcome === 'hint').map((c) => c.row);
        const checks = candidates.filter((c) => c.outcome === 'check').map((c) => c.row);
        const outcome: LookupOutcome = hits.length ? 'hint' : checks.length ? 'check' : 'none';
        const level = hits.length ? Math.max(...hits.map((r) => r.level)) : null;
        const measures = [...new Set(hits.flatMap((r) => entryData(r).measures))];
        const w = central ? await this.window(tx, actor.orgId) : null;
        const shown = [...hits, ...checks];
        const answer = { outcome, level, measures, entries: w ? shown.map((r) => presentEntry(r, w)) : null };
        return {
          answer,
          logged: {
            outcome,
            level,
            measures,
            // What left the register: the hint's entries, for the central unit every candidate shown.
            entryIds: (central ? shown : hits).map((r) => r.id),
            candidates: candidates.map((c) => ({
              entryId: c.row.id,
              name: c.name,
              identity: c.identity,
              outcome: c.outcome,
            })),
            details: central,
          },
        };
      },
    );
  }

  async get(actor: Actor, id: string): Promise<RegisterEntry> {
    const { entry } = await this.readLogged(
      actor,
      { action: 'read_entry', purpose: 'administration', query: { entryId: id } },
      async (tx) => {
        const row = await repo.entryById(tx, actor.orgId, id, this.today());
        if (!row) throw notFound('Registereintrag');
        const entry = presentEntry(row, await this.window(tx, actor.orgId));
        return { answer: { entry }, logged: { hint: true, level: row.level, entryIds: [row.id], details: true } };
      },
    );
    return entry;
  }

  async list(actor: Actor, q: { name?: string; limit: number; offset: number }): Promise<EntryList> {
    const name = q.name ? normaliseName(q.name) : undefined;
    const { list } = await this.readLogged(
      actor,
      { action: 'list_entries', purpose: 'administration', query: { nameKey: name ?? '', offset: q.offset } },
      async (tx) => {
        const rows = await repo.listEntries(tx, actor.orgId, this.today(), { ...q, limit: q.limit + 1 });
        const w = await this.window(tx, actor.orgId);
        const shown = rows.slice(0, q.limit);
        return {
          answer: { list: { entries: shown.map((r) => presentSummary(r, w)), more: rows.length > q.limit } },
          logged: { count: shown.length, entryIds: shown.map((r) => r.id) },
        };
      },
    );
    return list;
  }

  async due(actor: Actor): Promise<RegisterEntrySummary[]> {
    const { entries } = await this.readLogged(
      actor,
      { action: 'list_entries', purpose: 'administration', query: { due: true } },
      async (tx) => {
        const w = await this.window(tx, actor.orgId);
        const rows = await repo.dueEntries(tx, actor.orgId, w.today, w.warnUntil);
        return {
          answer: { entries: rows.map((r) => presentSummary(r, w)) },
          logged: { count: rows.length, entryIds: rows.map((r) => r.id) },
        };
      },
    );
    return entries;
  }

  /** § 3 (2) BSchG NRW: no entry without a Hausverbot, Strafanzeige or Strafantrag of the organisation. */
  private requireLegalBasis(input: RegisterEntryInput): void {
    if (!input.legalBases.some((b) => legalBasisKinds.includes(b.kind)))
      throw new AppError(
        'legal_basis_missing',
        'Ein Eintrag ist nur mit Rechtsgrundlage zulässig: Hausverbot, Strafanzeige oder Strafantrag der Organisation mit Datum und Aktenzeichen (§ 3 Abs. 2 BSchG NRW)',
      );
  }

  private async requireSource(ex: Executor, orgId: string, reportId: string | null): Promise<void> {
    if (!reportId) return;
    const report = await repo.reportById(ex, orgId, reportId, await this.keptReports(ex, orgId));
    if (!report) throw notFound('Meldung');
  }

  async create(actor: Actor, input: RegisterEntryInput): Promise<RegisterEntry> {
    this.requireLegalBasis(input);
    return this.writeLogged(actor, 'create_entry', null, async (tx) => {
      await this.requireSource(tx, actor.orgId, input.sourceReportId);
      const s = await repo.settingsOf(tx, actor.orgId);
      const today = this.today();
      const row = await repo.insertEntry(tx, {
        ...entryValues(input, []),
        orgId: actor.orgId,
        nameKey: nameKey(input.lastName, input.firstName),
        nameKeys: entryKeys(input.lastName, input.firstName, input.aliases),
        createdAt: this.clock.now(),
        createdBy: actor.kind === 'person' ? actor.personId : null,
        reviewAt: addMonths(today, s.registerReviewMonths),
        deleteAt: addMonths(today, s.registerRetentionMonths),
        // Art. 14 GDPR: every new entry starts with an open notification task.
        notification: openNotification,
      });
      await this.audit(tx, actor, 'register.entry_created', row.id, {
        level: row.level,
        legalBases: input.legalBases.map((b) => b.kind),
        sourceReportId: input.sourceReportId,
      });
      return row;
    });
  }

  async update(actor: Actor, id: string, input: RegisterEntryInput): Promise<RegisterEntry> {
    this.requireLegalBasis(input);
    return this.writeLogged(actor, 'update_entry', id, async (tx) => {
      const before = await repo.entryById(tx, actor.orgId, id, this.today());
      if (!before) throw notFound('Registereintrag');
      await this.requireSource(tx, actor.orgId, input.sourceReportId);
      const row = await repo.updateEntry(tx, actor.orgId, id, this.today(), {
        ...entryValues(input, entryData(before).reviews),
        nameKey: nameKey(input.lastName, input.firstName),
        nameKeys: entryKeys(input.lastName, input.firstName, input.aliases),
      });
      // The audit names which fields changed, never their content: admins read the audit log.
      const was = entryInputOf(before);
      const changed = (Object.keys(input) as Array<keyof RegisterEntryInput>).filter(
        (k) => JSON.stringify(input[k]) !== JSON.stringify(was[k]),
      );
      await this.audit(tx, actor, 'register.entry_updated', id, { changed });
      return row!;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await repo.deleteEntry(tx, actor.orgId, id))) throw notFound('Registereintrag');
      await this.audit(tx, actor, 'register.entry_deleted', id, { reason: 'manual', date: this.today() });
    });
  }

  /** Reviewed and kept: a new review date and a new deletion date from today. */
  async review(actor: Actor, id: string, comment: string): Promise<RegisterEntry> {
    return this.writeLogged(actor, 'review_entry', id, async (tx) => {
      const today = this.today();
      const before = await repo.entryById(tx, actor.orgId, id, today);
      if (!before) throw notFound('Registereintrag');
      const s = await repo.settingsOf(tx, actor.orgId);
      const data = entryData(before);
      data.reviews.push({ at: this.clock.now().toISOString(), by: actorLabel(actor), comment });
      const row = await repo.updateEntry(tx, actor.orgId, id, today, {
        data,
        reviewAt: addMonths(today, s.registerReviewMonths),
        deleteAt: addMonths(today, s.registerRetentionMonths),
        deletionWarnedAt: null,
      });
      await this.audit(tx, actor, 'register.entry_reviewed', id, { reviewAt: row!.reviewAt, deleteAt: row!.deleteAt });
      return row!;
    });
  }

  /**
   * A form prefilled from a checked or published report: the causer, the level and the legal
   * steps. Nothing about the reporter or witnesses is carried over.
   */
  async prefill(actor: Actor, reportId: string): Promise<RegisterEntryInput> {
    const report = await repo.reportById(this.db, actor.orgId, reportId, await this.keptReports(this.db, actor.orgId));
    // A report below the threshold that only went on for the Strafanzeige/Strafantrag never
    // enters the register, and the central unit does not even learn that it exists.
    if (!report || report.complaintOnly) throw notFound('Meldung');
    if (!sourceStatuses.includes(report.status))
      throw new AppError('conflict', 'Nur qualitätsgesicherte oder veröffentlichte Meldungen können übernommen werden');
    const causer = Causer.safeParse(report.data.causer);
    const legal = LegalSteps.safeParse(report.data.legal ?? {});
    if (!causer.success || !causer.data.known || !causer.data.lastName)
      throw new AppError('conflict', 'Die Meldung nennt keine bekannte Person');
    const legalBases: LegalBasis[] = [];
    if (legal.success)
      for (const kind of legalBasisKinds) {
        const step = legal.data[kind];
        if (step) legalBases.push({ kind, date: step.date, reference: step.reference });
      }
    return {
      lastName: causer.data.lastName,
      firstName: causer.data.firstName,
      birthDate: causer.data.birthDate,
      aliases: [],
      address: causer.data.address,
      description: causer.data.description,
      level: report.level,
      measures: [],
      details: '',
      legalBases,
      sourceReportId: report.id,
    };
  }

  /** SQL: a report within its retention (the reports domain's rule): prefill and Art. 15 read no other. */
  async keptReports(ex: Executor, orgId: string): Promise<SQL> {
    return keptReport(await cutoffsFor(ex, orgId, this.clock.now()));
  }

  audit(tx: Tx, actor: Actor, action: string, subject: string, detail: Record<string, unknown>): Promise<void> {
    return appendAudit(tx, { orgId: actor.orgId, at: this.clock.now(), actor, action, subject, detail });
  }
}

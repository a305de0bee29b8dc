import { and, desc, eq, sql } from 'drizzle-orm';
import type {
  DirectoryReport,
  DirectoryRun,
  DirectoryRunRequest,
  DirectorySource,
  DirectorySourceInput,
  LdapSettings,
} from '@wachsam/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../audit/repository.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import { directoryRuns, directorySources } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { RoleRequests } from '../org/role-requests.js';
import { readDirectory, type DirectoryEntry } from './ldap.js';
import { syncPeople } from './sync.js';

type SourceRow = typeof directorySources.$inferSelect;
type RunRow = typeof directoryRuns.$inferSelect;

const present = (s: SourceRow): DirectorySource => ({
  id: s.id,
  name: s.name,
  settings: s.settings as LdapSettings,
  hasPassword: s.bindPassword !== null,
  everyMinutes: s.everyMinutes,
});

const presentRun = (r: RunRow): DirectoryRun => {
  const stored = (r.report ?? null) as (DirectoryReport & { error?: undefined }) | { error: string } | null;
  return {
    id: r.id,
    sourceId: r.sourceId,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    dryRun: r.dryRun,
    status: r.status as DirectoryRun['status'],
    startedBy: r.startedBy,
    error: stored && 'error' in stored && stored.error !== undefined ? stored.error : null,
    report: stored && !('error' in stored && stored.error !== undefined) ? (stored as DirectoryReport) : null,
  };
};

/** Another instance runs this source now. */
class Busy extends Error {}

/** Thrown inside the transaction to roll back a dry or held run after its report is made. */
class RollBack extends Error {
  constructor(readonly report: DirectoryReport) {
    super('roll back');
  }
}

/**
 * LDAP / Active Directory sources of an organisation and their runs. A run reads the directory
 * (outside any transaction), then changes people in one transaction: a dry run and a run held by
 * warnings roll it back, so the report is exactly what applying would do.
 */
export class DirectoryService {
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly requests: RoleRequests,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { caFile?: string; read?: typeof readDirectory } = {},
  ) {}

  list = async (orgId: string): Promise<DirectorySource[]> =>
    (await this.db.select().from(directorySources).where(eq(directorySources.orgId, orgId))).map(present);

  save = (actor: Actor, id: string | null, input: DirectorySourceInput): Promise<DirectorySource> =>
    this.db.transaction(async (tx) => {
      const [other] = await tx
        .select({ id: directorySources.id, settings: directorySources.settings })
        .from(directorySources)
        .where(eq(directorySources.orgId, actor.orgId));
      // One directory per organisation: a second source would deactivate the first one's people.
      if (!id && other)
        throw new AppError('conflict', 'Die Organisation hat schon eine Verzeichnisquelle; bitte diese ändern');
      const before = id && other?.id === id ? (other.settings as LdapSettings) : null;
      // The stored password goes only to the server it was entered for.
      if (
        before &&
        input.bindPassword === null &&
        (before.url !== input.settings.url || before.bindDn !== input.settings.bindDn)
      )
        throw new AppError(
          'validation_failed',
          'Neuer Server oder neues Dienstkonto: bitte das Passwort neu eingeben',
          [{ path: 'body.bindPassword', message: 'Passwort erneut eingeben' }],
        );
      const values = {
        name: input.name,
        settings: input.settings,
        everyMinutes: input.everyMinutes,
        ...(input.bindPassword !== null ? { bindPassword: input.bindPassword } : {}),
      };
      const [row] = id
        ? await tx
            .update(directorySources)
            .set(values)
            .where(and(eq(directorySources.orgId, actor.orgId), eq(directorySources.id, id)))
            .returning()
        : await tx
            .insert(directorySources)
            .values({ ...values, orgId: actor.orgId })
            .returning();
      if (!row) throw notFound('Verzeichnisquelle');
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: id ? 'directory_source.updated' : 'directory_source.created',
        subject: `Verzeichnisquelle ${row.name}`,
        // Never the password.
        detail: {
          url: input.settings.url,
          bindDn: input.settings.bindDn,
          passwordChanged: input.bindPassword !== null,
        },
      });
      return present(row);
    });

  remove = (actor: Actor, id: string): Promise<void> =>
    this.db.transaction(async (tx) => {
      const [row] = await tx
        .delete(directorySources)
        .where(and(eq(directorySources.orgId, actor.orgId), eq(directorySources.id, id)))
        .returning();
      if (!row) throw notFound('Verzeichnisquelle');
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'directory_source.deleted',
        subject: `Verzeichnisquelle ${row.name}`,
      });
    });

  runs = async (orgId: string, sourceId: string): Promise<DirectoryRun[]> => {
    const [source] = await this.db
      .select({ id: directorySources.id })
      .from(directorySources)
      .where(and(eq(directorySources.orgId, orgId), eq(directorySources.id, sourceId)));
    if (!source) throw notFound('Verzeichnisquelle');
    return (
      await this.db
        .select()
        .from(directoryRuns)
        .where(and(eq(directoryRuns.orgId, orgId), eq(directoryRuns.sourceId, sourceId)))
        .orderBy(desc(directoryRuns.startedAt))
        .limit(50)
    ).map(presentRun);
  };

  /** A run started by an administrator. */
  async run(actor: Actor, sourceId: string, req: DirectoryRunRequest): Promise<DirectoryRun> {
    const [source] = await this.db
      .select()
      .from(directorySources)
      .where(and(eq(directorySources.orgId, actor.orgId), eq(directorySources.id, sourceId)));
    if (!source) throw notFound('Verzeichnisquelle');
    return this.runSource(source, actorLabel(actor), req);
  }

  /** Scheduled runs that are due: applied, but held (not applied) when they bring warnings. */
  async runDue(): Promise<void> {
    const sources = await this.db.select().from(directorySources);
    const now = this.clock.now().getTime();
    for (const s of sources) {
      if (!s.everyMinutes || this.running.has(s.id)) continue;
      const [last] = await this.db
        .select({ at: directoryRuns.startedAt })
        .from(directoryRuns)
        .where(and(eq(directoryRuns.sourceId, s.id), eq(directoryRuns.dryRun, false)))
        .orderBy(desc(directoryRuns.startedAt))
        .limit(1);
      if (last && now - last.at.getTime() < s.everyMinutes * 60_000) continue;
      await this.runSource(s, 'Zeitplan', { dryRun: false, acceptWarnings: false }).catch((err: unknown) =>
        this.log.error({ err, source: s.id }, 'scheduled directory sync failed'),
      );
    }
  }

  private async runSource(source: SourceRow, by: string, req: DirectoryRunRequest): Promise<DirectoryRun> {
    if (this.running.has(source.id))
      throw new AppError('conflict', 'Für diese Quelle läuft gerade ein Abgleich; bitte warten');
    this.running.add(source.id);
    const startedAt = this.clock.now();
    const record = async (status: DirectoryRun['status'], report: DirectoryReport | { error: string }) => {
      const [row] = await this.db
        .insert(directoryRuns)
        .values({
          orgId: source.orgId,
          sourceId: source.id,
          startedAt,
          finishedAt: this.clock.now(),
          dryRun: req.dryRun,
          status,
          startedBy: by,
          report,
        })
        .returning();
      return presentRun(row!);
    };
    try {
      let entries: DirectoryEntry[];
      try {
        entries = await (this.opts.read ?? readDirectory)(
          source.settings as LdapSettings,
          source.bindPassword ?? '',
          this.opts.caFile ? { caFile: this.opts.caFile } : {},
        );
      } catch (err) {
        return await record('failed', { error: `Verzeichnis nicht lesbar: ${describeLdapError(err)}` });
      }
      if (entries.length === 0)
        return await record('failed', {
          error:
            'Das Verzeichnis lieferte keine Personen (Filter, Basis-DN oder Gruppen prüfen); niemand wurde geändert',
        });
      let outcome: { report: DirectoryReport; applied: boolean; held: boolean };
      try {
        outcome = await this.db.transaction(async (tx) => {
          // One run per source at a time across every instance sharing the database.
          const [lock] = await rawRows<{ ok: boolean }>(
            tx,
            sql`select pg_try_advisory_xact_lock(hashtext(${`directory:${source.id}`})) as ok`,
          );
          if (!lock?.ok) throw new Busy();
          const r = await syncPeople(tx, source.orgId, source.settings as LdapSettings, entries, {
            clock: this.clock,
            requests: this.requests,
            by: `Verzeichnisabgleich ${source.name} (${by})`,
          });
          const held = r.held && !req.acceptWarnings;
          if (req.dryRun || held) throw new RollBack(r.report);
          await appendAudit(tx, {
            orgId: source.orgId,
            at: this.clock.now(),
            actor: { system: `Verzeichnisabgleich ${source.name}` },
            action: 'directory.synced',
            subject: `Verzeichnisquelle ${source.name}`,
            detail: {
              startedBy: by,
              added: r.report.added.length,
              changed: r.report.changed.length,
              deactivated: r.report.deactivated.length,
              refused: r.report.refused.length,
            },
          });
          return { report: r.report, applied: true, held: false };
        });
      } catch (err) {
        if (err instanceof Busy)
          return await record('failed', {
            error: 'Ein anderer Abgleich dieser Quelle läuft gerade; nichts wurde geändert',
          });
        if (!(err instanceof RollBack)) {
          // Recorded, so the administration sees a scheduled run that keeps failing.
          this.log.error({ err, source: source.id }, 'directory sync failed');
          return await record('failed', { error: 'Abgleich abgebrochen (interner Fehler); nichts wurde geändert' });
        }
        outcome = { report: err.report, applied: false, held: !req.dryRun };
      }
      return await record(outcome.applied ? 'done' : outcome.held ? 'held' : 'dry', outcome.report);
    } finally {
      this.running.delete(source.id);
    }
  }
}

/** ldapts errors in German, without the password or anything else from the request. */
function describeLdapError(err: unknown): string {
  const e = err as { code?: string | number; name?: string; message?: string };
  if (e.name === 'InvalidCredentialsError') return 'Anmeldung am Verzeichnis abgelehnt (Bind-DN oder Passwort falsch)';
  if (e.code === 'ECONNREFUSED') return 'keine Verbindung (Server nicht erreichbar)';
  if (e.code === 'ENOTFOUND') return 'Servername unbekannt';
  if (e.name === 'NoSuchObjectError') return 'Basis-DN gibt es im Verzeichnis nicht';
  if (/timeout/i.test(e.message ?? '')) return 'Zeitüberschreitung';
  return `${e.name ?? 'Fehler'}: ${(e.message ?? '').slice(0, 200)}`;
}

import { and, arrayContains, asc, eq, gt, ilike, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { rawRows } from '../db/raw.js';
import {
  incidentReports,
  organisations,
  people,
  privacyContacts,
  registerEntries,
  reportAttachments,
  rooms,
} from '../db/schema.js';
import { loadSettings } from '../reports/settings.js';
import { normaliseName } from './names.js';

/** SQL of the register's entries. Only the register service calls this; every read there is logged. */

export type EntryRow = typeof registerEntries.$inferSelect;
export type NewEntry = typeof registerEntries.$inferInsert;
export type ReportRow = typeof incidentReports.$inferSelect;

/** The organisation's ZeMAG settings: one reader for every domain (defaults when none or outdated). */
export const settingsOf = loadSettings;

export async function orgName(ex: Executor, orgId: string): Promise<string> {
  const [o] = await ex.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, orgId));
  return o?.name ?? '';
}

export const allOrgIds = async (ex: Executor): Promise<string[]> =>
  (await ex.select({ id: organisations.id }).from(organisations)).map((o) => o.id);

export async function insertEntry(ex: Executor, values: NewEntry): Promise<EntryRow> {
  const [row] = await ex.insert(registerEntries).values(values).returning();
  return row!;
}

/**
 * An entry is live until its deletion date: on that day the retention job deletes it, and from
 * that day on every read leaves it out, whether the job has run or not. `today` is the
 * organisation's calendar day (`dayOf`).
 */
const live = (today: string) => gt(registerEntries.deleteAt, today);

export async function entryById(ex: Executor, orgId: string, id: string, today: string): Promise<EntryRow | null> {
  const [row] = await ex
    .select()
    .from(registerEntries)
    .where(and(eq(registerEntries.orgId, orgId), eq(registerEntries.id, id), live(today)));
  return row ?? null;
}

export async function updateEntry(
  ex: Executor,
  orgId: string,
  id: string,
  today: string,
  values: Partial<NewEntry>,
): Promise<EntryRow | null> {
  const [row] = await ex
    .update(registerEntries)
    .set(values)
    .where(and(eq(registerEntries.orgId, orgId), eq(registerEntries.id, id), live(today)))
    .returning();
  return row ?? null;
}

export async function deleteEntry(ex: Executor, orgId: string, id: string): Promise<boolean> {
  const rows = await ex
    .delete(registerEntries)
    .where(and(eq(registerEntries.orgId, orgId), eq(registerEntries.id, id)))
    .returning({ id: registerEntries.id });
  return rows.length > 0;
}

/**
 * The names (name and aliases as keys) of every live entry of the organisation, for the lookup's
 * spelling-tolerant comparison in JS (names.ts): phonetic codes and typo distances are no index
 * lookup. Only the keys are read, so a large register costs little per entry; the candidates'
 * rows are read afterwards (`liveEntriesByIds`).
 */
export async function liveNameKeys(
  ex: Executor,
  orgId: string,
  today: string,
): Promise<Array<{ id: string; nameKeys: string[] }>> {
  return ex
    .select({ id: registerEntries.id, nameKeys: registerEntries.nameKeys })
    .from(registerEntries)
    .where(and(eq(registerEntries.orgId, orgId), live(today)));
}

/** Live entries found under this exact name key (name or alias), oldest first; uses the GIN index. */
export async function liveEntriesByKey(ex: Executor, orgId: string, key: string, today: string): Promise<EntryRow[]> {
  return ex
    .select()
    .from(registerEntries)
    .where(and(eq(registerEntries.orgId, orgId), arrayContains(registerEntries.nameKeys, [key]), live(today)))
    .orderBy(asc(registerEntries.createdAt));
}

/** Live entries by id, oldest first (the lookup's candidates). */
export async function liveEntriesByIds(ex: Executor, orgId: string, ids: string[], today: string): Promise<EntryRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select()
    .from(registerEntries)
    .where(and(eq(registerEntries.orgId, orgId), inArray(registerEntries.id, ids), live(today)))
    .orderBy(asc(registerEntries.createdAt));
}

export async function listEntries(
  ex: Executor,
  orgId: string,
  today: string,
  q: { name?: string; limit: number; offset: number },
): Promise<EntryRow[]> {
  const name = q.name ? normaliseName(q.name) : '';
  return ex
    .select()
    .from(registerEntries)
    .where(
      and(
        eq(registerEntries.orgId, orgId),
        live(today),
        name ? ilike(registerEntries.nameKey, `%${escapeLike(name)}%`) : undefined,
      ),
    )
    .orderBy(asc(registerEntries.nameKey), asc(registerEntries.id))
    .limit(q.limit)
    .offset(q.offset);
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Entries whose review date has come, or whose deletion is within the warning days. */
export async function dueEntries(ex: Executor, orgId: string, today: string, warnUntil: string): Promise<EntryRow[]> {
  return ex
    .select()
    .from(registerEntries)
    .where(
      and(
        eq(registerEntries.orgId, orgId),
        live(today),
        or(lte(registerEntries.reviewAt, today), lte(registerEntries.deleteAt, warnUntil)),
      ),
    )
    .orderBy(asc(registerEntries.deleteAt), asc(registerEntries.reviewAt));
}

/** Art. 14 tasks: entries whose notification is still open or deferred. */
export async function unnotifiedEntries(ex: Executor, orgId: string, today: string): Promise<EntryRow[]> {
  return ex
    .select()
    .from(registerEntries)
    .where(
      and(eq(registerEntries.orgId, orgId), live(today), sql`${registerEntries.notification}->>'status' <> 'sent'`),
    )
    .orderBy(asc(registerEntries.createdAt));
}

/** Retention: entries past their deletion date, deleted for real; the caller audits ids only. */
export async function deleteExpired(
  ex: Executor,
  today: string,
): Promise<Array<{ id: string; orgId: string; deleteAt: string }>> {
  return ex
    .delete(registerEntries)
    .where(lte(registerEntries.deleteAt, today))
    .returning({ id: registerEntries.id, orgId: registerEntries.orgId, deleteAt: registerEntries.deleteAt });
}

/** Mark entries entering the warning window, once; returns them for the audit. */
export async function markDeletionWarned(
  ex: Executor,
  orgId: string,
  warnUntil: string,
  now: Date,
): Promise<Array<{ id: string; deleteAt: string }>> {
  return ex
    .update(registerEntries)
    .set({ deletionWarnedAt: now })
    .where(
      and(
        eq(registerEntries.orgId, orgId),
        lte(registerEntries.deleteAt, warnUntil),
        isNull(registerEntries.deletionWarnedAt),
      ),
    )
    .returning({ id: registerEntries.id, deleteAt: registerEntries.deleteAt });
}

/**
 * Reports are read only within their retention: `kept` is the reports domain's `keptReport` for
 * the organisation's cutoffs, so a report past its period is gone for prefill and Art. 15 at
 * once, before the retention job deleted it.
 */
export async function reportById(ex: Executor, orgId: string, id: string, kept: SQL): Promise<ReportRow | null> {
  const [row] = await ex
    .select()
    .from(incidentReports)
    .where(and(eq(incidentReports.orgId, orgId), eq(incidentReports.id, id), kept));
  return row ?? null;
}

/** A draft is the reporter's own until submitted: it is no data of the organisation's yet. */
const notDraft = ne(incidentReports.status, 'draft');

/**
 * Submitted reports of the organisation, for the Art. 15 comparison of causer names: the caller
 * compares the normalised names in JS (names.ts), the one fold the register uses everywhere. An
 * organisation's reports are few enough to compare them all.
 */
export async function submittedReports(ex: Executor, orgId: string, kept: SQL): Promise<ReportRow[]> {
  return ex
    .select()
    .from(incidentReports)
    .where(and(eq(incidentReports.orgId, orgId), notDraft, kept));
}

/** Reports by id (sources of entries), whatever their causer's spelling. */
export async function reportsByIds(ex: Executor, orgId: string, ids: string[], kept: SQL): Promise<ReportRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select()
    .from(incidentReports)
    .where(and(eq(incidentReports.orgId, orgId), inArray(incidentReports.id, ids), notDraft, kept));
}

export async function attachmentsOf(ex: Executor, reportIds: string[]) {
  if (reportIds.length === 0) return [];
  return ex
    .select({
      reportId: reportAttachments.reportId,
      mime: reportAttachments.mime,
      size: reportAttachments.size,
      sha256: reportAttachments.sha256,
      uploadedAt: reportAttachments.uploadedAt,
    })
    .from(reportAttachments)
    .where(inArray(reportAttachments.reportId, reportIds));
}

/**
 * Who works in the organisation, only to black them out of free text (§ 12 DSG NRW): names,
 * logins and phone numbers of everybody, and the names of its rooms (desks, offices).
 */
/** Everybody of the organisation (as one JSON text the database writes) and its rooms: what a blackout looks for. */
export interface StaffAndPlaces {
  /** `BlackoutSources['staff']` as JSON: a city's 20,000 people pass to a file worker as one string. */
  staffJson: string;
  rooms: string[];
}

export async function staffAndPlaces(ex: Executor, orgId: string): Promise<StaffAndPlaces> {
  const [row] = await rawRows<{ staff: string }>(
    ex,
    sql`select coalesce(json_agg(json_build_object('firstName', ${people.firstName}, 'lastName', ${people.lastName},
          'login', ${people.login}, 'phone', ${people.phone})), '[]')::text as staff
        from ${people} where ${people.orgId} = ${orgId}`,
  );
  const places = await ex.select({ name: rooms.name }).from(rooms).where(eq(rooms.orgId, orgId));
  return { staffJson: row!.staff, rooms: places.map((r) => r.name) };
}

export async function privacyContactsValue(ex: Executor, orgId: string): Promise<Record<string, unknown> | null> {
  const [row] = await ex.select().from(privacyContacts).where(eq(privacyContacts.orgId, orgId));
  return row?.value ?? null;
}

export async function storePrivacyContacts(ex: Executor, orgId: string, value: Record<string, unknown>): Promise<void> {
  await ex
    .insert(privacyContacts)
    .values({ orgId, value })
    .onConflictDoUpdate({ target: privacyContacts.orgId, set: { value } });
}

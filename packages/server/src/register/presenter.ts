import { z } from 'zod';
import {
  EntryNotification,
  EntryReview,
  LegalBasis,
  type AccessLogEntry,
  type NotificationTask,
  type RegisterEntry,
  type RegisterEntryInput,
  type RegisterEntrySummary,
} from '@wachsam/protocol';
import { csvLines } from '../http/exports.js';
import type { LogRow } from './log-repository.js';
import type { EntryRow, NewEntry } from './repository.js';

/**
 * What leaves the server about an entry is named here field by field. The `data` column holds
 * the entry's text fields; parsing it with this schema means a field added to the column does
 * not leak until it is added here, too.
 */
const EntryData = z.object({
  aliases: z.array(z.string()).default([]),
  address: z.string().default(''),
  description: z.string().default(''),
  measures: z.array(z.string()).default([]),
  details: z.string().default(''),
  legalBases: z.array(LegalBasis).default([]),
  reviews: z.array(EntryReview).default([]),
});
export type EntryData = z.infer<typeof EntryData>;

export const entryData = (row: EntryRow): EntryData => EntryData.parse(row.data);

export const parseNotification = (row: EntryRow): EntryNotification => EntryNotification.parse(row.notification);

export const openNotification: EntryNotification = { status: 'open', sentAt: null, deferral: null };

/** The columns and the data document of an entry, from the form. */
export function entryValues(input: RegisterEntryInput, reviews: EntryData['reviews']) {
  const data: EntryData = {
    aliases: input.aliases,
    address: input.address,
    description: input.description,
    measures: input.measures,
    details: input.details,
    legalBases: input.legalBases,
    reviews,
  };
  return {
    lastName: input.lastName,
    firstName: input.firstName,
    birthDate: input.birthDate,
    level: input.level,
    sourceReportId: input.sourceReportId,
    data,
  } satisfies Partial<NewEntry>;
}

export interface DueWindow {
  today: string;
  warnUntil: string;
}

const dueOf = (row: EntryRow, w: DueWindow) => ({
  review: row.reviewAt <= w.today,
  deletion: row.deleteAt <= w.warnUntil,
});

/** The entry as the central unit entered it: the input fields, from columns and the data JSON. */
export function entryInputOf(row: EntryRow): RegisterEntryInput {
  const d = entryData(row);
  return {
    lastName: row.lastName,
    firstName: row.firstName,
    birthDate: row.birthDate,
    aliases: d.aliases,
    address: d.address,
    description: d.description,
    level: row.level,
    measures: d.measures,
    details: d.details,
    legalBases: d.legalBases,
    sourceReportId: row.sourceReportId,
  };
}

export function presentEntry(row: EntryRow, w: DueWindow): RegisterEntry {
  const d = entryData(row);
  return {
    id: row.id,
    ...entryInputOf(row),
    createdAt: row.createdAt.toISOString(),
    reviewAt: row.reviewAt,
    deleteAt: row.deleteAt,
    deletionWarnedAt: row.deletionWarnedAt?.toISOString() ?? null,
    notification: parseNotification(row),
    reviews: d.reviews,
    due: dueOf(row, w),
  };
}

export function presentSummary(row: EntryRow, w: DueWindow): RegisterEntrySummary {
  return {
    id: row.id,
    lastName: row.lastName,
    firstName: row.firstName,
    birthDate: row.birthDate,
    level: row.level,
    reviewAt: row.reviewAt,
    deleteAt: row.deleteAt,
    due: dueOf(row, w),
    notificationStatus: parseNotification(row).status,
  };
}

export function presentTask(row: EntryRow): NotificationTask {
  return {
    entryId: row.id,
    lastName: row.lastName,
    firstName: row.firstName,
    birthDate: row.birthDate,
    address: entryData(row).address,
    createdAt: row.createdAt.toISOString(),
    notification: parseNotification(row),
  };
}

export function presentLogRow(r: LogRow): AccessLogEntry {
  return {
    seq: r.seq.toString(),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    purpose: r.purpose,
    caseReference: r.caseReference,
    legalBasis: r.legalBasis,
    query: r.query,
    result: r.result,
    heldUntil: r.heldUntil,
    hash: r.hash,
  };
}

/** The access log's CSV columns. */
const logCsvHead = [
  'seq',
  'at',
  'actor',
  'action',
  'purpose',
  'caseReference',
  'legalBasis',
  'query',
  'result',
  'heldUntil',
  'prevHash',
  'hash',
];

/** Lines of the access log's CSV: the header with `head`, then one line per row. */
export function logCsvLines(rows: readonly LogRow[], head: boolean): string {
  const lines = rows.map((r) => [
    r.seq.toString(),
    r.at.toISOString(),
    r.actor,
    r.action,
    r.purpose,
    r.caseReference,
    r.legalBasis,
    JSON.stringify(r.query),
    JSON.stringify(r.result),
    r.heldUntil ?? '',
    r.prevHash,
    r.hash,
  ]);
  return csvLines(head ? [logCsvHead, ...lines] : lines);
}

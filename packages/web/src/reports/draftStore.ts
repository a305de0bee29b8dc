import { IdempotencyKey, incidentCategories, type IncidentCategory } from '@wachsam/protocol';
import type { KeyValueStore } from '../alarms/outbox.js';
import { emptyForm, evidenceKinds, legalKinds, type ReportForm } from './formState.js';
import { newIdempotencyKey } from '../api/idempotency.js';

/**
 * A report form kept on this device. Written on every keystroke, so closing the tab, a reload
 * or a lost network never loses what was typed. `dirty` says the server has not confirmed
 * this exact text yet: on reload a dirty local copy wins over the server's older draft.
 */
export interface StoredDraft {
  reportId: string | null;
  form: ReportForm;
  dirty: boolean;
  savedLocallyAt: string;
  /**
   * The Idempotency-Key of the create, kept with a draft the server has not confirmed yet: a
   * create retried after a lost answer (even after a reload) finds the same draft on the
   * server instead of making a second. Null once the draft has its id.
   */
  createKey: string | null;
}

/** A fresh key for a report not yet on the server. */
export const newCreateKey = (): string => newIdempotencyKey();

/** One slot per person and report; a report not yet created on the server has the slot `new`. */
export const draftKey = (personId: string, reportId: string | null): string =>
  `wachsam.reportDraft.${personId}.${reportId ?? 'new'}`;

/** Throws when the storage refuses (quota, private mode): the caller must say the draft is not kept. */
export function saveDraft(store: KeyValueStore, personId: string, draft: StoredDraft): void {
  store.setItem(draftKey(personId, draft.reportId), JSON.stringify(draft));
}

export function clearDraft(store: KeyValueStore, personId: string, reportId: string | null): void {
  store.removeItem(draftKey(personId, reportId));
}

/**
 * The draft created on the server for the first time: from now on it lives under its id, and
 * the `new` slot is free for the next report.
 */
export function promoteDraft(store: KeyValueStore, personId: string, reportId: string, form: ReportForm): void {
  saveDraft(store, personId, {
    reportId,
    form,
    dirty: false,
    savedLocallyAt: new Date().toISOString(),
    createKey: null,
  });
  clearDraft(store, personId, null);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/** Every known string field of `base`, taken from `raw` where it is a string. */
function strings<T extends object>(base: T, raw: unknown): T {
  if (!isObject(raw)) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(base)) {
    if (typeof v === 'string') out[k] = str(raw[k], v);
    else if (typeof raw[k] === 'boolean') out[k] = raw[k];
  }
  return out as T;
}

/**
 * A form read back from storage, field by field over an empty form: a copy written by an
 * older version of the app (or tampered with) still restores what it can and never crashes.
 */
export function restoreForm(raw: unknown): ReportForm {
  const base = emptyForm();
  if (!isObject(raw)) return base;
  const categories = Array.isArray(raw.categories)
    ? raw.categories.filter((c): c is IncidentCategory => incidentCategories.includes(c as IncidentCategory))
    : [];
  const level = ['', '0', '1', '2', '3'].includes(raw.level as string) ? (raw.level as ReportForm['level']) : '';
  const legal = isObject(raw.legal) ? raw.legal : {};
  const evidence = isObject(raw.evidence) ? raw.evidence : {};
  return {
    ...strings(
      {
        occurredAt: base.occurredAt,
        roomId: '',
        address: '',
        otherCategory: '',
        levelReason: '',
        description: '',
        witnesses: '',
        injuries: '',
        policeInvolved: false,
        wantsComplaint: false,
      },
      raw,
    ),
    categories,
    level,
    causer: strings(base.causer, raw.causer),
    legal: Object.fromEntries(legalKinds.map((k) => [k, strings(base.legal[k], legal[k])])) as ReportForm['legal'],
    evidence: Object.fromEntries(
      evidenceKinds.map((k) => [k, strings(base.evidence[k], evidence[k])]),
    ) as unknown as ReportForm['evidence'],
    alarmId: typeof raw.alarmId === 'string' ? raw.alarmId : null,
  };
}

export function loadDraft(store: KeyValueStore, personId: string, reportId: string | null): StoredDraft | null {
  let raw: unknown;
  try {
    const text = store.getItem(draftKey(personId, reportId));
    raw = text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
  if (!isObject(raw)) return null;
  return {
    reportId: typeof raw.reportId === 'string' ? raw.reportId : reportId,
    form: restoreForm(raw.form),
    dirty: raw.dirty === true,
    savedLocallyAt: str(raw.savedLocallyAt, ''),
    createKey: IdempotencyKey.safeParse(raw.createKey).success ? (raw.createKey as string) : null,
  };
}

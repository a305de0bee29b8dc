import type { Report, ReportInputDraft } from '@wachsam/protocol';

/** The create of a report not yet on the server, under one key until the server confirms it. */
export interface PendingCreate {
  key: string;
  /** A request with this key may have reached the server already (sent before, or restored after a reload). */
  maybeSent: boolean;
}

export interface DraftApi {
  create(body: ReportInputDraft, key: string): Promise<Report>;
  update(id: string, body: ReportInputDraft): Promise<Report>;
}

/**
 * Creates the draft once. A repeat of the key answers with the draft the first request made,
 * as it was then; when this may be such a repeat, the text typed since is saved over it, so
 * neither a second draft nor an older text is left on the server.
 */
export async function createDraft(api: DraftApi, body: ReportInputDraft, pending: PendingCreate): Promise<Report> {
  const repeat = pending.maybeSent;
  pending.maybeSent = true;
  const created = await api.create(body, pending.key);
  return repeat && created.actions.includes('edit') ? api.update(created.id, body) : created;
}

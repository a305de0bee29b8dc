import type { Alarm, EventId } from '@wachsam/protocol';
import type { ApiClient, ApiResult } from './client.js';

/** The alarms this device may see that are still open, as one consistent picture. */
export interface OpenAlarms {
  alarms: Alarm[];
  /** Ids of the listed alarms this PC's person was alerted for. */
  forYou: Set<string>;
  /**
   * Every event up to this id is reflected in `alarms`: the server reads it before the alarms,
   * so the list may already hold a later change, never miss an earlier one.
   */
  lastEventId: EventId;
}

const pageSize = 100;
/** A server that never ends its pages (a bug) must not keep the agent busy forever. */
const maxPages = 100;

/**
 * Every page of `GET /api/alarms?open=true`. The pages are read one after another; the list's
 * `lastEventId` is the first page's, because each later page is at least as new. The cursor is a
 * position in (raisedAt, id) order, so an alarm that is resolved or raised between two pages
 * shifts nothing: each alarm open throughout is on exactly one page. Any failed page fails the
 * whole fetch: an incomplete list must never be taken as "these are all the open alarms".
 */
export async function fetchOpenAlarms(client: ApiClient): Promise<ApiResult<OpenAlarms>> {
  const alarms = new Map<string, Alarm>();
  const forYou = new Set<string>();
  let lastEventId: EventId | null = null;
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await client.call('listAlarms', {
      query: { open: 'true', limit: pageSize, ...(cursor === undefined ? {} : { cursor }) },
    });
    if (!result.ok) return result;
    for (const alarm of result.data.alarms) alarms.set(alarm.id, alarm);
    for (const id of result.data.forYou) forYou.add(id);
    lastEventId ??= result.data.lastEventId;
    if (result.data.nextCursor === null) {
      return { ok: true, status: result.status, data: { alarms: [...alarms.values()], forYou, lastEventId } };
    }
    cursor = result.data.nextCursor;
  }
  return {
    ok: false,
    status: null,
    code: 'invalid_response',
    message: `Liste offener Alarme endet nicht (mehr als ${maxPages} Seiten)`,
    fromServer: false,
  };
}

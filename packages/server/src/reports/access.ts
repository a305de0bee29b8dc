import { ReportInput, reporterRole, suggestLevel, type Report } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { cutoffsFor } from '../retention/policy.js';
import { notFound } from '../http/errors.js';
import { presentCentralReport } from './central-presenter.js';
import { presentReport } from './presenter.js';
import * as repo from './repository.js';
import { keptReport } from './retention-repository.js';
import { loadSettings } from './settings.js';
import { actionsFor, maySee, seesReporter, type Person, type Viewer } from './workflow.js';

/** Who looks at a report: the person, their roles, and their department as the organisation has it now. */
export async function viewerOf(ex: Executor, actor: Person): Promise<Viewer> {
  const person = await repo.personOf(ex, actor.orgId, actor.personId);
  return { personId: actor.personId, roles: actor.roles, departmentId: person?.departmentId ?? null };
}

/**
 * A report the caller may see and that is within its retention at `now`; any other is "not
 * found", so its existence stays hidden. `lock` holds the row until commit, so two steps on one
 * report run one after the other.
 */
export async function loadVisible(ex: Executor, actor: Person, id: string, now: Date, lock = false) {
  const viewer = await viewerOf(ex, actor);
  const kept = keptReport(await cutoffsFor(ex, actor.orgId, now));
  const row = await repo.findReport(ex, actor.orgId, id, kept, lock);
  const state = row && (await repo.reviewStateOf(ex, row));
  if (!row || !state || !maySee(viewer, state)) throw notFound('Meldung');
  return { row, viewer, state };
}

/**
 * The report as this viewer may see it: in full for those who may know the reporter (the
 * reporter, the supervisor, HR), else — the central unit — the allow-listed central view.
 */
export async function viewReport(ex: Executor, viewer: Viewer, row: repo.ReportRow): Promise<Report> {
  const input = ReportInput.parse(row.data);
  const { levelMapping } = await loadSettings(ex, row.orgId);
  const suggestedLevel = suggestLevel(input.categories, levelMapping);
  const transitions = await repo.transitionsOf(ex, row.id);
  const actions = actionsFor(viewer, await repo.reviewStateOf(ex, row));
  const ids = transitions.flatMap((t) => (t.actorPersonId && t.actorRole !== reporterRole ? [t.actorPersonId] : []));
  const attachments = await repo.attachmentsOf(ex, row.id);
  if (!seesReporter(viewer, row)) {
    const room = input.roomId ? await repo.placeOfRoom(ex, row.orgId, input.roomId) : null;
    const place = room && { building: room.building, department: room.department ?? '' };
    const names = await repo.namesOf(ex, row.orgId, [...new Set(ids)]);
    const attachmentCount = attachments.length;
    return presentCentralReport({ row, input, suggestedLevel, place, transitions, names, attachmentCount, actions });
  }
  if (row.reporterPersonId) ids.push(row.reporterPersonId);
  const names = await repo.namesOf(ex, row.orgId, [...new Set(ids)]);
  return presentReport({
    row,
    input,
    suggestedLevel,
    reporterName: (row.reporterPersonId && names.get(row.reporterPersonId)) ?? 'unbekannt',
    transitions,
    names,
    attachments,
    actions,
  });
}

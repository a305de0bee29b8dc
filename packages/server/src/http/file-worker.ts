/**
 * The file renderers, run in a worker thread (see `file-workers.ts`): laying out a Lagebild over a
 * year or a letter with a long access report, or formatting thousands of access-log rows as CSV,
 * takes the CPU for hundreds of milliseconds, which on the main thread would hold up every alarm
 * frame behind it.
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { blackoutFor, type BlackoutSources, type BlackoutSubject } from '../register/blackout.js';
import { logRowsOfJson } from '../register/log-repository.js';
import { logCsvLines } from '../register/presenter.js';
import { notificationLetterPdf, accessReportPdf } from '../register/pdf.js';
import { lagebildPdf } from '../stats/export.js';

export const renderers = {
  lagebild: lagebildPdf,
  accessReport: accessReportPdf,
  notificationLetter: notificationLetterPdf,
  /** Texts of an Art. 14/15 answer blacked out (`names` or `text`), as JSON: see `blackedOut` in rights.ts. */
  blackout: async (t: {
    staffJson: string;
    rooms: string[];
    subject: BlackoutSubject;
    names: string[];
    text: string[];
  }) => {
    const b = blackoutFor({
      staff: JSON.parse(t.staffJson) as BlackoutSources['staff'],
      rooms: t.rooms,
      subject: t.subject,
    });
    return Buffer.from(JSON.stringify({ names: t.names.map(b.names), text: t.text.map(b.text) }));
  },
  /** The first `keep` rows of a page of the access log as the database wrote it (`exportLogJson`). */
  accessLogCsv: async ({ json, keep, head }: { json: string; keep: number; head: boolean }) =>
    Buffer.from(logCsvLines(logRowsOfJson(json).slice(0, keep), head)),
};

export type Renderers = typeof renderers;
export type RenderTask = { [K in keyof Renderers]: { kind: K; input: Parameters<Renderers[K]>[0] } }[keyof Renderers];

/**
 * On Linux every thread has its own nice value: this one runs at the lowest priority, so on a
 * small server the main thread (alarms) and the database get the cores first, and a file takes
 * what is left. Elsewhere the thread keeps the process's priority.
 */
function yieldCpu(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, constants.priority.PRIORITY_LOW);
  } catch {
    // no /proc (not Linux) or not allowed: the default priority
  }
}
yieldCpu();

/** One task: the file's bytes, moved (not copied) back to the main thread. */
export default async function render(task: RenderTask): Promise<ArrayBuffer> {
  const file = await (renderers[task.kind] as (input: unknown) => Promise<Buffer>)(task.input);
  // A copy into an ArrayBuffer of its own: a Buffer may share a pooled one that cannot be moved.
  const own = new Uint8Array(file.byteLength);
  own.set(file);
  const { move } = await import('piscina');
  return move(own.buffer) as unknown as ArrayBuffer;
}

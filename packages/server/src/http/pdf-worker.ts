/**
 * The PDF renderers, run in a worker thread (see `pdf-workers.ts`): laying out a Lagebild over a
 * year or a letter with a long access report takes the CPU for hundreds of milliseconds, which
 * on the main thread would hold up every alarm frame behind it.
 */
import { notificationLetterPdf, accessReportPdf } from '../register/pdf.js';
import { lagebildPdf } from '../stats/export.js';

export const renderers = {
  lagebild: lagebildPdf,
  accessReport: accessReportPdf,
  notificationLetter: notificationLetterPdf,
};

export type Renderers = typeof renderers;
export type RenderTask = { [K in keyof Renderers]: { kind: K; input: Parameters<Renderers[K]>[0] } }[keyof Renderers];

/** One task: the PDF's bytes, moved (not copied) back to the main thread. */
export default async function render(task: RenderTask): Promise<ArrayBuffer> {
  const pdf = await (renderers[task.kind] as (input: unknown) => Promise<Buffer>)(task.input);
  // A copy into an ArrayBuffer of its own: a Buffer may share a pooled one that cannot be moved.
  const own = new Uint8Array(pdf.byteLength);
  own.set(pdf);
  const { move } = await import('piscina');
  return move(own.buffer) as unknown as ArrayBuffer;
}

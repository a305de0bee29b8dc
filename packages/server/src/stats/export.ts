import { csvFile, pdfFonts, renderPdf } from '../http/exports.js';
import {
  periodLabel,
  statsRowLabels,
  suppressedMark,
  suppressionNote,
  type Period,
  type StatsTable,
} from '@wachsam/protocol';

// Exports render published tables only: a withheld value is already null here and is printed as
// the mark, so no export can show more than the API answer does.

const show = (v: number | null) => (v === null ? suppressedMark : String(v));

const columnHeading = (t: StatsTable) =>
  t.columnsDimension === 'month' ? 'Monat' : t.columnsDimension === 'category' ? 'Kategorie' : 'Quartal';

/** Whether the table has row totals (the before/after table has none: see `StatsTable`). */
const hasTotals = (t: StatsTable) => t.grandTotal !== undefined;

/** The table as CSV (German spreadsheet conventions); the note on suppression after a blank line. */
export function statsCsv(t: StatsTable): string {
  const sum = (v: number | null | undefined) => (hasTotals(t) ? [show(v ?? null)] : []);
  return csvFile([
    [
      `${statsRowLabels[t.rowsDimension]} / ${columnHeading(t)}`,
      ...t.columns.map((c) => c.label),
      ...(hasTotals(t) ? ['Summe'] : []),
    ],
    ...t.rows.map((r) => [r.label, ...r.cells.map(show), ...sum(r.total)]),
    ['Summe', ...t.columnTotals.map(show), ...sum(t.grandTotal)],
    [],
    [suppressionNote],
  ]);
}

export interface LagebildInput {
  organisation: string;
  period: Period;
  generatedAt: Date;
  sections: Array<{ heading: string; table: StatsTable }>;
}

const margin = 40;
const labelWidth = 150;
const maxColumnsPerBlock = 12;

/** The yearly situation picture for the Sicherheitskonferenz: title, period, tables, note. */
export function lagebildPdf(input: LagebildInput): Promise<Buffer> {
  return renderPdf(
    {
      layout: 'landscape',
      margin,
      info: { Title: `Lagebild Gewalt gegen Beschäftigte – ${input.organisation}`, Author: 'Wachsam' },
    },
    (doc) => {
      doc.font(pdfFonts.bold).fontSize(20).text('Lagebild Gewalt gegen Beschäftigte');
      doc.moveDown(0.3).font(pdfFonts.regular).fontSize(12).text(input.organisation);
      doc.text(`Zeitraum: ${periodLabel(input.period)}`);
      doc
        .fontSize(9)
        .fillColor('#444')
        .text(`Erstellt am ${input.generatedAt.toISOString().slice(0, 10)} aus anonymisierten Vorfallsdaten.`)
        .fillColor('black');
      doc
        .moveDown(0.5)
        .fontSize(9)
        .text(suppressionNote, { width: doc.page.width - 2 * margin });

      for (const s of input.sections) {
        doc.moveDown(1);
        ensureSpace(doc, 60);
        doc.font(pdfFonts.bold).fontSize(12).text(s.heading, margin);
        drawTable(doc, s.table);
      }
    },
  );
}

function ensureSpace(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - margin) doc.addPage();
}

/** The table in blocks of at most 12 columns; the totals column closes the last block. */
function drawTable(doc: PDFKit.PDFDocument, t: StatsTable): void {
  const blocks = Math.max(1, Math.ceil(t.columns.length / maxColumnsPerBlock));
  for (let b = 0; b < blocks; b++) {
    const start = b * maxColumnsPerBlock;
    const idx = t.columns.slice(start, start + maxColumnsPerBlock).map((_, k) => start + k);
    const last = b === blocks - 1 && hasTotals(t);
    const headings = [...idx.map((j) => t.columns[j]!.label), ...(last ? ['Summe'] : [])];
    const body = [
      ...t.rows.map((r) => [r.label, ...idx.map((j) => show(r.cells[j]!)), ...(last ? [show(r.total ?? null)] : [])]),
      ['Summe', ...idx.map((j) => show(t.columnTotals[j]!)), ...(last ? [show(t.grandTotal ?? null)] : [])],
    ];
    const width = (doc.page.width - 2 * margin - labelWidth) / Math.max(headings.length, 1);
    const header = () => {
      ensureSpace(doc, 40);
      const y = doc.y + 4;
      doc.font(pdfFonts.bold).fontSize(7);
      doc.text(statsRowLabels[t.rowsDimension], margin, y, { width: labelWidth });
      headings.forEach((h, k) => doc.text(h, margin + labelWidth + k * width, y, { width: width - 2, align: 'right' }));
      doc.y = y + 20;
      doc
        .moveTo(margin, doc.y - 3)
        .lineTo(doc.page.width - margin, doc.y - 3)
        .stroke();
    };
    header();
    body.forEach((cells, n) => {
      if (doc.y + 14 > doc.page.height - margin) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      doc.font(n === body.length - 1 ? pdfFonts.bold : pdfFonts.regular).fontSize(8);
      doc.text(cells[0]!, margin, y, { width: labelWidth - 4, lineBreak: false, ellipsis: true });
      cells
        .slice(1)
        .forEach((c, k) => doc.text(c, margin + labelWidth + k * width, y, { width: width - 2, align: 'right' }));
      doc.y = y + 12;
    });
    doc.x = margin;
    doc.moveDown(0.5);
  }
}

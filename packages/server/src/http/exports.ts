import PDFDocument from 'pdfkit';

/** Files the server hands out (letters, reports, the Lagebild, log exports): one way to make each kind. */

export type PdfDoc = PDFKit.PDFDocument;

/** Render a PDF to one buffer; `build` writes the pages. Helvetica's WinAnsi covers umlauts, ß, § and „“. */
export function renderPdf(options: PDFKit.PDFDocumentOptions, build: (doc: PdfDoc) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', ...options, info: { Producer: 'Wachsam', ...options.info } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    build(doc);
    doc.end();
  });
}

/**
 * One CSV field for German spreadsheets. A value starting with = + - @ would run as a formula
 * when opened: it is prefixed with ' and so read as text. Quoted where `;`, `"` or a line break
 * would split it.
 */
function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * CSV as Excel in German settings opens it with a double click: semicolons, CRLF, and a UTF-8
 * byte order mark so umlauts survive.
 */
export function csvFile(lines: ReadonlyArray<readonly string[]>): string {
  return `\uFEFF${lines.map((cells) => cells.map(csvField).join(';')).join('\r\n')}\r\n`;
}

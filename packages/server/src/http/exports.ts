import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/** Files the server hands out (letters, reports, the Lagebild, log exports): one way to make each kind. */

export type PdfDoc = PDFKit.PDFDocument;

const fontFile = (path: string): Buffer => readFileSync(createRequire(import.meta.url).resolve(path));

/**
 * Noto Sans (SIL Open Font License 1.1, from the npm package `@expo-google-fonts/noto-sans`),
 * embedded as a subset in every PDF. pdfkit's built-in Helvetica only knows WinAnsi: "Yılmaz",
 * "Łukasz" or "Đorđević" came out garbled in letters the law requires to name the person.
 * Noto Sans covers Latin, Greek and Cyrillic. Read once at start; a missing file stops the start.
 */
const fontFiles = {
  regular: fontFile('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
  bold: fontFile('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
};

/** The two faces every PDF of the server uses, by the names `doc.font()` takes. */
export const pdfFonts = { regular: 'Text', bold: 'Text-Bold' } as const;

/** Render a PDF to one buffer; `build` writes the pages, in Noto Sans (`pdfFonts`) from the start. */
export function renderPdf(options: PDFKit.PDFDocumentOptions, build: (doc: PdfDoc) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // `font: ''` keeps pdfkit from opening its Helvetica default: nothing but Noto Sans is in the file.
    const doc = new PDFDocument({ size: 'A4', ...options, font: '', info: { Producer: 'Wachsam', ...options.info } });
    doc.registerFont(pdfFonts.regular, fontFiles.regular).registerFont(pdfFonts.bold, fontFiles.bold);
    doc.font(pdfFonts.regular);
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

/** Lines of CSV (each ends with CRLF), to be joined after `csvBom`: for a file built in parts. */
export function csvLines(lines: ReadonlyArray<readonly string[]>): string {
  return lines.map((cells) => `${cells.map(csvField).join(';')}\r\n`).join('');
}

/** The byte order mark that makes Excel read a CSV as UTF-8, so umlauts survive. */
export const csvBom = '\uFEFF';

/**
 * CSV as Excel in German settings opens it with a double click: semicolons, CRLF, and a UTF-8
 * byte order mark so umlauts survive.
 */
export function csvFile(lines: ReadonlyArray<readonly string[]>): string {
  return `${csvBom}${csvLines(lines)}`;
}

import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { pdfFonts, renderPdf } from './exports.js';

/** Names the letters must print as written: outside WinAnsi, Helvetica garbled each of them. */
export const namesBeyondWinAnsi = ['Yılmaz', 'Łukasz', 'Đorđević', 'Ærøskøbing', 'Šťastný', 'Олександр'];

describe('renderPdf', () => {
  it('prints names beyond Western European letters exactly, in the embedded Noto Sans only', async () => {
    const pdf = await renderPdf({ info: { Title: 'Test' } }, (doc) => {
      doc.text(namesBeyondWinAnsi.join(' '));
      doc.font(pdfFonts.bold).text(`Betreff: ${namesBeyondWinAnsi.join(' ')}`);
    });
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text).toContain(namesBeyondWinAnsi.join(' '));
    expect(text).toContain(`Betreff: ${namesBeyondWinAnsi.join(' ')}`);
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans-Bold/);
    expect(raw).not.toContain('Helvetica');
  });
});

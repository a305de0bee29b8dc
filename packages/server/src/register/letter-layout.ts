import type { ContactDetails } from '@wachsam/protocol';
import { pdfFonts, renderPdf, type PdfDoc } from '../http/exports.js';
import { addressLines } from './legal-texts.js';

/**
 * A formal German letter after DIN 5008 (form B) on A4: letterhead of the controller, the address
 * field with return line and the note "Persönlich – vertraulich" at 45 mm, the information block
 * (Aktenzeichen, date, contact) at 125 mm, the subject in bold at about 98 mm, fold and hole marks,
 * and a footer with the controller's address and "Seite x von y" on every page.
 */

const mm = (v: number) => v * 2.8346;
const left = mm(25);
const right = mm(20);
const bottom = mm(25);
const gray = '#555555';

export interface LetterFrame {
  /** Document title (PDF metadata). */
  title: string;
  controller: ContactDetails;
  /** Who answers questions: named in the information block. */
  contact: ContactDetails;
  recipient: { name: string; address: string };
  reference: string;
  /** TT.MM.JJJJ. */
  date: string;
  subject: string;
  salutation: string;
}

export interface LetterWriter {
  doc: PdfDoc;
  heading: (text: string) => void;
  subheading: (text: string) => void;
  para: (text: string) => void;
  /** A label and its value side by side; an empty value is shown as "–". */
  field: (label: string, value: string) => void;
  space: (lines?: number) => void;
  /** Start a new page unless this much room (pt) is left. */
  keep: (height: number) => void;
}

function writer(doc: PdfDoc): LetterWriter {
  const width = () => doc.page.width - left - right;
  const keep = (height: number) => {
    if (doc.y + height > doc.page.height - bottom) doc.addPage();
  };
  return {
    doc,
    heading: (text) => {
      keep(48);
      doc.x = left;
      doc.moveDown(0.7).font(pdfFonts.bold).fontSize(10.5).fillColor('black').text(text, { width: width() });
      doc.moveDown(0.2);
    },
    subheading: (text) => {
      keep(40);
      doc.x = left;
      doc.moveDown(0.5).font(pdfFonts.bold).fontSize(10).text(text, { width: width() });
      doc.moveDown(0.15);
    },
    para: (text) => {
      keep(24);
      doc.x = left;
      doc.font(pdfFonts.regular).fontSize(10).fillColor('black').text(text, { width: width(), lineGap: 1 });
    },
    field: (label, value) => {
      keep(26);
      const labelWidth = mm(52);
      const y = doc.y;
      const page = doc.page;
      doc
        .font(pdfFonts.regular)
        .fontSize(8.5)
        .fillColor(gray)
        .text(label, left, y + 1, { width: labelWidth - mm(4) });
      const afterLabel = doc.y;
      doc
        .font(pdfFonts.regular)
        .fontSize(10)
        .fillColor('black')
        .text(value || '–', left + labelWidth, y, { width: width() - labelWidth, lineGap: 1 });
      doc.y = doc.page === page ? Math.max(afterLabel, doc.y) + 2 : doc.y + 2;
      doc.x = left;
    },
    space: (lines = 1) => {
      doc.moveDown(lines);
    },
    keep,
  };
}

/** The first page's frame: letterhead, address field, information block, marks. Leaves doc.y at the subject. */
function firstPage(doc: PdfDoc, f: LetterFrame): void {
  const c = f.controller;
  doc
    .font(pdfFonts.bold)
    .fontSize(14)
    .fillColor('black')
    .text(c.name, left, mm(14), { width: mm(165) });
  doc.font(pdfFonts.regular).fontSize(8.5).fillColor(gray);
  doc.text('Datenschutz · Melde- und Auskunftsregister nach § 3 BSchG NRW', { width: mm(165) });

  // Address field, form B: 45 mm from the top, 85 mm wide.
  const returnLine = [c.name, ...addressLines(c.address)].join(' · ');
  // One line, as the window shows it: the type shrinks until the return address fits.
  let size = 7;
  while (size > 5 && doc.fontSize(size).widthOfString(returnLine) > mm(85)) size -= 0.25;
  doc.fillColor(gray).text(returnLine, left, mm(46), { width: mm(85), height: size + 2, ellipsis: true });
  doc
    .moveTo(left, mm(50))
    .lineTo(left + mm(85), mm(50))
    .lineWidth(0.4)
    .strokeColor('#999999')
    .stroke();
  const handover = f.recipient.address.trim() === '';
  doc
    .fontSize(8.5)
    .fillColor('black')
    .text(handover ? 'Zur persönlichen Aushändigung' : 'Persönlich – vertraulich', left, mm(53));
  doc.font(pdfFonts.regular).fontSize(10).fillColor('black');
  doc.text([f.recipient.name, ...addressLines(f.recipient.address)].join('\n'), left, mm(63), {
    width: mm(85),
    lineGap: 1,
  });

  // Information block at 125 mm from the left, 50 mm from the top.
  const infoX = mm(125);
  let y = mm(50);
  const info = (label: string, value: string) => {
    if (!value) return;
    doc
      .font(pdfFonts.regular)
      .fontSize(7.5)
      .fillColor(gray)
      .text(label, infoX, y, { width: mm(65) });
    doc
      .fontSize(9)
      .fillColor('black')
      .text(value, infoX, doc.y, { width: mm(65) });
    y = doc.y + 3;
  };
  info('Aktenzeichen', f.reference);
  info('Datum', f.date);
  info('Ansprechpartner', f.contact.name);
  info('E-Mail', f.contact.email);
  info('Telefon', f.contact.phone);

  // Fold marks at 105 and 210 mm, hole mark at 148.5 mm.
  for (const [at, length] of [
    [105, 5],
    [148.5, 7],
    [210, 5],
  ] as const)
    doc
      .moveTo(mm(3), mm(at))
      .lineTo(mm(3 + length), mm(at))
      .lineWidth(0.3)
      .strokeColor('#999999')
      .stroke();

  doc
    .font(pdfFonts.bold)
    .fontSize(10.5)
    .fillColor('black')
    .text(f.subject, left, Math.max(mm(98.5), y + 12), {
      width: doc.page.width - left - right,
    });
  doc.moveDown(1.6);
  doc.font(pdfFonts.regular).fontSize(10).text(f.salutation, left);
  doc.moveDown(0.6);
}

function footers(doc: PdfDoc, c: ContactDetails): void {
  const { start, count } = doc.bufferedPageRange();
  const line = [c.name, ...addressLines(c.address), c.email, c.phone && `Telefon ${c.phone}`]
    .filter((x) => x)
    .join(' · ');
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    // Text below the bottom margin would open a new page: lift the margin while the footer is written.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - mm(17);
    const width = doc.page.width - left - right;
    doc
      .moveTo(left, y - 4)
      .lineTo(left + width, y - 4)
      .lineWidth(0.4)
      .strokeColor('#999999')
      .stroke();
    doc.font(pdfFonts.regular).fontSize(7).fillColor(gray);
    doc.text(line, left, y, { width: width - mm(30), lineBreak: true });
    doc.text(`Seite ${i - start + 1} von ${count}`, left + width - mm(30), y, { width: mm(30), align: 'right' });
    doc.page.margins.bottom = saved;
  }
}

/** Render a letter: the frame, then `write` fills the body; closing and footers follow. */
export function formalLetter(f: LetterFrame, write: (w: LetterWriter) => void): Promise<Buffer> {
  return renderPdf(
    {
      margins: { top: mm(20), bottom, left, right },
      bufferPages: true,
      info: { Title: f.title, Author: f.controller.name },
    },
    (doc) => {
      firstPage(doc, f);
      const w = writer(doc);
      write(w);
      w.space(1.2);
      w.keep(70);
      w.para('Mit freundlichen Grüßen');
      w.para(f.controller.name);
      w.space(0.8);
      doc.font(pdfFonts.regular).fontSize(8.5).fillColor(gray);
      doc.text('Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.', left);
      footers(doc, f.controller);
    },
  );
}

import { StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { A4, createPdf, wrappedLines } from '../../platform/pdf.ts';
import type { DocText } from './assembly-texts.domain.ts';

/**
 * Renders an assembly document (convocation, minutes) as A4 pages with pdf-lib and the standard
 * Helvetica (WinAnsi covers French, Dutch and German). Text wraps and flows onto new pages.
 * Deterministic: no creation date in the document.
 */

const MARGIN = 56;
const SIZE = 10.5;
const LEADING = SIZE * 1.35;

export async function renderAssemblyPdf(doc: DocText): Promise<Uint8Array> {
  const pdf = await createPdf(doc.title);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page = pdf.addPage(A4);
  let y = A4[1] - MARGIN;
  const ensure = (height: number) => {
    if (y - height < MARGIN) {
      page = pdf.addPage(A4);
      y = A4[1] - MARGIN;
    }
  };
  const write = (text: string, font: PDFFont, size: number) => {
    for (const line of wrappedLines(text, { font, size, width: A4[0] - 2 * MARGIN })) {
      ensure(size * 1.35);
      draw(page, line, y, font, size);
      y -= size * 1.35;
    }
  };
  write(doc.title, bold, 16);
  y -= 10;
  for (const block of doc.blocks) {
    y -= 6;
    if (block.heading) write(block.heading, bold, 12);
    for (const line of block.lines) {
      if (line === '') y -= LEADING / 2;
      else write(line, regular, SIZE);
    }
  }
  return pdf.save();
}

function draw(page: PDFPage, text: string, y: number, font: PDFFont, size: number) {
  page.drawText(text, { x: MARGIN, y, size, font });
}

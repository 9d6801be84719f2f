import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { A4, createPdf, printable } from '../../platform/pdf.ts';
import { wrapText } from '../../platform/text-wrap.ts';
import { addressLines, MM, WINDOW_BLOCK, type PostalAddress } from './delivery.domain.ts';

/**
 * One print batch: for each letter, a cover page with the address in the window block
 * (delivery.domain.ts WINDOW_BLOCK), the sender line, the date, the subject and the text, then the
 * pages of each PDF attachment. Deterministic (no creation date). Standard Helvetica (WinAnsi):
 * characters it cannot encode are printed as "?".
 */

const MARGIN = 20 * MM;

export interface Letter {
  address: PostalAddress; sender: string; date: string; subject: string; text: string;
  /** Attachments in order; the PDF ones are printed after the cover, the others are only named on it. */
  attachments: Array<{ filename: string; contentType: string; content: Uint8Array }>;
}

export async function renderPrintBatch(letters: Letter[]): Promise<{ pdf: Uint8Array; pageCount: number }> {
  const doc = await createPdf();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const clean = (s: string) => printable(s, regular);
  for (const letter of letters) {
    const pdfs: PDFDocument[] = [];
    const notPrinted: string[] = [];
    for (const a of letter.attachments) {
      const loaded = a.contentType === 'application/pdf' ? await PDFDocument.load(a.content).catch(() => null) : null;
      if (loaded) pdfs.push(loaded); else notPrinted.push(a.filename);
    }
    let page = doc.addPage(A4);
    const top = (mm: number) => A4[1] - mm * MM;
    page.drawText(clean(letter.sender).slice(0, 90), { x: WINDOW_BLOCK.leftMm * MM, y: top(WINDOW_BLOCK.topMm - 4), size: 7, font: regular });
    addressLines(letter.address).forEach((line, i) => {
      page.drawText(clean(line), { x: WINDOW_BLOCK.leftMm * MM, y: top(WINDOW_BLOCK.topMm + 4 + i * WINDOW_BLOCK.lineMm),
        size: WINDOW_BLOCK.fontSize, font: regular, maxWidth: WINDOW_BLOCK.widthMm * MM });
    });
    page.drawText(letter.date, { x: WINDOW_BLOCK.leftMm * MM, y: top(105), size: 10, font: regular });
    let y = top(120);
    for (const line of wrapText(clean(letter.subject), A4[0] - 2 * MARGIN, (s) => bold.widthOfTextAtSize(s, 12))) {
      page.drawText(line, { x: MARGIN, y, size: 12, font: bold });
      y -= 16;
    }
    y -= 10;
    const note = notPrinted.length ? `\n\nAnnexes non imprimées / niet afgedrukte bijlagen: ${notPrinted.join(', ')}` : '';
    const body = wrapText(clean(letter.text + note), A4[0] - 2 * MARGIN, (s) => regular.widthOfTextAtSize(s, 10));
    for (const line of body) {
      if (y < MARGIN) { page = doc.addPage(A4); y = A4[1] - MARGIN; }
      drawLine(page, line, y, regular);
      y -= 13;
    }
    for (const src of pdfs) {
      for (const p of await doc.copyPages(src, src.getPageIndices())) doc.addPage(p);
    }
  }
  return { pdf: await doc.save(), pageCount: doc.getPageCount() };
}

function drawLine(page: PDFPage, line: string, y: number, font: PDFFont): void {
  if (line) page.drawText(line, { x: MARGIN, y, size: 10, font });
}

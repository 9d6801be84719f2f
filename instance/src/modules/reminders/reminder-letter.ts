import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { letterText, type LetterData } from './letter.domain.ts';

/**
 * Renders a reminder letter as an A4 PDF (pdf-lib, standard Helvetica like the calls' PDF).
 * Deterministic: no creation date in the document, so the same letter gives the same bytes.
 */

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const LABEL_WIDTH = 190;

export async function renderReminderLetter(data: LetterData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${data.level} – ${data.ownerName}`);
  doc.setProducer('KoproGo');
  doc.setCreator('KoproGo');
  const epoch = new Date(0);
  doc.setCreationDate(epoch);
  doc.setModificationDate(epoch);
  const page = doc.addPage(A4);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const text = letterText(data);
  const width = A4[0] - 2 * MARGIN;

  let y = A4[1] - MARGIN;
  page.drawText(text.title, { x: MARGIN, y: y - 18, size: 20, font: bold });
  y -= 56;
  for (const [label, value] of [...text.rows, ['', ''] as [string, string], ...text.amounts]) {
    if (label) {
      page.drawText(label, { x: MARGIN, y, size: 11, font: bold });
      y = drawWrapped(page, value, { x: MARGIN + LABEL_WIDTH, y, size: 11, font: regular, width: width - LABEL_WIDTH });
    }
    y -= 18;
  }
  y -= 8;
  for (const p of text.paragraphs) {
    y = drawWrapped(page, p, { x: MARGIN, y, size: 10, font: regular, width }) - 18;
  }
  return doc.save();
}

/** Draws `value` wrapped to `width`; returns the y of its last line. */
function drawWrapped(page: PDFPage, value: string, o: { x: number; y: number; size: number; font: PDFFont; width: number }): number {
  let line = '';
  let y = o.y;
  for (const word of value.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && o.font.widthOfTextAtSize(next, o.size) > o.width) {
      page.drawText(line, { x: o.x, y, size: o.size, font: o.font });
      y -= o.size * 1.3;
      line = word;
    } else {
      line = next;
    }
  }
  if (line) page.drawText(line, { x: o.x, y, size: o.size, font: o.font });
  return y;
}

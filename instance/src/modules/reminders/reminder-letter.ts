import { StandardFonts } from 'pdf-lib';
import { A4, createPdf, drawWrapped } from '../../platform/pdf.ts';
import { letterText, type LetterData } from './letter.domain.ts';

/**
 * Renders a reminder letter as an A4 PDF (pdf-lib, standard Helvetica like the calls' PDF).
 * Deterministic: no creation date in the document, so the same letter gives the same bytes.
 */

const MARGIN = 56;
const LABEL_WIDTH = 190;

export async function renderReminderLetter(data: LetterData): Promise<Uint8Array> {
  const doc = await createPdf(`${data.level} – ${data.ownerName}`);
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

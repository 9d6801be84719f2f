import { PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { wrapText } from './text-wrap.ts';

/** The layout helpers every PDF of the instance shares (calls, reminders, assemblies, print batches). */

export const A4: [number, number] = [595.28, 841.89];

/** A new document with fixed metadata and no dates, so the same content always gives the same bytes. */
export async function createPdf(title?: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  if (title) doc.setTitle(title);
  doc.setProducer('KoproGo');
  doc.setCreator('KoproGo');
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return doc;
}

const charsets = new WeakMap<PDFFont, Set<number>>();

/**
 * `text` with every character the font cannot encode replaced by '?': the standard fonts cover
 * WinAnsi only (French, Dutch, German), and pdf-lib throws on anything else (a Polish or Greek
 * name, an emoji). Line breaks are kept for the wrapper.
 */
export function printable(text: string, font: PDFFont): string {
  let set = charsets.get(font);
  if (!set) charsets.set(font, (set = new Set(font.getCharacterSet())));
  return [...text].map((ch) => (ch === '\n' || set.has(ch.codePointAt(0)!) ? ch : '?')).join('');
}

export interface TextStyle { x: number; size: number; font: PDFFont; width: number }

/** The lines `value` takes at this style: printable, wrapped to the width. */
export const wrappedLines = (value: string, o: Omit<TextStyle, 'x'>): string[] =>
  wrapText(printable(value, o.font), o.width, (s) => o.font.widthOfTextAtSize(s, o.size));

/** Draws `value` wrapped to `o.width` from `y` down (leading 1.3); returns the y of its last line. */
export function drawWrapped(page: PDFPage, value: string, o: TextStyle & { y: number }): number {
  let y = o.y;
  wrappedLines(value, o).forEach((line, i) => {
    if (i > 0) y -= o.size * 1.3;
    if (line) page.drawText(line, { x: o.x, y, size: o.size, font: o.font });
  });
  return y;
}

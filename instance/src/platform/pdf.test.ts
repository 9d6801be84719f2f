import { StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { A4, createPdf, drawWrapped, printable } from './pdf.ts';

describe('PDF helpers', () => {
  it('prints a name the standard font cannot encode with "?" instead of failing', async () => {
    const doc = await createPdf('Test');
    const font = await doc.embedFont(StandardFonts.Helvetica);
    expect(printable('Łukasz Żółć 😀 Zoë – 12,50 €\nnext', font)).toBe('?ukasz ?\u00f3?? ? Zo\u00eb – 12,50 €\nnext');
    const page = doc.addPage(A4);
    const y = drawWrapped(page, 'Łukasz Żółć 😀 '.repeat(20), { x: 50, y: 800, size: 10, font, width: 200 });
    expect(y).toBeLessThan(800); // wrapped onto several lines, nothing thrown
  });

  it('gives the same bytes for the same content (no dates in the document)', async () => {
    const render = async () => {
      const doc = await createPdf('Same');
      const font = await doc.embedFont(StandardFonts.Helvetica);
      drawWrapped(doc.addPage(A4), 'Identical text', { x: 50, y: 800, size: 10, font, width: 400 });
      return Buffer.from(await doc.save()).toString('hex');
    };
    expect(await render()).toBe(await render());
  });
});

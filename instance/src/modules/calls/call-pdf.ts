import { rgb, StandardFonts, type PDFPage } from 'pdf-lib';
import { A4, createPdf, drawWrapped } from '../../platform/pdf.ts';
import QRCode from 'qrcode';
import { callPdfLines, type CallPdfData } from './call-pdf.domain.ts';

/**
 * Renders one owner's call for funds as a one-page A4 PDF (pdf-lib, standard Helvetica: WinAnsi
 * covers French, Dutch and German), with the EPC QR code drawn as vector squares (qrcode's matrix,
 * error correction M as EPC069-12 requires). Deterministic: no creation date in the document.
 */

const MARGIN = 56;
const QR_SIZE = 140;

export async function renderCallPdf(data: CallPdfData): Promise<Uint8Array> {
  const doc = await createPdf(`${data.periodLabel} – ${data.ownerName}`);
  const page = doc.addPage(A4);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const text = callPdfLines(data);

  let y = A4[1] - MARGIN;
  page.drawText(text.title, { x: MARGIN, y: y - 18, size: 20, font: bold });
  y -= 56;
  for (const [label, value] of text.rows) {
    page.drawText(label, { x: MARGIN, y, size: 11, font: bold });
    drawWrapped(page, value, { x: MARGIN + 190, y, size: 11, font: regular, width: A4[0] - 2 * MARGIN - 190 });
    y -= 20;
  }
  y -= 10;
  drawWrapped(page, text.instructions, { x: MARGIN, y, size: 10, font: regular, width: A4[0] - 2 * MARGIN });
  y -= 30 + QR_SIZE;
  drawQr(page, data.qrPayload, MARGIN, y, QR_SIZE);
  page.drawText(text.qrCaption, { x: MARGIN + QR_SIZE + 16, y: y + QR_SIZE / 2, size: 10, font: regular });
  return doc.save();
}

function drawQr(page: PDFPage, payload: string, x: number, y: number, size: number) {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4; // modules of white border
  const cell = size / (n + 2 * quiet);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.modules.get(row, col)) continue;
      page.drawRectangle({
        x: x + (col + quiet) * cell, y: y + size - (row + quiet + 1) * cell, width: cell, height: cell, color: rgb(0, 0, 0),
      });
    }
  }
}

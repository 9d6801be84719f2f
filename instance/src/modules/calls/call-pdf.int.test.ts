import QRCode from 'qrcode';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { registerHarness } from '../../../test/support/register.ts';
import { epcQrPayload } from '../money/epc-qr.domain.ts';
import { moneyBuilding, sentCall } from './calls.fixture.ts';
import { pdfText } from './pdf-text.fixture.ts';

/**
 * One PDF per owner call, in the owner's language, with amount, due date, IBAN, structured
 * communication and the EPC QR code. The text is read back by inflating the PDF's streams.
 * Call: 1 000.03 € on 2026-01-31 over the general key → Dupont 500.01 (A1), Janssens 150.01 and
 * Müller 150.00 (A2), Smith 200.01 (P1); communications 1…4 (see calls.int.test.ts for the split).
 */
const { t, api } = await registerHarness();
t.clock.set(new Date('2026-01-05T09:00:00Z'), { frozen: true });
const b = await moneyBuilding(api);
const call = await sentCall(api, b.buildingId, { fund: 'ordinary', periodLabel: '2026 T1', dueDate: '2026-01-31', totalCents: 100_003 });
interface PdfRes { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer; json(): any }
const pdfOf = async (personId: string, callId = call.id) =>
  (await api.get(`/buildings/${b.buildingId}/calls/${callId}/owners/${personId}/pdf`)) as unknown as PdfRes;

describe('owner call PDF', () => {
  it('is a PDF in each owner\'s language with the amount, due date, IBAN and communication', async () => {
    const cases = [
      { person: b.persons.dupont, words: ['Appel de fonds', 'Montant à payer', '500,01 €', '31/01/2026', 'Communication structurée',
        '+++000/0000/00101+++', 'BE68 5390 0754 7034', 'Jean Dupont', 'Lot A1', 'Provisions pour charges'] },
      { person: b.persons.janssens, words: ['Oproep tot betaling', 'Te betalen bedrag', '€ 150,01', '31-01-2026', '+++000/0000/00202+++', 'Kavel A2'] },
      { person: b.persons.muller, words: ['Zahlungsaufforderung', 'Zu zahlender Betrag', '150,00 €', '31.01.2026', '+++000/0000/00303+++', 'Fälligkeit'] },
      { person: b.persons.smith, words: ['Call for funds', 'Amount due', '€200.01', '31/01/2026', '+++000/0000/00404+++', 'Lot P1'] },
    ];
    for (const c of cases) {
      const res = await pdfOf(c.person);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdfText(res.rawPayload);
      for (const w of c.words) expect(text, `${w} in ${text}`).toContain(w);
    }
  });

  it('draws the EPC QR code of the owner call: one square per dark module of the expected payload', async () => {
    // EPC069-12 payload: beneficiary = the building, IBAN of the current account, EUR150.00, reference 000000000303.
    const payload = epcQrPayload({ name: 'Résidence Les Tilleuls', iban: 'BE68539007547034', amountCents: 15_000,
      structuredCommunication: '+++000/0000/00303+++' });
    expect(payload).toBe('BCD\n002\n1\nSCT\n\nRésidence Les Tilleuls\nBE68539007547034\nEUR150.00\n\n000000000303');
    const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    let dark = 0;
    for (let r = 0; r < qr.modules.size; r++) for (let c = 0; c < qr.modules.size; c++) if (qr.modules.get(r, c)) dark++;
    const res = await pdfOf(b.persons.muller);
    expect(rectangles(res.rawPayload)).toBe(dark);
  });

  it('refuses a draft call (422) and a person without a share in the call (404)', async () => {
    const draft = (await api.post(`/buildings/${b.buildingId}/calls`, { fund: 'ordinary', periodLabel: 'T2', dueDate: '2026-04-30', totalCents: 100 })).json();
    const r1 = await pdfOf(b.persons.dupont, draft.id);
    expect([r1.statusCode, r1.json().error.code]).toEqual([422, 'call.not_sent']);
    const stranger = (await api.post('/persons', { kind: 'natural', lastName: 'Étranger', language: 'fr' })).json();
    const r2 = await pdfOf(stranger.id);
    expect([r2.statusCode, r2.json().error.code]).toEqual([404, 'owner_call.not_found']);
  });
});

/** The number of filled closed paths (pdf-lib draws a rectangle as `m l l l h f`) in the page's content streams. */
function rectangles(pdf: Buffer): number {
  let n = 0;
  for (const m of pdf.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let text: string;
    try {
      text = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    n += [...text.matchAll(/\nh\nf\n/g)].length;
  }
  return n;
}

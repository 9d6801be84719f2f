import { describe, expect, it } from 'vitest';
import { winAnsiSafe } from './call-pdf.domain.ts';
import { renderCallPdf } from './call-pdf.ts';
import { pdfText } from './pdf-text.fixture.ts';

describe('owner call PDF rendering', () => {
  it('keeps latin1 and WinAnsi signs, strips other accents and replaces the rest', () => {
    expect(winAnsiSafe('Müller Ærøskøbing – 12,50 € «ok»')).toBe('Müller Ærøskøbing – 12,50 € «ok»');
    expect(winAnsiSafe('Łukasz Wałęsa 😀')).toBe('Lukasz Walesa ?');
    expect(winAnsiSafe('Dvořák\nŠtěpán')).toBe('Dvorák?Štepán'); // á is latin1: kept; ř, ě lose their háček
  });

  it('renders any owner name, and writes the figures into the page', async () => {
    const pdf = await renderCallPdf({
      language: 'en', associationName: 'ACP 東京 Tower', ownerName: 'Łukasz Wałęsa 😀', periodLabel: '2026 Q1', fund: 'reserve',
      lots: [{ number: 'A1', cents: 123_456 }], amountCents: 123_456, dueDate: '2026-03-31', iban: 'BE62510007547061',
      structuredCommunication: '+++000/0000/00101+++', qrPayload: 'BCD\n002\n1\nSCT\n\nACP\nBE62510007547061\nEUR1234.56\n\n000000000101',
    });
    const text = pdfText(Buffer.from(pdf));
    for (const w of ['Call for funds', 'ACP ?? Tower', 'Lukasz Walesa ?', 'Reserve fund', '€1,234.56', '31/03/2026', 'BE62 5100 0754 7061',
      '+++000/0000/00101+++']) expect(text).toContain(w);
  });
});

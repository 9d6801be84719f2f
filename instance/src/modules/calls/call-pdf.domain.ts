import type { Fund } from './calls.domain.ts';

/**
 * The words and number formats of an owner's call-for-funds PDF, in the owner's language
 * (fr, nl, de, en). Pure: the renderer (call-pdf.ts) only lays these texts out.
 */

export type PdfLanguage = 'fr' | 'nl' | 'de' | 'en';

interface Words {
  title: string;
  association: string;
  owner: string;
  period: string;
  fund: Record<Fund, string>;
  lot: string;
  amount: string;
  dueDate: string;
  iban: string;
  communication: string;
  instructions: string;
  qr: string;
}

export const WORDS: Readonly<Record<PdfLanguage, Words>> = {
  fr: {
    title: 'Appel de fonds', association: 'Association des copropriétaires', owner: 'Copropriétaire', period: 'Période',
    fund: { ordinary: 'Provisions pour charges', working_capital: 'Fonds de roulement', reserve: 'Fonds de réserve' },
    lot: 'Lot', amount: 'Montant à payer', dueDate: 'Échéance', iban: 'IBAN', communication: 'Communication structurée',
    instructions: 'Merci de payer avant l\'échéance en utilisant exactement cette communication structurée.',
    qr: 'Scannez ce code avec votre application bancaire.',
  },
  nl: {
    title: 'Oproep tot betaling', association: 'Vereniging van mede-eigenaars', owner: 'Mede-eigenaar', period: 'Periode',
    fund: { ordinary: 'Provisies voor lasten', working_capital: 'Werkkapitaal', reserve: 'Reservekapitaal' },
    lot: 'Kavel', amount: 'Te betalen bedrag', dueDate: 'Vervaldag', iban: 'IBAN', communication: 'Gestructureerde mededeling',
    instructions: 'Gelieve vóór de vervaldag te betalen met precies deze gestructureerde mededeling.',
    qr: 'Scan deze code met uw bankapp.',
  },
  de: {
    title: 'Zahlungsaufforderung', association: 'Vereinigung der Miteigentümer', owner: 'Miteigentümer', period: 'Zeitraum',
    fund: { ordinary: 'Vorschüsse auf Lasten', working_capital: 'Betriebskapital', reserve: 'Rücklagenfonds' },
    lot: 'Los', amount: 'Zu zahlender Betrag', dueDate: 'Fälligkeit', iban: 'IBAN', communication: 'Strukturierte Mitteilung',
    instructions: 'Bitte zahlen Sie vor dem Fälligkeitsdatum mit genau dieser strukturierten Mitteilung.',
    qr: 'Scannen Sie diesen Code mit Ihrer Banking-App.',
  },
  en: {
    title: 'Call for funds', association: 'Owners\' association', owner: 'Owner', period: 'Period',
    fund: { ordinary: 'Provisions for charges', working_capital: 'Working capital', reserve: 'Reserve fund' },
    lot: 'Lot', amount: 'Amount due', dueDate: 'Due date', iban: 'IBAN', communication: 'Structured communication',
    instructions: 'Please pay before the due date using exactly this structured communication.',
    qr: 'Scan this code with your banking app.',
  },
};

/** Thousands grouping in integer arithmetic. */
function group(units: number, sep: string): string {
  return String(units).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/**
 * An amount as the owner reads it: fr "1 234,56 €", nl "€ 1.234,56", de "1.234,56 €", en "€1,234.56".
 * Plain spaces: the PDF's standard font has no narrow no-break space.
 */
export function formatAmount(cents: number, lang: PdfLanguage): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.trunc(abs / 100);
  const dec = String(abs % 100).padStart(2, '0');
  switch (lang) {
    case 'fr': return `${sign}${group(units, ' ')},${dec} €`;
    case 'nl': return `€ ${sign}${group(units, '.')},${dec}`;
    case 'de': return `${sign}${group(units, '.')},${dec} €`;
    case 'en': return `${sign}€${group(units, ',')}.${dec}`;
  }
}

/** A date as the owner reads it: fr/en 31/03/2026, nl 31-03-2026, de 31.03.2026. */
export function formatDate(date: string, lang: PdfLanguage): string {
  const [y, m, d] = date.split('-');
  const sep = lang === 'nl' ? '-' : lang === 'de' ? '.' : '/';
  return `${d}${sep}${m}${sep}${y}`;
}

/** An IBAN in groups of four, as printed. */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

export interface CallPdfData {
  language: PdfLanguage;
  associationName: string;
  ownerName: string;
  periodLabel: string;
  fund: Fund;
  lots: { number: string; cents: number }[];
  amountCents: number;
  dueDate: string;
  iban: string;
  /** `+++ddd/dddd/ddddd+++`. */
  structuredCommunication: string;
  /** The EPC069-12 payload encoded in the QR code. */
  qrPayload: string;
}

/** Characters of WinAnsiEncoding (the standard PDF fonts' encoding) outside latin1. */
const WIN_ANSI_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ']);
const FALLBACK: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', ŀ: 'l', Ŀ: 'L' };

/**
 * Text the standard fonts can draw: latin1 and WinAnsi's extra signs as they are; other letters
 * without their accents (ą → a, ł → l), anything else as '?'. Names from the register may hold any
 * Unicode; a PDF must never fail on them.
 */
export function winAnsiSafe(text: string): string {
  return [...text].map((ch) => {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) return ch;
    if (FALLBACK[ch]) return FALLBACK[ch];
    const bare = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return bare.length > 0 && [...bare].every((c) => c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! <= 0x7e) ? bare : '?';
  }).join('');
}

/** The lines of the document, in reading order (label, value), in text the standard fonts can draw. */
export function callPdfLines(d: CallPdfData): { title: string; rows: [string, string][]; instructions: string; qrCaption: string } {
  const w = WORDS[d.language];
  const rows: [string, string][] = [
    [w.association, d.associationName],
    [w.owner, d.ownerName],
    [w.period, `${d.periodLabel} (${w.fund[d.fund]})`],
    ...d.lots.map((l): [string, string] => [`${w.lot} ${l.number}`, formatAmount(l.cents, d.language)]),
    [w.amount, formatAmount(d.amountCents, d.language)],
    [w.dueDate, formatDate(d.dueDate, d.language)],
    [w.iban, formatIban(d.iban)],
    [w.communication, d.structuredCommunication],
  ];
  return {
    title: w.title, rows: rows.map(([label, value]): [string, string] => [winAnsiSafe(label), winAnsiSafe(value)]),
    instructions: winAnsiSafe(w.instructions), qrCaption: winAnsiSafe(w.qr),
  };
}

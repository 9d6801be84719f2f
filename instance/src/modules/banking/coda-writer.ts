import { normalizeIban } from '../money/iban.domain.ts';
import { parseStructuredCommunication } from '../money/structured-communication.domain.ts';

/**
 * Writes CODA 2 statements as a bank does (record layouts of coda.domain.ts), so tests and demo
 * data use realistic files: header, old balance, movements (2.1, with 2.2 / 2.3 when needed, a
 * 3.1 information record on request, globalised details), new balance, free messages, trailer
 * with its record count and debit/credit totals. The new balance is computed. Pure.
 */
export interface CodaWriterMovement {
  /** Signed cents: positive = credit (money in). For a globalised movement: the sum of its details. */
  amountCents: number;
  /** Entry date, YYYY-MM-DD (default: the statement date). */
  date?: string;
  /** YYYY-MM-DD, or null for "unknown" (000000); default: the entry date. */
  valueDate?: string | null;
  counterpartyName?: string;
  /** An IBAN, or a 12-digit Belgian account number. */
  counterpartyAccount?: string;
  counterpartyBic?: string;
  /** Any written form of a Belgian structured communication; written as structure 101. */
  structuredCommunication?: string;
  /** Up to 149 characters (53 in 2.1, 53 in 2.2, 43 in 2.3). */
  freeCommunication?: string;
  bankReference?: string;
  /** 8 digits; default 00150000 (transfer in your favour) or 00101000 (transfer order). */
  transactionCode?: string;
  /** Text of a 3.1 information record after the movement. */
  information?: string;
  /** Globalisation: the details the bank books as this one movement. */
  details?: CodaWriterMovement[];
}

export interface CodaWriterStatement {
  /** A Belgian IBAN (written with account structure 2). */
  accountIban: string;
  accountHolderName?: string;
  bankBic?: string;
  /** The new balance date, YYYY-MM-DD. */
  date: string;
  openingDate?: string;
  creationDate?: string;
  statementNumber: number;
  paperStatementNumber?: number;
  openingBalanceCents: number;
  movements: CodaWriterMovement[];
  messages?: string[];
  duplicate?: boolean;
}

/** One file holding the statements, records ended by `eol` (CRLF as most banks, by default). */
export function writeCoda(statements: CodaWriterStatement | CodaWriterStatement[], eol: '\r\n' | '\n' = '\r\n'): string {
  const all = Array.isArray(statements) ? statements : [statements];
  return all.flatMap(statementRecords).map((r) => `${r}${eol}`).join('');
}

function statementRecords(s: CodaWriterStatement): string[] {
  const iban = normalizeIban(s.accountIban);
  const account = `${pad(iban, 31)}   EUR`;
  const paperSeq = num(s.paperStatementNumber ?? s.statementNumber, 3);
  const header = '0' + '0000' + ddmmyy(s.creationDate ?? s.date) + '000' + '05' + (s.duplicate ? 'D' : ' ') + pad('', 7)
    + pad('', 10) + pad(s.accountHolderName ?? '', 26) + pad(s.bankBic ?? '', 11) + num(0, 11) + ' ' + '00000'
    + pad('', 16) + pad('', 16) + pad('', 7) + '2';
  const old = '1' + '2' + paperSeq + account + amount(s.openingBalanceCents) + ddmmyy(s.openingDate ?? s.date)
    + pad(s.accountHolderName ?? '', 26) + pad('Current account', 35) + num(s.statementNumber, 3);
  const body: string[] = [];
  let debit = 0;
  let credit = 0;
  s.movements.forEach((m, i) => {
    const seq = i + 1;
    if (m.details?.length) {
      body.push(...movementRecords(m, seq, 0, s, paperSeq, '2', '1'));
      m.details.forEach((d, j) => body.push(...movementRecords(d, seq, j + 1, s, paperSeq, '6', '0')));
    } else {
      body.push(...movementRecords(m, seq, 0, s, paperSeq, '0', '0'));
    }
    if (m.amountCents < 0) debit -= m.amountCents;
    else credit += m.amountCents;
  });
  const closingCents = s.openingBalanceCents + credit - debit;
  const messages = (s.messages ?? []).map((text, i, list) =>
    '4' + ' ' + num(i + 1, 4) + num(0, 4) + pad('', 22) + pad(text, 80) + pad('', 15) + (i < list.length - 1 ? '1' : '0'));
  const closing = '8' + paperSeq + account + amount(closingCents) + ddmmyy(s.date) + pad('', 64) + (messages.length ? '1' : '0');
  const trailer = '9' + pad('', 15) + num(body.length + 2, 6) + num(debit * 10, 15) + num(credit * 10, 15) + pad('', 75) + '2';
  return [header, old, ...body, closing, ...messages, trailer];
}

function movementRecords(m: CodaWriterMovement, seq: number, detail: number, s: CodaWriterStatement, paperSeq: string,
  type: string, globalisation: string): string[] {
  const ids = num(seq, 4) + num(detail, 4);
  const ref = pad(m.bankReference ?? `REF${s.date.replaceAll('-', '')}${num(seq, 4)}${num(detail, 4)}`, 21);
  const code = m.transactionCode ?? `${type}${m.amountCents < 0 ? '01010' : '01500'}00`;
  const ogm = m.structuredCommunication === undefined ? null : parseStructuredCommunication(m.structuredCommunication);
  if (m.structuredCommunication !== undefined && ogm === null) throw new Error(`Not a structured communication: ${m.structuredCommunication}`);
  const free = m.freeCommunication ?? '';
  if (free.length > 149) throw new Error('A CODA free communication holds at most 149 characters');
  const [c1, c2, c3] = ogm ? [`101${ogm}`, '', ''] : [free.slice(0, 53), free.slice(53, 106), free.slice(106)];
  const needs22 = c2 !== '' || m.counterpartyBic !== undefined;
  const needs23 = c3 !== '' || m.counterpartyAccount !== undefined || m.counterpartyName !== undefined;
  const info = m.information !== undefined;
  const entry = m.date ?? s.date;
  const value = m.valueDate === null ? '000000' : ddmmyy(m.valueDate ?? entry);
  const records = [
    '21' + ids + ref + amount(m.amountCents) + value + code + (ogm ? '1' : '0') + pad(c1, 53) + ddmmyy(entry) + paperSeq
      + globalisation + (needs22 || needs23 ? '1' : '0') + ' ' + (!needs22 && !needs23 && info ? '1' : '0'),
  ];
  if (needs22) {
    records.push('22' + ids + pad(c2, 53) + pad('', 35) + pad(m.counterpartyBic ?? '', 11) + pad('', 3) + ' ' + pad('', 4)
      + pad('', 4) + pad('', 4) + (needs23 ? '1' : '0') + ' ' + (!needs23 && info ? '1' : '0'));
  }
  if (needs23) {
    const acct = m.counterpartyAccount ?? '';
    const accountField = /^\d{12}$/.test(acct) ? `${acct} EUR` : `${pad(acct, 34)}EUR`;
    records.push('23' + ids + pad(acct === '' ? '' : accountField, 37) + pad(m.counterpartyName ?? '', 35) + pad(c3, 43) + '0' + ' ' + (info ? '1' : '0'));
  }
  if (info) {
    records.push('31' + ids + ref + code + '0' + pad(m.information!, 73) + pad('', 12) + '0' + ' ' + '0');
  }
  return records;
}

const pad = (text: string, width: number) => text.slice(0, width).padEnd(width, ' ');
const num = (n: number, width: number) => String(n).padStart(width, '0');
/** Sign code and 15-digit amount with 3 decimals. */
const amount = (cents: number) => (cents < 0 ? '1' : '0') + num(Math.abs(cents) * 10, 15);
const ddmmyy = (iso: string) => `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(2, 4)}`;

import { belgianIbanFromAccount, isValidIban, normalizeIban } from '../money/iban.domain.ts';
import { CODA_RECORD_LENGTH, CodaLine } from './coda-fields.ts';
import { continueMovement, finishMovement, readMovement21, type CodaMovement, type RawMovement } from './coda-movements.ts';

export type { CodaMovement } from './coda-movements.ts';

/**
 * Belgian CODA bank statements (Febelfin "Standard CODA 2.x"): text files of fixed 128-character
 * records. One statement runs from a header to a trailer:
 *   0 header · 1 old balance · 2.1 movement (+ 2.2, 2.3 continuations) · 3.x information
 *   · 8 new balance · 4 free messages (optional) · 9 trailer
 * Amounts are 15 digits with 3 decimals and a sign code (0 credit, 1 debit), read as signed
 * integer cents; dates are DDMMYY (read as 20YY). The structured communication of a movement is
 * communication type 1 with structure 101 (or 102) in record 2.1: its 12 digits.
 *
 * Checked, or `coda.invalid` (422) with details { field, line, reason }: every record 128
 * characters; record order; version 2; EUR accounts; the same account in records 1 and 8;
 * opening balance + movements = closing balance; the trailer's record count (records 1, 2.x,
 * 3.x and 8) and its debit and credit totals (records 2.1 with detail number 0000).
 *
 * Globalisation: when the bank books several payments as one movement (detail 0000) followed by
 * its details (same sequence, detail 0001…), and the details add up to it, `movements` lists the
 * details (each with its own communication), so each owner payment is matched on its own; if they
 * do not add up (several levels of globalisation), the global movement is kept and its details
 * are left out. Either way `movements` add up to closing − opening balance.
 *
 * The text must be decoded one byte per character (latin1 / windows-1252, as banks produce CODA),
 * so that a record is 128 characters. Information records (3.x) are checked for order only.
 */
export interface CodaStatement {
  /** The statement's account, as an IBAN (a Belgian account number is converted). */
  accountIban: string;
  currency: 'EUR';
  /** Sequence number of the coded statement (record 1, positions 126-128): from 001 each year. */
  statementNumber: number;
  /** Paper statement number (record 1, positions 3-5), often equal; may be 000. */
  paperStatementNumber: number;
  /** The new balance date: the statement's date. */
  date: string;
  openingDate: string;
  creationDate: string;
  /** The bank marked the file as a duplicate of one sent before (header position 17 = 'D'). */
  duplicate: boolean;
  accountHolderName: string | null;
  openingBalanceCents: number;
  closingBalanceCents: number;
  movements: CodaMovement[];
  /** Record 4 free messages from the bank. */
  messages: string[];
}

export interface CodaOptions {
  /** The request field the file came in, for `details.field` (default 'file'). */
  field?: string;
}

/** Exactly one statement; a file with several (several accounts or days) is refused: use parseCodaFile. */
export function parseCoda(text: string, options: CodaOptions = {}): CodaStatement {
  const statements = parseCodaFile(text, options);
  if (statements.length !== 1) {
    const second = findHeaders(splitLines(text))[1] ?? 1;
    throw new CodaLine('', second, options.field ?? 'file').invalid(`the file holds ${statements.length} statements, one was expected`, 'multiple_statements');
  }
  return statements[0]!;
}

/** Every statement of a CODA file, in file order. */
export function parseCodaFile(text: string, options: CodaOptions = {}): CodaStatement[] {
  const field = options.field ?? 'file';
  if (typeof text !== 'string' || text.trim() === '') {
    throw new CodaLine('', 1, field).invalid('the file is empty', 'empty');
  }
  const lines = splitLines(text).map((t, i) => new CodaLine(t, i + 1, field));
  for (const l of lines) {
    if (l.text.length !== CODA_RECORD_LENGTH) l.fail(`a record is ${CODA_RECORD_LENGTH} characters, this one has ${l.text.length}`, 'record_length');
  }
  const statements: CodaStatement[] = [];
  let i = 0;
  while (i < lines.length) {
    const end = lines.findIndex((l, j) => j > i && l.at(1) === '9');
    if (lines[i]!.at(1) !== '0') lines[i]!.fail('a statement must start with a header record (0)', 'record_order');
    if (end < 0) lines[lines.length - 1]!.fail('the statement has no trailer record (9)', 'record_order');
    statements.push(parseStatement(lines.slice(i, end + 1)));
    i = end + 1;
  }
  return statements;
}

function parseStatement(lines: CodaLine[]): CodaStatement {
  const header = lines[0]!;
  readHeader(header);
  const old = record(lines[1], header, '1', 'the header must be followed by an old balance record (1)');
  const account = readAccount(old);
  const openingBalanceCents = old.signedCents(43, 44, 'the old balance');

  const raws: RawMovement[] = [];
  const messages: string[] = [];
  let counted = 1; // records 1, 2.x, 3.x and 8
  let k = 2;
  for (; k < lines.length - 1 && lines[k]!.at(1) !== '8'; k++) {
    const l = lines[k]!;
    counted++;
    const kind = l.at(1, 2);
    if (kind === '21') raws.push(readMovement21(l));
    else if (kind === '22' || kind === '23') continueMovement(raws.at(-1), l);
    else if (kind === '31' || kind === '32' || kind === '33') checkInformation(l, raws.at(-1));
    else l.fail(`record ${kind[0]}.${kind[1]} is not allowed between the old and the new balance`, 'record_order');
  }
  const closing = record(lines[k], lines.at(-1)!, '8', 'the statement has no new balance record (8)');
  counted++;
  if (closing.trimmed(5, 41) !== old.trimmed(6, 42)) closing.fail('the new balance is for another account than the old balance', 'account_mismatch');
  const closingBalanceCents = closing.signedCents(42, 43, 'the new balance');
  for (k++; k < lines.length - 1; k++) {
    const l = lines[k]!;
    if (l.at(1) !== '4') l.fail('only free messages (4) may follow the new balance', 'record_order');
    const text = l.trimmed(33, 112);
    if (text !== '') messages.push(text);
  }

  const movements = leafMovements(raws.map(finishMovement), header.field);
  const tops = raws.filter((r) => r.movement.detail === 0).map((r) => r.movement.amountCents);
  checkTotals(lines.at(-1)!, closing, { openingBalanceCents, closingBalanceCents, counted, tops });
  return {
    accountIban: account,
    currency: 'EUR',
    statementNumber: old.digits(126, 128, 'the coded statement number'),
    paperStatementNumber: old.digits(3, 5, 'the paper statement number'),
    date: closing.requiredDate(58, 'the new balance date'),
    openingDate: old.requiredDate(59, 'the old balance date'),
    creationDate: header.requiredDate(6, 'the creation date'),
    duplicate: header.at(17) === 'D',
    accountHolderName: old.trimmed(65, 90) || null,
    openingBalanceCents,
    closingBalanceCents,
    movements,
    messages,
  };
}

/** The line, when it is a record of that kind; else `coda.invalid` on it (or on `fallback`). */
function record(l: CodaLine | undefined, fallback: CodaLine, kind: string, message: string): CodaLine {
  if (!l) return fallback.fail(message, 'record_order');
  if (l.at(1) !== kind) l.fail(message, 'record_order');
  return l;
}

function readHeader(h: CodaLine): void {
  if (h.at(2, 5) !== '0000') h.fail('positions 2-5 of the header must be 0000', 'header');
  if (h.at(15, 16) !== '05') h.fail('the application code (positions 15-16) must be 05', 'header');
  if (h.at(17) !== 'D' && h.at(17) !== ' ') h.fail('the duplicate code (position 17) must be D or blank', 'header');
  if (h.at(128) !== '2') h.fail(`only CODA version 2 is supported (position 128 is ${JSON.stringify(h.at(128))})`, 'version');
  h.requiredDate(6, 'the creation date');
}

/** Account number and currency (positions 6-42 of record 1), by the account structure code (position 2). */
function readAccount(l: CodaLine): string {
  const structure = l.at(2);
  const currency = structure === '0' ? l.at(19, 21) : l.at(40, 42);
  if (currency !== 'EUR') l.fail(`only EUR accounts are supported, got ${JSON.stringify(currency)}`, 'currency');
  if (structure === '0') {
    const bban = l.at(6, 17);
    try {
      return belgianIbanFromAccount(bban);
    } catch {
      return l.fail(`${JSON.stringify(bban)} is not a valid Belgian account number`, 'account');
    }
  }
  if (structure === '2' || structure === '3') {
    const iban = l.trimmed(6, structure === '2' ? 36 : 39);
    if (!isValidIban(iban)) l.fail(`${JSON.stringify(iban)} is not a valid IBAN`, 'account');
    return normalizeIban(iban);
  }
  return l.fail(`account structure ${JSON.stringify(structure)} is not supported (an IBAN or a Belgian account is expected)`, 'account');
}

function checkInformation(l: CodaLine, last: RawMovement | undefined): void {
  const seq = l.digits(3, 6, 'the continuous sequence number');
  if (!last || last.movement.sequence !== seq) l.fail(`information record ${l.at(1)}.${l.at(2)} refers to no movement (sequence ${seq})`, 'orphan_record');
}

function checkTotals(trailer: CodaLine, closing: CodaLine, s: { openingBalanceCents: number; closingBalanceCents: number; counted: number; tops: number[] }): void {
  const debit = -s.tops.filter((c) => c < 0).reduce((a, c) => a + c, 0);
  const credit = s.tops.filter((c) => c > 0).reduce((a, c) => a + c, 0);
  if (!Number.isSafeInteger(debit) || !Number.isSafeInteger(credit)) trailer.fail('the movements add up to an absurd amount', 'amount');
  if (s.openingBalanceCents + credit - debit !== s.closingBalanceCents) {
    closing.fail(`old balance ${s.openingBalanceCents} + credits ${credit} − debits ${debit} ≠ new balance ${s.closingBalanceCents} (cents)`, 'balance_mismatch');
  }
  const count = trailer.digits(17, 22, 'the number of records');
  if (count !== s.counted) trailer.fail(`the trailer counts ${count} records 1, 2, 3 and 8; the statement has ${s.counted}`, 'trailer_count');
  const debitTotal = trailer.cents(23, 'the debit total');
  const creditTotal = trailer.cents(38, 'the credit total');
  if (debitTotal !== debit) trailer.fail(`the trailer's debit total ${debitTotal} ≠ ${debit} (cents)`, 'trailer_debit');
  if (creditTotal !== credit) trailer.fail(`the trailer's credit total ${creditTotal} ≠ ${credit} (cents)`, 'trailer_credit');
}

/** Details replace their global movement when they add up to it (see the module comment). */
function leafMovements(all: CodaMovement[], field: string): CodaMovement[] {
  const out: CodaMovement[] = [];
  for (let i = 0; i < all.length;) {
    const top = all[i]!;
    let j = i + 1;
    while (j < all.length && all[j]!.detail !== 0) j++;
    const details = all.slice(i + 1, j);
    const sum = details.reduce((a, d) => a + d.amountCents, 0);
    if (top.detail !== 0 || details.some((d) => d.sequence !== top.sequence)) {
      const bad = top.detail !== 0 ? top : details.find((d) => d.sequence !== top.sequence)!;
      throw new CodaLine('', bad.line, field).invalid('a detail record does not follow its movement (same sequence, detail 0000 first)', 'detail_order');
    }
    out.push(...(details.length > 0 && sum === top.amountCents ? details : [top]));
    i = j;
  }
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

function findHeaders(lines: string[]): number[] {
  return lines.flatMap((l, i) => (l.startsWith('0') ? [i + 1] : []));
}

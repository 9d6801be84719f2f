import { belgianIbanFromAccount, isValidIban, normalizeIban } from '../money/iban.domain.ts';
import { parseStructuredCommunication } from '../money/structured-communication.domain.ts';
import { cleanText, type CodaLine } from './coda-fields.ts';

/** One movement of a statement, as the payments module consumes it. */
export interface CodaMovement {
  /** Continuous sequence number of the movement in the statement (positions 3-6 of record 2.1). */
  sequence: number;
  /** 0 for a movement; 1, 2… for the details of a movement the bank globalised (see parseCoda). */
  detail: number;
  /** Entry (booking) date, YYYY-MM-DD. */
  date: string;
  /** Value date, YYYY-MM-DD, or null when the bank gives 000000. */
  valueDate: string | null;
  /** Signed integer cents: positive = credit (money in), negative = debit (money out). */
  amountCents: number;
  counterpartyName: string | null;
  /** The counterparty's IBAN when record 2.3 carries a valid one (an old Belgian number is converted). */
  counterpartyIban: string | null;
  /** The account as written in record 2.3 when it is not a valid IBAN (foreign, non-IBAN). */
  counterpartyAccount: string | null;
  counterpartyBic: string | null;
  /** The 12 digits of a valid Belgian structured communication (type 101/102), else null. */
  structuredCommunication: string | null;
  /** Free communication, blanks collapsed; null when there is none. */
  freeCommunication: string | null;
  /** The bank's reference of the movement (21 characters, trimmed). */
  bankReference: string;
  /** Transaction code: type (1), family (2), operation (2), category (3), e.g. '00150000'. */
  transactionCode: string;
  /** Line of its record 2.1 in the file. */
  line: number;
}

/** A movement being read: record 2.1 then its 2.2 / 2.3 continuations. */
export interface RawMovement {
  movement: CodaMovement;
  structured: boolean;
  communication: string;
}

/** Record 2.1: the movement itself. */
export function readMovement21(l: CodaLine): RawMovement {
  const structured = l.at(62) === '1';
  if (!structured && l.at(62) !== '0') l.fail('the communication type (position 62) must be 0 or 1', 'communication_type');
  return {
    structured,
    communication: l.at(63, 115),
    movement: {
      sequence: l.digits(3, 6, 'the continuous sequence number'),
      detail: l.digits(7, 10, 'the detail number'),
      date: l.requiredDate(116, 'the entry date'),
      valueDate: l.date(48, 'the value date', true),
      amountCents: l.signedCents(32, 33, 'the movement amount'),
      counterpartyName: null,
      counterpartyIban: null,
      counterpartyAccount: null,
      counterpartyBic: null,
      structuredCommunication: null,
      freeCommunication: null,
      bankReference: l.trimmed(11, 31),
      transactionCode: l.at(54, 61),
      line: l.number,
    },
  };
}

/** Records 2.2 and 2.3 continue the movement read last (same sequence and detail numbers). */
export function continueMovement(raw: RawMovement | undefined, l: CodaLine): void {
  const seq = l.digits(3, 6, 'the continuous sequence number');
  const detail = l.digits(7, 10, 'the detail number');
  if (!raw || raw.movement.sequence !== seq || raw.movement.detail !== detail) {
    l.fail(`record 2.${l.at(2)} does not continue the movement before it (sequence ${seq}, detail ${detail})`, 'orphan_record');
  }
  if (l.at(2) === '2') {
    raw.communication += l.at(11, 63);
    raw.movement.counterpartyBic = cleanText(l.at(99, 109));
    return;
  }
  // 2.3: the counterparty's account (IBAN, or 12-digit Belgian number) and currency, name, communication.
  const account = l.trimmed(11, 47).split(/\s+/)[0] ?? '';
  if (account !== '') {
    const iban = counterpartyIban(account);
    raw.movement.counterpartyIban = iban;
    raw.movement.counterpartyAccount = iban ? null : account;
  }
  raw.movement.counterpartyName = cleanText(l.at(48, 82));
  raw.communication += l.at(83, 125);
}

/** Decides between structured and free communication once all records of the movement are read. */
export function finishMovement(raw: RawMovement): CodaMovement {
  const m = raw.movement;
  if (raw.structured) {
    const kind = raw.communication.slice(0, 3);
    const ogm = kind === '101' || kind === '102' ? parseStructuredCommunication(raw.communication.slice(3, 15)) : null;
    if (ogm) return { ...m, structuredCommunication: ogm, freeCommunication: null };
    // Another structured format (or an OGM whose check digits fail): keep its text for manual matching.
    return { ...m, structuredCommunication: null, freeCommunication: cleanText(raw.communication) };
  }
  return { ...m, structuredCommunication: null, freeCommunication: cleanText(raw.communication) };
}

function counterpartyIban(account: string): string | null {
  if (isValidIban(account)) return normalizeIban(account);
  if (/^\d{12}$/.test(account)) {
    try {
      return belgianIbanFromAccount(account);
    } catch {
      return null;
    }
  }
  return null;
}

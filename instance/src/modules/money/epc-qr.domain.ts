import { AppError } from '../../platform/errors.ts';
import { normalizeIban } from './iban.domain.ts';
import { parseStructuredCommunication } from './structured-communication.domain.ts';

/**
 * The text of an EPC QR code ("SEPA credit transfer" QR, EPC069-12 version 002) for a call for
 * funds: scanned by a banking app, it fills in the transfer. Lines separated by LF:
 *   1 BCD · 2 002 · 3 1 (UTF-8) · 4 SCT · 5 BIC (optional in version 002 inside the EEA: empty)
 *   6 beneficiary name (≤ 70 characters) · 7 IBAN · 8 EUR + amount with 2 decimals (EUR123.45)
 *   9 purpose (empty) · 10 structured remittance reference · 11 unstructured remittance (empty)
 * Trailing empty elements (11, 12) are left out, as the standard allows: the payload ends with
 * the reference, with no final LF. The whole payload is at most 331 bytes.
 *
 * Choice for the Belgian structured communication (rules doc §8: which field carries it is `to
 * verify` with the banks): it goes in element 10, the structured reference, as its 12 digits
 * without `+++` or slashes; element 11 stays empty (EPC069-12 allows only one of the two).
 * Why: element 10 is the transfer's structured remittance field, the one a Belgian OGM travels
 * in, so the payment should come back in CODA as a type-101 communication and be matched
 * automatically. Still to verify with the banks' apps; if one expects `+++…+++` in element 11
 * instead, only this function changes.
 *
 * Errors (422): `epc_qr.invalid` with `details.field` (name, bic, amountCents,
 * structuredCommunication), `iban.invalid` for the IBAN (field 'iban').
 */
export interface EpcQrInput {
  name: string;
  iban: string;
  bic?: string | null;
  amountCents: number;
  /** A valid Belgian structured communication in any written form (`+++123/4567/89002+++`, 12 digits…). */
  structuredCommunication: string;
}

export const EPC_QR_MAX_BYTES = 331;
const NAME_MAX = 70;
const AMOUNT_MAX_CENTS = 99_999_999_999; // 999 999 999.99 €, the standard's maximum

export function epcQrPayload(input: EpcQrInput): string {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || [...name].length > NAME_MAX || /[\r\n]/.test(name)) {
    throw invalid('name', `The beneficiary name must be 1 to ${NAME_MAX} characters on one line`);
  }
  const iban = normalizeIban(input.iban, 'iban');
  const bic = input.bic ? input.bic.trim().toUpperCase() : '';
  if (bic !== '' && !/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) throw invalid('bic', 'A BIC is 8 or 11 letters and digits');
  const cents = input.amountCents;
  if (!Number.isSafeInteger(cents) || cents < 1 || cents > AMOUNT_MAX_CENTS) {
    throw invalid('amountCents', 'An EPC QR amount is 0.01 to 999 999 999.99 euros, in whole cents');
  }
  const reference = parseStructuredCommunication(input.structuredCommunication);
  if (reference === null) throw invalid('structuredCommunication', 'Not a valid Belgian structured communication');

  const amount = `EUR${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const payload = ['BCD', '002', '1', 'SCT', bic, name, iban, amount, '', reference].join('\n');
  if (new TextEncoder().encode(payload).length > EPC_QR_MAX_BYTES) {
    throw invalid('name', `The QR payload exceeds ${EPC_QR_MAX_BYTES} bytes`);
  }
  return payload;
}

function invalid(field: string, message: string): AppError {
  return new AppError('epc_qr.invalid', message, { field });
}

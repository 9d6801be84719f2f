import { AppError } from '../../platform/errors.ts';
import type { AccountKind } from './pcmn.data.ts';

/** Rules of the building's chart of accounts. Pure. */

export interface ChartAccount {
  number: string; labelFr: string; labelNl: string; class: number; kind: AccountKind;
  isOwnerAccount: boolean; isSupplierAccount: boolean; defaultKeyId: string | null;
}

/**
 * A new sub-account: its number extends an existing account's (the longest such prefix is its
 * parent, e.g. 1601 under 160), and it inherits the parent's class, kind and owner/supplier flags,
 * so owner sub-accounts still need a person and supplier sub-accounts a supplier.
 */
export function subAccount(parent: ChartAccount | null,
  input: { number: string; labelFr: string; labelNl?: string | undefined; defaultKeyId?: string | null | undefined }): ChartAccount {
  if (!/^[1-7][0-9]{1,9}$/.test(input.number)) {
    throw new AppError('account.invalid_number', 'A sub-account number has 2 to 10 digits, class 1 to 7', { field: 'number' });
  }
  if (!parent || !input.number.startsWith(parent.number) || parent.number === input.number) {
    throw new AppError('account.no_parent', `No account of the chart is a prefix of ${input.number}: a new account extends an existing one`,
      { field: 'number' });
  }
  const labelFr = input.labelFr.trim();
  const labelNl = (input.labelNl ?? '').trim() || labelFr;
  return {
    number: input.number, labelFr, labelNl, class: parent.class, kind: parent.kind,
    isOwnerAccount: parent.isOwnerAccount, isSupplierAccount: parent.isSupplierAccount, defaultKeyId: input.defaultKeyId ?? null,
  };
}

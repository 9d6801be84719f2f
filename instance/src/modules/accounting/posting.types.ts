/**
 * The contract between the accounting module and the modules that post to it (expenses,
 * calls for funds, payments, year-end closing). Amounts are integer cents.
 *
 * `postEntry(tx, input, actor)` in posting.ts validates and writes one journal entry inside the
 * caller's transaction: Σdebit = Σcredit, every line has exactly one of debit/credit > 0, the
 * accounts exist in the building's chart, the date falls in an open fiscal year of the building,
 * owner lines (accounts 410/4100/4101/415) carry a personId, supplier lines (440) a supplierId.
 * The entry is validated (immutable) at once; corrections are reversals (`reverseEntry`).
 * Posting the same `source` twice is refused (`entry.duplicate`), which makes posting idempotent
 * for retried use cases.
 */
export type JournalCode = 'ACH' | 'VEN' | 'FIN' | 'OD';

export interface PostingLine {
  /** PCMN account number from the building's chart, e.g. '6105', '440', '4101', '551'. */
  account: string;
  debitCents: number;
  creditCents: number;
  /** Owner sub-account (accounts 410, 4100, 4101, 415): the person it belongs to. */
  personId?: string | null;
  /** Supplier sub-account (account 440). */
  supplierId?: string | null;
  /** Optional analytics: the lot a charge or receivable concerns. */
  lotId?: string | null;
  label?: string | null;
}

export interface PostingInput {
  organizationId: string;
  buildingId: string;
  journal: JournalCode;
  /** Accounting date, YYYY-MM-DD. */
  date: string;
  description: string;
  /** The supporting document (R25: every entry rests on a dated document). Unique per building. */
  source: { type: string; id: string; reference?: string | null };
  lines: readonly PostingLine[];
}

export interface PostedEntry { entryId: string; number: string; fiscalYearId: string }

export interface PostingActor { actorUserId: string | null; requestId: string | null; at: Date }

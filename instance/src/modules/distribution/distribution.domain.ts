import { AppError } from '../../platform/errors.ts';
import { add, type Fraction } from '../holdings/fraction.domain.ts';
import { allocate, AllocationError } from '../money/allocation.domain.ts';

/**
 * Distribution of a charge over a building's lots and their holders (rules doc §4.2). Pure rules.
 *
 * 1. First across the lots of a key, by their weight: the lot's shares (quotités) for the general
 *    key and for a 'lots' key, or a custom integer weight (heating meters…) for a 'weights' key.
 * 2. Then, inside each lot, across the holders who pay that kind of charge (ordinary: full owners
 *    and usufructuaries by default; extraordinary: full and bare owners), by their parts.
 * Both levels use `allocate` (largest remainder): the lot amounts add up exactly to the charge and
 * the holders' amounts exactly to their lot's amount; each is within one cent of its exact share.
 * Tie-break between equal remainders (after `allocate`'s larger-weight rule): the lot number at
 * the first level, the person's sort key (then the person id) at the second, compared as strings.
 */

export type ChargeKind = 'ordinary' | 'extraordinary';
export const CHARGE_KINDS = ['ordinary', 'extraordinary'] as const;

export interface KeyLot { lotId: string; lotNumber: string; weight: bigint }

export interface PayingHolder {
  personId: string;
  /** A stable, human order for ties: the person's sort name. */
  personSortKey: string;
  part: Fraction;
  paysOrdinary: boolean;
  paysExtraordinary: boolean;
}

export interface HolderShare { lotId: string; lotNumber: string; personId: string; cents: number }

export const registerIncomplete = (lotNumbers: readonly string[], extra: Record<string, unknown> = {}) =>
  new AppError('distribution.register_incomplete',
    lotNumbers.length > 0
      ? `The share register is incomplete on the distribution date for lot(s) ${lotNumbers.join(', ')}: every lot must be fully held, with someone paying this kind of charge`
      : 'The share register is incomplete: the lots do not hold all of the building\'s shares',
    { lots: [...lotNumbers], ...extra });

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The holders of one lot who pay `kind`, one entry per person (a person holding twice has the parts added). */
export function payersOf(holders: readonly PayingHolder[], kind: ChargeKind): { personId: string; key: string; part: Fraction }[] {
  const byPerson = new Map<string, { personId: string; key: string; part: Fraction }>();
  for (const h of holders) {
    if (!(kind === 'ordinary' ? h.paysOrdinary : h.paysExtraordinary)) continue;
    const current = byPerson.get(h.personId);
    if (current) current.part = add(current.part, h.part);
    else byPerson.set(h.personId, { personId: h.personId, key: `${h.personSortKey}\u0000${h.personId}`, part: h.part });
  }
  return [...byPerson.values()].filter((p) => p.part.num > 0n);
}

/**
 * Splits `amountCents` (negative for a credit note) over the lots, then over each lot's paying
 * holders. Returns one row per (lot, person) with a non-zero amount, ordered by lot number then
 * person sort key. Refuses (`distribution.register_incomplete`, naming the lots) when a lot that
 * receives a share has nobody paying this kind of charge.
 */
export function distributeToLotsAndHolders(amountCents: number, lots: readonly KeyLot[],
  holders: ReadonlyMap<string, readonly PayingHolder[]>, chargeKind: ChargeKind): HolderShare[] {
  if (!Number.isSafeInteger(amountCents)) {
    throw new AppError('distribution.amount_invalid', 'The amount to distribute must be a whole number of cents', { field: 'amountCents' });
  }
  if (lots.length === 0 || lots.every((l) => l.weight <= 0n)) {
    throw new AppError('distribution.key_empty', 'The distribution key has no lot with a positive weight', { field: 'keyId' });
  }
  if (lots.some((l) => l.weight < 0n)) {
    throw new AppError('distribution.weight_invalid', 'Weights of a distribution key must not be negative', { field: 'lots' });
  }
  const payers = new Map(lots.map((l) => [l.lotId, payersOf(holders.get(l.lotId) ?? [], chargeKind)]));
  const missing = lots.filter((l) => l.weight > 0n && payers.get(l.lotId)!.length === 0).map((l) => l.lotNumber).sort(byText);
  if (missing.length > 0) throw registerIncomplete(missing, { chargeKind });

  const lotByNumber = new Map(lots.map((l) => [l.lotNumber, l]));
  const lotAmounts = safeAllocate(amountCents, lots.map((l) => ({ key: l.lotNumber, weight: l.weight })));
  const out: HolderShare[] = [];
  for (const { key: lotNumber, cents: lotCents } of [...lotAmounts].sort((a, b) => byText(a.key, b.key))) {
    if (lotCents === 0) continue;
    const lot = lotByNumber.get(lotNumber)!;
    const people = payers.get(lot.lotId)!;
    const split = safeAllocate(lotCents, people.map((p) => ({ key: p.key, weight: p.part })));
    const personByKey = new Map(people.map((p) => [p.key, p.personId]));
    for (const s of [...split].sort((a, b) => byText(a.key, b.key))) {
      if (s.cents !== 0) out.push({ lotId: lot.lotId, lotNumber, personId: personByKey.get(s.key)!, cents: s.cents });
    }
  }
  return out;
}

function safeAllocate(amount: number, recipients: { key: string; weight: bigint | Fraction }[]) {
  try {
    return allocate(amount, recipients);
  } catch (e) {
    if (e instanceof AllocationError) {
      throw new AppError('distribution.invalid', `The charge cannot be distributed: ${e.message}`, undefined, { cause: e });
    }
    throw e;
  }
}

/** Sum of cents per lot, for views and checks. */
export function lotTotals(rows: readonly HolderShare[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.lotId, (m.get(r.lotId) ?? 0) + r.cents);
  return m;
}

// ── Distribution keys ───────────────────────────────────────────────────────

export const KEY_KINDS = ['lots', 'weights'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** Largest custom weight: keeps Σweights × any amount far inside exact bigint arithmetic and the DB's bigint. */
export const MAX_WEIGHT = 1_000_000_000_000;

export interface KeyMemberInput { lotId: string; weight?: number | null | undefined }
export interface KeyMember { lotId: string; weight: number | null }

/**
 * Validates a key's members: 'lots' takes a subset of lots (weights come from their shares, so
 * none may be given); 'weights' takes an integer weight ≥ 0 per lot, at least one positive.
 */
export function validateKeyMembers(kind: KeyKind, members: readonly KeyMemberInput[]): KeyMember[] {
  if (members.length === 0) throw new AppError('distribution_key.empty', 'A distribution key needs at least one lot', { field: 'lots' });
  const seen = new Set<string>();
  const out = members.map((m, i): KeyMember => {
    if (seen.has(m.lotId)) {
      throw new AppError('distribution_key.duplicate_lot', 'A lot appears twice in the key', { field: `lots.${i}.lotId` });
    }
    seen.add(m.lotId);
    if (kind === 'lots') {
      if (m.weight != null) {
        throw new AppError('distribution_key.weight_not_allowed', "A 'lots' key weighs each lot by its shares: give no weight",
          { field: `lots.${i}.weight` });
      }
      return { lotId: m.lotId, weight: null };
    }
    if (m.weight == null || !Number.isSafeInteger(m.weight) || m.weight < 0 || m.weight > MAX_WEIGHT) {
      throw new AppError('distribution_key.weight_invalid', `A 'weights' key needs an integer weight between 0 and ${MAX_WEIGHT} for every lot`,
        { field: `lots.${i}.weight` });
    }
    return { lotId: m.lotId, weight: m.weight };
  });
  if (kind === 'weights' && out.every((x) => x.weight === 0)) {
    throw new AppError('distribution_key.weight_invalid', 'At least one lot needs a positive weight', { field: 'lots' });
  }
  return out;
}

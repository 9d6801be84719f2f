import { AppError } from '../../platform/errors.ts';
import { compare, equals, fraction, ONE, sum, toText, type Fraction } from './fraction.domain.ts';

/**
 * Who holds a lot, with which right and which part, over time (pure rules).
 * Split rights: the enjoyment side (full + usufruct) and the title side (full + bare)
 * each add up to at most 1 at any date, and to exactly 1 when the lot's register is complete.
 * Periods are [validFrom, validTo): validTo is exclusive, null while current. Dates are YYYY-MM-DD,
 * so they compare as strings.
 */

export const RIGHTS = ['full', 'usufruct', 'bare'] as const;
export type Right = (typeof RIGHTS)[number];

export interface Flags { votes: boolean; paysOrdinary: boolean; paysExtraordinary: boolean }

/** Full owners vote and pay everything; usufructuaries vote and pay ordinary charges; bare owners pay extraordinary ones. */
export function defaultFlags(right: Right): Flags {
  switch (right) {
    case 'full': return { votes: true, paysOrdinary: true, paysExtraordinary: true };
    case 'usufruct': return { votes: true, paysOrdinary: true, paysExtraordinary: false };
    case 'bare': return { votes: false, paysOrdinary: false, paysExtraordinary: true };
  }
}

/** What the rules need to know about a holding. */
export interface Span { right: Right; part: Fraction; validFrom: string; validTo: string | null }

export interface Holding extends Span, Flags {
  id: string;
  lotId: string;
  personId: string;
  personName: string;
}

/** A holding asked for by a caller, before it has an id or dates. */
export interface HoldingRequest {
  personId: string;
  right: Right;
  part: { numerator: number; denominator: number };
  votes?: boolean | undefined;
  paysOrdinary?: boolean | undefined;
  paysExtraordinary?: boolean | undefined;
}

export interface NewHolding extends Flags { personId: string; right: Right; part: Fraction }

export const isActiveAt = (h: Span, date: string) => h.validFrom <= date && (h.validTo === null || h.validTo > date);

export function activeAt<T extends Span>(holdings: readonly T[], date: string): T[] {
  return holdings.filter((h) => isActiveAt(h, date));
}

export interface Sums { enjoyment: Fraction; title: Fraction }

/** Enjoyment = full + usufruct; title = full + bare. */
export function sums(holdings: readonly Pick<Span, 'right' | 'part'>[]): Sums {
  return {
    enjoyment: sum(holdings.filter((h) => h.right !== 'bare').map((h) => h.part)),
    title: sum(holdings.filter((h) => h.right !== 'usufruct').map((h) => h.part)),
  };
}

/** Both sides add up to exactly 1. */
export function isComplete(holdings: readonly Pick<Span, 'right' | 'part'>[]): boolean {
  const s = sums(holdings);
  return equals(s.enjoyment, ONE) && equals(s.title, ONE);
}

/** The first date on which a side exceeds 1, or null. Sums only rise where a holding starts. */
export function firstExcess(holdings: readonly Span[]): { date: string; side: keyof Sums; parts: string } | null {
  const dates = [...new Set(holdings.map((h) => h.validFrom))].sort();
  for (const date of dates) {
    const s = sums(activeAt(holdings, date));
    for (const side of ['enjoyment', 'title'] as const) {
      if (compare(s[side], ONE) > 0) return { date, side, parts: toText(s[side]) };
    }
  }
  return null;
}

function assertWithinWhole(holdings: readonly Span[]): void {
  const excess = firstExcess(holdings);
  if (excess) {
    throw new AppError('holding.parts_exceed_whole',
      `On ${excess.date} the ${excess.side === 'enjoyment' ? 'full + usufruct' : 'full + bare'} parts of this lot would add up to ${excess.parts}, more than 1`,
      { field: 'holdings', date: excess.date, side: excess.side, parts: excess.parts });
  }
}

/** Validates requested holdings (part in (0, 1], one line per person and right) and applies default flags. */
export function toNewHoldings(requests: readonly HoldingRequest[]): NewHolding[] {
  const seen = new Set<string>();
  return requests.map((r, i) => {
    const { numerator, denominator } = r.part;
    if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || numerator < 1 || denominator < 1 || numerator > denominator) {
      throw new AppError('holding.part_invalid', 'A part is a fraction greater than 0 and at most 1, such as 1/2 or 1/3',
        { field: `holdings.${i}.part` });
    }
    const key = `${r.personId}/${r.right}`;
    if (seen.has(key)) {
      throw new AppError('holding.duplicate_holder', 'The same person appears twice with the same right; merge the parts',
        { field: `holdings.${i}.personId` });
    }
    seen.add(key);
    const flags = defaultFlags(r.right);
    return {
      personId: r.personId,
      right: r.right,
      part: fraction(numerator, denominator),
      votes: r.votes ?? flags.votes,
      paysOrdinary: r.paysOrdinary ?? flags.paysOrdinary,
      paysExtraordinary: r.paysExtraordinary ?? flags.paysExtraordinary,
    };
  });
}

/** Adding open-ended holdings from `validFrom`: the lot's parts must still fit at every date. */
export function checkAddition(existing: readonly (Span & { personId?: string })[], added: readonly NewHolding[], validFrom: string): void {
  // The same person twice with the same right over the same period would count their part twice.
  const i = added.findIndex((a) => existing.some((e) => e.personId === a.personId && e.right === a.right
    && (e.validTo === null || e.validTo > validFrom)));
  if (i >= 0) {
    throw new AppError('holding.duplicate_holder', 'This person already holds this right on the lot from that date on; change the parts with a transfer',
      { field: `holdings.${i}.personId` });
  }
  assertWithinWhole([...existing, ...added.map((h) => ({ ...h, validFrom, validTo: null }))]);
}

export interface TransferPlan {
  /** Ids of the holdings that end on the transfer date. */
  close: string[];
}

/**
 * A transfer (sale, gift, inheritance) on `date`: every holding still running on that date ends
 * then, and the new set starts; the new set must be complete. Every holding it closes must
 * have started before `date`.
 */
export function planTransfer(existing: readonly (Span & { id: string })[], date: string, incoming: readonly NewHolding[]): TransferPlan {
  const running = existing.filter((h) => h.validTo === null || h.validTo > date);
  // History is not rewritten: a holding that already has an end after `date` cannot be cut shorter.
  const endsLater = running.filter((h) => h.validTo !== null).map((h) => h.validTo!).sort().at(-1);
  if (endsLater !== undefined) {
    throw new AppError('holding.transfer_date_invalid',
      `A transfer cannot be dated before recorded history ends (a holding already ends on ${endsLater}); date it on or after that day`,
      { field: 'date', latestValidTo: endsLater });
  }
  const latest = running.map((h) => h.validFrom).sort().at(-1);
  if (latest !== undefined && latest >= date) {
    throw new AppError('holding.transfer_date_invalid',
      `The transfer date must be after the start of the holdings it ends (latest start: ${latest})`,
      { field: 'date', latestValidFrom: latest });
  }
  const s = sums(incoming);
  if (compare(s.enjoyment, ONE) > 0 || compare(s.title, ONE) > 0) {
    assertWithinWhole(incoming.map((h) => ({ ...h, validFrom: date, validTo: null })));
  }
  if (!equals(s.enjoyment, ONE) || !equals(s.title, ONE)) {
    throw new AppError('holding.transfer_incomplete',
      `After a transfer the lot must be fully held: full + usufruct parts add up to ${toText(s.enjoyment)} and full + bare parts to ${toText(s.title)}; both must be exactly 1`,
      { field: 'holdings', enjoymentParts: toText(s.enjoyment), titleParts: toText(s.title) });
  }
  const after = existing.map((h) => (running.includes(h) ? { ...h, validTo: date } : h));
  assertWithinWhole([...after, ...incoming.map((h) => ({ ...h, validFrom: date, validTo: null }))]);
  return { close: running.map((h) => h.id) };
}

/** Closing one holding on `date` (exclusive end): it must be current and have started before. */
export function checkClose(h: Span, date: string): void {
  if (h.validTo !== null) {
    throw new AppError('holding.already_closed', `This holding already ended on ${h.validTo}`, { field: 'date', validTo: h.validTo });
  }
  if (date <= h.validFrom) {
    throw new AppError('holding.close_date_invalid', `The end date must be after the holding's start (${h.validFrom})`,
      { field: 'date', validFrom: h.validFrom });
  }
}

/**
 * The shape of a jurisdiction pack (belgian-rules.md §0): every legal number, delay, threshold,
 * rate and cap is data that carries its legal reference and a confidence mark. Pure types.
 */

/**
 * `confirmed`: the law text is known, or several independent sources agree; may raise a hard error.
 * `to-verify`: one secondary source or an interpretation; raises a warning (or a hard error only
 * behind a pack flag) until checked against Justel.
 * `product-choice`: not law at all but a default of the product (the rules doc marks these "—"),
 * e.g. `collection.gentle.delayDays`; `legalRef` then says which rule it serves.
 */
export type Confidence = 'confirmed' | 'to-verify' | 'product-choice';

/** An exact ratio (2/3, never 0.6667); compare by cross-multiplication. */
export interface Ratio { readonly num: number; readonly den: number }

export type ParamUnit =
  | 'calendarDays' | 'workingDays' | 'months' | 'years' | 'eurCents' | 'ratio' | 'basisPoints'
  | 'count' | 'date' | 'flag' | 'code' | 'table';

/** "> 1/2" and ">= 1/2" are different rules: the comparator says how the value is a threshold. */
export type Comparator = '>' | '>=' | '<=' | '<';

export interface LegalParam<T> {
  key: string;
  value: T;
  unit: ParamUnit;
  comparator?: Comparator;
  /** The legal reference, e.g. 'C. civ. art. 3.87 §3', or the rule a product choice serves. */
  legalRef: string;
  confidence: Confidence;
  /** ISO date, inclusive. Absent: valid since before anything the product handles. */
  validFrom?: string;
  /** ISO date, inclusive. Absent: still valid. */
  validTo?: string;
  /** May the statutes or the ROI change it? Only in the stricter direction, or not at all. */
  override: 'stricterOnly' | 'none';
  /** What the value means when the key alone does not say it (the rules doc's wording). */
  note?: string;
}

/** One dated version of a parameter, as written in a pack (the key is the pack entry's). */
export type ParamVersion<T> = Omit<LegalParam<T>, 'key'>;

/** A bracket of the Book XIX flat indemnity: `baseCents + rateBp × (B − overCents)` up to `upToCents`. */
export interface IndemnityBracket {
  /** Inclusive upper bound of the balance B in cents; null for the last, open bracket. */
  upToCents: number | null;
  baseCents: number;
  /** Basis points of the part of B above `overCents`. */
  rateBp: number;
  overCents: number;
}

export interface IndemnityBrackets {
  brackets: readonly IndemnityBracket[];
  /** Absolute ceiling, whatever the bracket. */
  maxCents: number;
  /** Fractions of a cent are rounded down (product choice of the rules doc §7). */
  rounding: 'down';
}

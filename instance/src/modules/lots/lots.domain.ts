/** Lots (private parts) of a building, each with its shares (quote-part). Pure types and rules. */

export const LOT_KINDS = ['apartment', 'commercial', 'parking', 'garage', 'cellar', 'storage', 'other'] as const;
export type LotKind = (typeof LOT_KINDS)[number];

export interface LotFields {
  number: string;
  kind: LotKind;
  /** May be negative (basements) or null (outdoor parkings…). */
  floor: number | null;
  shares: number;
}

export interface Lot extends LotFields {
  id: string;
  buildingId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface LotPatchInput {
  number?: string | undefined;
  kind?: LotKind | undefined;
  floor?: number | null | undefined;
  shares?: number | undefined;
}

export function applyLotPatch(current: LotFields, patch: LotPatchInput): LotFields {
  return {
    number: patch.number ?? current.number,
    kind: patch.kind ?? current.kind,
    floor: patch.floor === undefined ? current.floor : patch.floor,
    shares: patch.shares ?? current.shares,
  };
}

export function changedLotFields(before: LotFields, after: LotFields): (keyof LotFields)[] {
  return (['number', 'kind', 'floor', 'shares'] as const).filter((k) => before[k] !== after[k]);
}

import type { ParamVersion, Ratio } from './types.ts';

/** Helpers to write pack data tersely; the value type is inferred per key. */

/** A parameter with a single version. */
export const one = <T>(p: ParamVersion<T>): readonly ParamVersion<T>[] => [p];

/** A parameter whose value changed over time: versions with validFrom/validTo (inclusive) that do not overlap. */
export const dated = <T>(...versions: ParamVersion<T>[]): readonly ParamVersion<T>[] => versions;

export const ratio = (num: number, den: number): Ratio => ({ num, den });

/** Freezes a pack and everything inside it, so a caller cannot change a legal value by accident. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

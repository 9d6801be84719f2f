import { AppError } from '../platform/errors.ts';
import { BE_ASSEMBLIES } from './be-assemblies.ts';
import { BE_COLLECTION } from './be-collection.ts';
import { BE_MONEY } from './be-money.ts';
import { deepFreeze } from './pack.ts';
import type { LegalParam, ParamVersion } from './types.ts';

/**
 * The Belgian jurisdiction pack `BE` (belgian-rules.md): every legal number as data with its
 * legal reference and confidence. No legal literal in code: read it here.
 *
 *   legalParam('vat.rate.standard').value                                   // 2100 (basis points)
 *   legalParam('collection.interest.legalCivilRateBp', '2024-06-30').value  // 575
 *
 * Dated parameters (VAT conditions, interest rates…) have versions whose validFrom/validTo
 * (inclusive ISO dates) never overlap; `onDate` picks the one valid that day. Without `onDate`
 * a parameter with a single version returns it, and one with several versions is refused
 * (`jurisdiction.date_required`): a time-dependent value is always resolved by its date.
 *
 * Errors (AppError, 422): `jurisdiction.unknown_param`, `jurisdiction.date_required`,
 * `jurisdiction.invalid_date`, `jurisdiction.no_value` (no version covers the date).
 */
export const BE_PACK = deepFreeze({ ...BE_ASSEMBLIES, ...BE_MONEY, ...BE_COLLECTION });

export type BeParamKey = keyof typeof BE_PACK;
export type BeParamValue<K extends BeParamKey> = (typeof BE_PACK)[K][number]['value'];

export const BE_PARAM_KEYS = Object.keys(BE_PACK) as BeParamKey[];

export const isBeParamKey = (key: string): key is BeParamKey => Object.hasOwn(BE_PACK, key);

/** Every version of a parameter, oldest first as written in the pack. */
export function paramVersions<K extends BeParamKey>(key: K): readonly ParamVersion<BeParamValue<K>>[] {
  if (!isBeParamKey(key)) throw unknownParam(key);
  return BE_PACK[key] as readonly ParamVersion<BeParamValue<K>>[];
}

/** The parameter `key` of the BE pack, valid on `onDate` (YYYY-MM-DD) when it changed over time. */
export function legalParam<K extends BeParamKey>(key: K, onDate?: string): LegalParam<BeParamValue<K>> {
  const versions = paramVersions(key);
  if (onDate === undefined) {
    if (versions.length !== 1) {
      throw new AppError('jurisdiction.date_required', `${key} changed over time: give the date it applies on`, { field: 'onDate', key });
    }
    return { key, ...versions[0]! };
  }
  if (!isIsoDate(onDate)) {
    throw new AppError('jurisdiction.invalid_date', `Expected a date as YYYY-MM-DD, got ${JSON.stringify(onDate)}`, { field: 'onDate', key });
  }
  const version = versions.find((v) => isValidOn(v, onDate));
  if (!version) {
    throw new AppError('jurisdiction.no_value', `The BE pack has no value of ${key} for ${onDate}`, { field: 'onDate', key, date: onDate });
  }
  return { key, ...version };
}

/** Shortcut for `legalParam(key, onDate).value`. */
export const legalValue = <K extends BeParamKey>(key: K, onDate?: string): BeParamValue<K> => legalParam(key, onDate).value;

/** Is this version valid on the day (validFrom and validTo inclusive)? */
export const isValidOn = (v: { validFrom?: string; validTo?: string }, day: string) =>
  (v.validFrom === undefined || v.validFrom <= day) && (v.validTo === undefined || day <= v.validTo);

/** A real calendar date written YYYY-MM-DD (2023-02-29 is refused). */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function unknownParam(key: string): AppError {
  return new AppError('jurisdiction.unknown_param', `The BE pack has no parameter ${JSON.stringify(key)}`, { field: 'key', key });
}

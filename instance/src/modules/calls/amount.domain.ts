import { AppError } from '../../platform/errors.ts';

/**
 * Amounts coming from a request, checked before any rule uses them. Integer cents only; a
 * negative, fractional or absurd amount is refused with a 422 naming the field.
 * The ceiling is a product choice, far above any real co-ownership amount: 1 000 000 000.00 €.
 */
export const MAX_AMOUNT_CENTS = 100_000_000_000;

export function checkCents(code: string, field: string, value: number, opts: { allowZero?: boolean } = {}): number {
  const min = opts.allowZero ? 0 : 1;
  if (!Number.isSafeInteger(value)) {
    throw new AppError(code, `${field} must be a whole number of cents`, { field, value });
  }
  if (value < min) {
    throw new AppError(code, `${field} must be ${opts.allowZero ? 'zero or more' : 'more than zero'}`, { field, value });
  }
  if (value > MAX_AMOUNT_CENTS) {
    throw new AppError(code, `${field} is absurdly large (more than ${MAX_AMOUNT_CENTS} cents)`, { field, value, max: MAX_AMOUNT_CENTS });
  }
  return value;
}

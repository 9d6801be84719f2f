import { AppError } from '../../src/platform/errors.ts';

/** Runs `fn` and returns the AppError it throws (fails the test when it throws nothing or something else). */
export function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

/** The code and details of the AppError `fn` throws, for exact comparisons (`toEqual`). */
export function codeOf(fn: () => unknown): { code: string; details: Record<string, unknown> | undefined } {
  const e = errorOf(fn);
  return { code: e.code, details: e.details };
}

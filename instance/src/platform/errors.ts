/**
 * One error type for the whole instance. `code` is stable once released
 * (`lot.shares_exceed_total`); the HTTP status comes from one table in http-errors.ts.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export const notFound = (entity: string, id?: string) =>
  new AppError(`${entity}.not_found`, `${entity[0]?.toUpperCase()}${entity.slice(1)} not found`, id ? { id } : undefined);

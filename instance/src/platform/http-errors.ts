import { AppError } from './errors.ts';

/**
 * The one table from error codes to HTTP statuses. The domain never knows HTTP.
 * Codes ending in `.not_found` are 404; an AppError with no entry is a rule violation: 422.
 */
export const httpStatusByCode: Record<string, number> = {
  'request.invalid': 400,
  'request.rejected_by_database': 422,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'auth.unauthenticated': 401,
  'auth.invalid_credentials': 401,
  'auth.token_expired': 401,
  'auth.token_invalid': 401,
  'auth.refresh_reused': 401,
  'auth.forbidden': 403,
  'auth.rate_limited': 429,
  'auth.email_taken': 409,
  'auth.setup_done': 409,
  'auth.setup_token_invalid': 401,
  'clock.test_mode_off': 404,
  'db.conflict': 409,
  'db.referenced': 409,
  'db.serialization': 409,
  'lot.has_history': 409,
  'person.has_history': 409,
  'building.has_lots': 409,
  'building.has_grants': 409,
  'demo.org_not_empty': 409,
  'holding.history_immutable': 409,
  'lot.number_taken': 409,
  'role.already_granted': 409,
  'role.last_admin': 409,
  'audit.append_only': 409,
  'holding.already_closed': 409,
  'payment.idempotency_conflict': 409,
  'federation.disabled': 404,
  'building.moved': 410,
  'building.transfer_pending': 409,
  'fed_link.withdrawn': 403,
};

export function statusForCode(code: string): number {
  const direct = httpStatusByCode[code];
  if (direct) return direct;
  if (code.endsWith('.not_found')) return 404;
  // State conflicts, by naming convention: `invoice.already_approved`, `entry.immutable`,
  // `expense.illegal_transition`, `fiscal_year.closed`, `payment.duplicate`, `lot.has_history`…
  if (/\.(conflict|already_[a-z_]+|immutable|illegal_transition|closed|duplicate|has_[a-z_]+)$/.test(code)) return 409;
  return 422;
}

interface PgError { code?: string; message?: string; detail?: string; constraint_name?: string; column_name?: string; hint?: string }

/**
 * Turns PostgreSQL errors into AppErrors. Triggers raise `P0001` with the code as message
 * and the human sentence as detail, so a database-held invariant reads like a domain one.
 */
export function fromDatabaseError(err: unknown): AppError | null {
  const e = err as PgError;
  if (!e || typeof e.code !== 'string' || e.code.length !== 5) return null;
  switch (e.code) {
    case 'P0001':
      if (e.message && /^[a-z_]+\.[a-z_]+$/.test(e.message)) {
        return new AppError(e.message, e.detail ?? e.message, e.hint ? safeJson(e.hint) : undefined, { cause: err });
      }
      return null;
    case '23505':
      return new AppError('db.conflict', 'A record with the same unique value already exists',
        { constraint: e.constraint_name }, { cause: err });
    case '23503':
      return new AppError('db.referenced', 'The record is referenced by other records, or refers to one that does not exist',
        { constraint: e.constraint_name }, { cause: err });
    case '23514':
    case '23502':
    case '22003':
    case '22007':
    case '22008':
      return new AppError('request.rejected_by_database', 'A value is out of its allowed range',
        { constraint: e.constraint_name, column: e.column_name }, { cause: err });
    case '22021': // a NUL character: PostgreSQL text cannot hold it
    case '22P02': // invalid text representation (a forged cursor value, …)
    case '22P05': // untranslatable character
    case '22001': // string too long for its column
      return new AppError('request.invalid', 'A value in the request cannot be stored or compared (invalid characters or format)',
        undefined, { cause: err });
    case '40001':
    case '40P01':
      return new AppError('db.serialization', 'A concurrent change conflicted with this one; retry the request', undefined, { cause: err });
    default:
      return null;
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

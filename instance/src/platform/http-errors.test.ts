import { describe, expect, it } from 'vitest';
import { fromDatabaseError, statusForCode } from './http-errors.ts';

describe('error code → HTTP status', () => {
  it('maps listed codes, then the naming conventions, then 422', () => {
    expect(statusForCode('auth.rate_limited')).toBe(429);
    expect(statusForCode('lot.not_found')).toBe(404);
    expect(statusForCode('expense.already_approved')).toBe(409);
    expect(statusForCode('entry.immutable')).toBe(409);
    expect(statusForCode('expense.illegal_transition')).toBe(409);
    expect(statusForCode('fiscal_year.closed')).toBe(409);
    expect(statusForCode('entry.duplicate')).toBe(409);
    expect(statusForCode('building.has_lots')).toBe(409);
    expect(statusForCode('holding.duplicate_holder')).toBe(422);
    expect(statusForCode('lot.shares_exceed_total')).toBe(422);
  });

  it('turns trigger errors into their code and database constraint errors into stable codes', () => {
    const trigger = fromDatabaseError({ code: 'P0001', message: 'lot.shares_exceed_total', detail: 'Too many shares', hint: '{"field":"shares"}' });
    expect(trigger).toMatchObject({ code: 'lot.shares_exceed_total', message: 'Too many shares', details: { field: 'shares' } });
    expect(fromDatabaseError({ code: '23505', constraint_name: 'x_key' })?.code).toBe('db.conflict');
    expect(fromDatabaseError({ code: '40001' })?.code).toBe('db.serialization');
    expect(fromDatabaseError({ code: 'P0001', message: 'free text from a function' })).toBeNull();
    expect(fromDatabaseError(new Error('not a database error'))).toBeNull();
  });
});

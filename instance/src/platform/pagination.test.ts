import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, finishPage, resolvePage, type SortFields } from './pagination.ts';
import { errorOf } from '../../test/support/errors.ts';

const FIELDS: SortFields<'name' | 'createdAt'> = {
  name: { expr: 'f.name', type: 'text' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};
const ID = '0b3f2f7e-6a9e-4c39-9a59-2a4c8a0c1d11';


describe('cursors', () => {
  it('round-trip, including unicode and punctuation in the sort value', () => {
    const c = { s: '-name', v: 'Résidence "Les Tilleuls", 1/2', i: ID };
    const text = encodeCursor(c);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(c);
  });

  it('refuse garbage with request.invalid naming the field', () => {
    for (const bad of ['%%%', 'bm90IGpzb24', Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('{"s":"a"}').toString('base64url')]) {
      const e = errorOf(() => decodeCursor(bad));
      expect([e.code, e.details]).toEqual(['request.invalid', { field: 'querystring.cursor' }]);
    }
  });
});

describe('resolvePage', () => {
  it('defaults the sort and reads a descending one', () => {
    expect(resolvePage(FIELDS, { limit: 50 }, 'name')).toMatchObject({ sort: 'name', desc: false, limit: 50, after: null });
    expect(resolvePage(FIELDS, { limit: 10, sort: '-createdAt' }, 'name')).toMatchObject({ desc: true, field: FIELDS.createdAt });
  });

  it('refuses a sort outside the whitelist and a bad limit', () => {
    expect(errorOf(() => resolvePage(FIELDS, { limit: 10, sort: 'password' }, 'name')).details).toEqual({ field: 'querystring.sort' });
    expect(errorOf(() => resolvePage(FIELDS, { limit: 10, sort: 'constructor' }, 'name')).details).toEqual({ field: 'querystring.sort' });
    expect(errorOf(() => resolvePage(FIELDS, { limit: 0 }, 'name')).details).toEqual({ field: 'querystring.limit' });
    expect(errorOf(() => resolvePage(FIELDS, { limit: 201 }, 'name')).details).toEqual({ field: 'querystring.limit' });
  });

  it('accepts a cursor only with the sort it was made for', () => {
    const cursor = encodeCursor({ s: 'name', v: 'B', i: ID });
    expect(resolvePage(FIELDS, { limit: 10, cursor }, 'name').after).toEqual({ value: 'B', id: ID });
    expect(errorOf(() => resolvePage(FIELDS, { limit: 10, cursor, sort: '-name' }, 'name')).code).toBe('request.invalid');
    const badId = encodeCursor({ s: 'name', v: 'B', i: "x' or 1=1" });
    expect(errorOf(() => resolvePage(FIELDS, { limit: 10, cursor: badId }, 'name')).code).toBe('request.invalid');
  });
});

describe('finishPage', () => {
  const rows = ['a', 'b', 'c'].map((k, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, _sort_key: k }));

  it('keeps limit rows and points the cursor at the last one when more exist', () => {
    const page = resolvePage(FIELDS, { limit: 2 }, 'name');
    const { rows: kept, nextCursor } = finishPage(rows, page);
    expect(kept.map((r) => r._sort_key)).toEqual(['a', 'b']);
    expect(decodeCursor(nextCursor!)).toEqual({ s: 'name', v: 'b', i: rows[1]!.id });
  });

  it('gives no cursor on the last page', () => {
    expect(finishPage(rows, resolvePage(FIELDS, { limit: 3 }, 'name')).nextCursor).toBeNull();
    expect(finishPage([], resolvePage(FIELDS, { limit: 3 }, 'name'))).toEqual({ rows: [], nextCursor: null });
  });
});

describe('cursor values', () => {
  const fields = { shares: { expr: 'f.shares', type: 'integer' }, createdAt: { expr: 'f.created_at', type: 'timestamptz' } } as const;
  const cursor = (s: string, v: string) => Buffer.from(JSON.stringify([s, v, '6f0c2f2e-1b7a-4d5e-9a51-0c1d2e3f4a5b'])).toString('base64url');
  it('accepts the values PostgreSQL prints and refuses hand-made ones that would not cast', () => {
    expect(resolvePage(fields, { limit: 10, sort: 'shares', cursor: cursor('shares', '250') }, 'shares').after?.value).toBe('250');
    expect(resolvePage(fields, { limit: 10, sort: 'createdAt', cursor: cursor('createdAt', '2026-11-24 23:55:43.123456+00') }, 'shares').after)
      .not.toBeNull();
    for (const [s, v] of [['shares', 'abc'], ['shares', '99999999999'], ['createdAt', 'not a time'], ['shares', '1\u0000']]) {
      expect(errorOf(() => resolvePage(fields, { limit: 10, sort: s as 'shares', cursor: cursor(s!, v!) }, 'shares')).code).toBe('request.invalid');
    }
  });
});

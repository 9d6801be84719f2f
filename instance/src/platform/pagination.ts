import type { Fragment } from 'postgres';
import type { Db } from './db.ts';
import { AppError } from './errors.ts';
import { isUuid } from './ids.ts';

/**
 * Keyset pagination on (sort value, id), with opaque cursors.
 *
 * A list declares its sortable fields as trusted SQL expressions over the alias `f`
 * (e.g. `f.name`, `coalesce(f.floor, -2147483648)`: sort expressions must never be null)
 * and their SQL type. The client picks one with `sort=field` or `sort=-field`; the cursor
 * carries the sort, the last row's sort value (as text, so timestamps keep their
 * microseconds) and its id, and is only valid with the same sort.
 */

export type SortSqlType = 'text' | 'integer' | 'bigint' | 'numeric' | 'date' | 'timestamptz' | 'uuid';

export interface SortField {
  /** Trusted SQL expression over the alias `f`; never null. */
  expr: string;
  type: SortSqlType;
}

export type SortFields<K extends string> = Readonly<Record<K, SortField>>;

export interface PageRequest {
  limit: number;
  cursor?: string | null | undefined;
  sort?: string | null | undefined;
}

export interface CursorData {
  /** The sort it belongs to, e.g. `name` or `-createdAt`. */
  s: string;
  /** The last row's sort value, as PostgreSQL text. */
  v: string;
  /** The last row's id. */
  i: string;
}

export interface ResolvedPage {
  sort: string;
  field: SortField;
  desc: boolean;
  limit: number;
  after: { value: string; id: string } | null;
}

export const MAX_LIMIT = 200;

export function encodeCursor(c: CursorData): string {
  return Buffer.from(JSON.stringify([c.s, c.v, c.i]), 'utf8').toString('base64url');
}

const badCursor = () => new AppError('request.invalid', 'Invalid querystring.cursor: not a cursor from a previous page of this list',
  { field: 'querystring.cursor' });

/** Decodes a cursor, or throws `request.invalid` (400) naming the field. */
export function decodeCursor(text: string): CursorData {
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(text)) throw badCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((x) => typeof x === 'string')) throw badCursor();
  const [s, v, i] = parsed as [string, string, string];
  return { s, v, i };
}

/** A hand-made cursor must not reach SQL with a value its column type cannot take. */
function cursorValueFits(v: string, type: string): boolean {
  if (v.includes('\u0000')) return false;
  if (type === 'integer') return /^-?\d{1,10}$/.test(v) && Math.abs(Number(v)) <= 2_147_483_648;
  if (type === 'bigint') return /^-?\d{1,18}$/.test(v);
  if (type === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
  if (type === 'timestamptz') return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(v);
  if (type === 'numeric') return /^-?\d{1,30}(\.\d{1,30})?$/.test(v);
  return true;
}

/** Checks the sort against the whitelist, decodes the cursor and bounds the limit. */
export function resolvePage<K extends string>(fields: SortFields<K>, req: PageRequest, defaultSort: K | `-${K}`): ResolvedPage {
  const sort = req.sort ?? defaultSort;
  const desc = sort.startsWith('-');
  const name = desc ? sort.slice(1) : sort;
  if (!Object.hasOwn(fields, name)) {
    throw new AppError('request.invalid', `Invalid querystring.sort: one of ${Object.keys(fields).join(', ')}, optionally prefixed by -`,
      { field: 'querystring.sort' });
  }
  const limit = Math.trunc(req.limit);
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw new AppError('request.invalid', `Invalid querystring.limit: between 1 and ${MAX_LIMIT}`, { field: 'querystring.limit' });
  }
  let after: ResolvedPage['after'] = null;
  if (req.cursor) {
    const c = decodeCursor(req.cursor);
    if (c.s !== sort) throw badCursor();
    if (!isUuid(c.i)) throw badCursor();
    if (!cursorValueFits(c.v, fields[name as K].type)) throw badCursor();
    after = { value: c.v, id: c.i };
  }
  return { sort, field: fields[name as K], desc, limit, after };
}

/** `and (sort, id) > (cursor)` (or `<` descending); empty without a cursor. */
export function keysetCondition(sql: Db, page: ResolvedPage, idExpr = 'f.id') {
  if (!page.after) return sql``;
  const cmp = page.desc ? sql.unsafe('<') : sql.unsafe('>');
  return sql`and (${sql.unsafe(page.field.expr)}, ${sql.unsafe(idExpr)}) ${cmp}
    (${page.after.value}::${sql.unsafe(page.field.type)}, ${page.after.id}::uuid)`;
}

/** `sort expr [desc], id [desc]`, for an `order by`. */
export function keysetOrder(sql: Db, page: ResolvedPage, sortExpr = page.field.expr, idExpr = 'f.id') {
  const dir = sql.unsafe(page.desc ? 'desc' : 'asc');
  return sql`${sql.unsafe(sortExpr)} ${dir}, ${sql.unsafe(idExpr)} ${dir}`;
}

/** The sort expression as text, selected so the next cursor can be built from the last row. */
export function sortKeyText(sql: Db, page: ResolvedPage) {
  return sql`(${sql.unsafe(page.field.expr)})::text`;
}

export interface KeyedRow { _sort_key: string | null; id: string }

/** Cuts the `limit + 1` rows fetched into a page and its next cursor. */
export function finishPage<R extends KeyedRow>(rows: readonly R[], page: ResolvedPage): { rows: R[]; nextCursor: string | null } {
  const kept = rows.slice(0, page.limit);
  const last = kept[kept.length - 1];
  const nextCursor = rows.length > page.limit && last
    ? encodeCursor({ s: page.sort, v: last._sort_key ?? '', i: last.id })
    : null;
  return { rows: kept, nextCursor };
}

/**
 * Runs one keyset page over `filtered` (a `select … from … where …` whose rows have an `id`),
 * with the total number of filtered rows, in a single query. Returns the rows of the page
 * (each with the columns of `filtered`) and the next cursor.
 */
export async function keysetPage<R extends { id: string }>(sql: Db, filtered: Fragment, page: ResolvedPage):
  Promise<{ rows: R[]; total: number; nextCursor: string | null }> {
  const rows = await sql<(R & KeyedRow & { _total: number })[]>`
    with f as (${filtered}),
    p as (
      select f.*, ${sortKeyText(sql, page)} as _sort_key, ${sql.unsafe(page.field.expr)} as _sort_value
      from f where true ${keysetCondition(sql, page)}
      order by ${keysetOrder(sql, page)}
      limit ${page.limit + 1}
    )
    select p.*, t._total from (select count(*)::int as _total from f) t left join p on true
    order by ${keysetOrder(sql, page, 'p._sort_value', 'p.id')}`;
  const total = rows[0]?._total ?? 0;
  const present = rows.filter((r) => r.id !== null);
  const { rows: kept, nextCursor } = finishPage(present, page);
  for (const r of kept) {
    const rec = r as unknown as Record<string, unknown>;
    delete rec._total;
    delete rec._sort_key;
    delete rec._sort_value;
  }
  return { rows: kept, total, nextCursor };
}

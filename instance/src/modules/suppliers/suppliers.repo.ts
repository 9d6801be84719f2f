import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import { likePattern } from '../buildings/use-case.ts';
import type { Supplier, SupplierFields } from './suppliers.domain.ts';

/** All SQL of suppliers. Every statement filters by organization id. */

const COLUMNS = `s.id, s.name, s.enterprise_number as "enterpriseNumber", s.iban, s.created_at as "createdAt", s.updated_at as "updatedAt"`;

export const SUPPLIER_SORTS: SortFields<'name' | 'createdAt'> = {
  name: { expr: 'lower(f.name)', type: 'text' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

export async function findSupplier(sql: Db, organizationId: string, id: string, lock = false): Promise<Supplier | null> {
  const [row] = await sql<Supplier[]>`select ${sql.unsafe(COLUMNS)} from suppliers s
    where s.organization_id = ${organizationId} and s.id = ${id} ${lock ? sql`for no key update` : sql``}`;
  return row ?? null;
}

const duplicate = () => new AppError('supplier.duplicate', 'A supplier with this VAT number already exists in the organization',
  { field: 'vatNumber' });

async function mapDuplicate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const err = e as { code?: string; constraint_name?: string };
    if (err.code === '23505' && err.constraint_name === 'suppliers_org_enterprise_number') throw duplicate();
    throw e;
  }
}

export async function insertSupplier(tx: Db, organizationId: string, f: SupplierFields, at: Date): Promise<string> {
  return mapDuplicate(async () => {
    const [row] = await tx<{ id: string }[]>`insert into suppliers (organization_id, name, enterprise_number, iban, created_at, updated_at)
      values (${organizationId}, ${f.name}, ${f.enterpriseNumber}, ${f.iban}, ${at}, ${at}) returning id`;
    return row!.id;
  });
}

export async function updateSupplier(tx: Db, organizationId: string, id: string, f: SupplierFields, at: Date): Promise<void> {
  await mapDuplicate(() => tx`update suppliers set name = ${f.name}, enterprise_number = ${f.enterpriseNumber}, iban = ${f.iban},
    updated_at = ${at} where organization_id = ${organizationId} and id = ${id}`);
}

export async function expenseCount(sql: Db, organizationId: string, id: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from expenses where organization_id = ${organizationId} and supplier_id = ${id}`;
  return row!.n;
}

export async function deleteSupplier(tx: Db, organizationId: string, id: string): Promise<void> {
  await tx`delete from suppliers where organization_id = ${organizationId} and id = ${id}`;
}

export async function listSuppliers(sql: Db, organizationId: string, filter: { q?: string | undefined }, page: ResolvedPage) {
  const filtered = sql`select ${sql.unsafe(COLUMNS)}, s.created_at from suppliers s
    where s.organization_id = ${organizationId}
    ${filter.q ? sql`and (s.name ilike ${likePattern(filter.q)} or s.enterprise_number like ${likePattern(filter.q.replace(/\D/g, '') || '-')})` : sql``}`;
  const result = await keysetPage<Supplier & { created_at?: Date }>(sql, filtered, page);
  for (const r of result.rows) delete r.created_at;
  return { items: result.rows as Supplier[], total: result.total, nextCursor: result.nextCursor };
}

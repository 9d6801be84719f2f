import type { Db } from '../../platform/db.ts';
import type { ChartAccount } from './chart.domain.ts';
import type { AccountFlags } from './posting.domain.ts';
import { PCMN_ACP } from './pcmn.data.ts';

/** All SQL of the chart of accounts. Every statement filters by organization and building. */

export type { ChartAccount };

const COLUMNS = `a.number, a.label_fr as "labelFr", a.label_nl as "labelNl", a.class, a.kind,
  a.is_owner_account as "isOwnerAccount", a.is_supplier_account as "isSupplierAccount", a.default_key_id as "defaultKeyId"`;

/** Loads the PCMN chart into the building when it has no account yet. Returns the number of accounts added. */
export async function ensureChart(tx: Db, organizationId: string, buildingId: string, at: Date): Promise<number> {
  const [has] = await tx<{ n: number }[]>`select count(*)::int as n from chart_accounts
    where organization_id = ${organizationId} and building_id = ${buildingId}`;
  if (has!.n > 0) return 0;
  const rows = PCMN_ACP.map((a) => ({
    organization_id: organizationId, building_id: buildingId, number: a.number, label_fr: a.fr, label_nl: a.nl,
    class: Number(a.number[0]), kind: a.kind, is_owner_account: a.owner === true, is_supplier_account: a.supplier === true,
    created_at: at,
  }));
  const inserted = await tx`insert into chart_accounts ${tx(rows)} on conflict do nothing returning number`;
  return inserted.length;
}

/** The flags of the given accounts that exist in the building's chart. */
export async function accountFlags(sql: Db, organizationId: string, buildingId: string, numbers: readonly string[]):
  Promise<Map<string, AccountFlags>> {
  const rows = await sql<({ number: string } & AccountFlags)[]>`select number, is_owner_account as "isOwnerAccount",
      is_supplier_account as "isSupplierAccount"
    from chart_accounts where organization_id = ${organizationId} and building_id = ${buildingId}
      and number = any(${[...numbers]}::text[])`;
  return new Map(rows.map((r) => [r.number, { isOwnerAccount: r.isOwnerAccount, isSupplierAccount: r.isSupplierAccount }]));
}

export async function listAccounts(sql: Db, organizationId: string, buildingId: string): Promise<ChartAccount[]> {
  return sql<ChartAccount[]>`select ${sql.unsafe(COLUMNS)} from chart_accounts a
    where a.organization_id = ${organizationId} and a.building_id = ${buildingId}
    order by a.number collate "C"`;
}

export async function findAccount(sql: Db, organizationId: string, buildingId: string, number: string): Promise<ChartAccount | null> {
  const [row] = await sql<ChartAccount[]>`select ${sql.unsafe(COLUMNS)} from chart_accounts a
    where a.organization_id = ${organizationId} and a.building_id = ${buildingId} and a.number = ${number}`;
  return row ?? null;
}

/** The longest existing account whose number is a prefix of `number` (its parent), if any. */
export async function parentAccount(sql: Db, organizationId: string, buildingId: string, number: string): Promise<ChartAccount | null> {
  const prefixes = Array.from({ length: number.length - 1 }, (_, i) => number.slice(0, i + 1));
  if (prefixes.length === 0) return null;
  const [row] = await sql<ChartAccount[]>`select ${sql.unsafe(COLUMNS)} from chart_accounts a
    where a.organization_id = ${organizationId} and a.building_id = ${buildingId} and a.number = any(${prefixes}::text[])
    order by length(a.number) desc limit 1`;
  return row ?? null;
}

export async function insertAccount(tx: Db, organizationId: string, buildingId: string, a: ChartAccount, at: Date): Promise<boolean> {
  const rows = await tx`insert into chart_accounts (organization_id, building_id, number, label_fr, label_nl, class, kind,
      is_owner_account, is_supplier_account, default_key_id, created_at)
    values (${organizationId}, ${buildingId}, ${a.number}, ${a.labelFr}, ${a.labelNl}, ${a.class}, ${a.kind},
      ${a.isOwnerAccount}, ${a.isSupplierAccount}, ${a.defaultKeyId}, ${at})
    on conflict do nothing returning number`;
  return rows.length > 0;
}

/** Which of the ids are persons of the organization / lots of the building / suppliers of the organization. */
export async function existingIds(sql: Db, organizationId: string, buildingId: string,
  ids: { persons: string[]; lots: string[]; suppliers: string[] }): Promise<{ persons: Set<string>; lots: Set<string>; suppliers: Set<string> }> {
  const persons = ids.persons.length === 0 ? [] : await sql<{ id: string }[]>`select id from persons
    where organization_id = ${organizationId} and id = any(${ids.persons}::uuid[])`;
  const lots = ids.lots.length === 0 ? [] : await sql<{ id: string }[]>`select id from lots
    where organization_id = ${organizationId} and building_id = ${buildingId} and id = any(${ids.lots}::uuid[])`;
  const suppliers = ids.suppliers.length === 0 ? [] : await sql<{ id: string }[]>`select id from suppliers
    where organization_id = ${organizationId} and id = any(${ids.suppliers}::uuid[])`;
  return {
    persons: new Set(persons.map((r) => r.id)), lots: new Set(lots.map((r) => r.id)), suppliers: new Set(suppliers.map((r) => r.id)),
  };
}

import type { Db } from '../../platform/db.ts';
import { keysetPage, type ResolvedPage, type SortFields } from '../../platform/pagination.ts';
import type { Language } from '../buildings/buildings.domain.ts';
import { likePattern } from '../buildings/use-case.ts';
import type { Person, PersonFields, PersonKind } from './persons.domain.ts';

/** All SQL of persons. Every statement filters by organization id. */

interface PersonRow {
  id: string; kind: PersonKind; displayName: string; firstName: string | null; lastName: string | null;
  companyName: string | null; enterpriseNumber: string | null; email: string | null; phone: string | null;
  street: string | null; postalCode: string | null; city: string | null; country: string | null; language: Language;
  consentGivenOn: string | null; consentProof: string | null; consentRevokedOn: string | null;
  createdAt: Date; updatedAt: Date;
}

const COLUMNS = `p.id, p.kind, p.display_name as "displayName", p.first_name as "firstName", p.last_name as "lastName",
  p.company_name as "companyName", p.enterprise_number as "enterpriseNumber", p.email, p.phone, p.street,
  p.postal_code as "postalCode", p.city, p.country, p.language, p.email_consent_given_on::text as "consentGivenOn",
  p.email_consent_proof as "consentProof", p.email_consent_revoked_on::text as "consentRevokedOn",
  p.created_at as "createdAt", p.updated_at as "updatedAt"`;

export const PERSON_SORTS: SortFields<'name' | 'createdAt'> = {
  name: { expr: 'f.sort_name', type: 'text' },
  createdAt: { expr: 'f.created_at', type: 'timestamptz' },
};

function toPerson(r: PersonRow): Person {
  return {
    id: r.id, kind: r.kind, displayName: r.displayName, firstName: r.firstName, lastName: r.lastName,
    companyName: r.companyName, enterpriseNumber: r.enterpriseNumber, email: r.email, phone: r.phone,
    address: r.street === null ? null : { street: r.street, postalCode: r.postalCode!, city: r.city!, country: r.country! },
    language: r.language,
    emailConsent: r.consentGivenOn === null ? null
      : { givenOn: r.consentGivenOn, proof: r.consentProof!, revokedOn: r.consentRevokedOn },
    createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

/** Persons a building-scoped reader may see: those who hold (or held) a lot in one of the buildings. */
function scopeSql(sql: Db, scope: 'all' | string[]) {
  if (scope === 'all') return sql``;
  return sql`and exists (select 1 from holdings h join lots l on l.organization_id = h.organization_id and l.id = h.lot_id
    where h.organization_id = p.organization_id and h.person_id = p.id and l.building_id = any(${scope}::uuid[]))`;
}

export async function findPerson(sql: Db, organizationId: string, id: string, scope: 'all' | string[] = 'all'): Promise<Person | null> {
  const [row] = await sql<PersonRow[]>`select ${sql.unsafe(COLUMNS)} from persons p
    where p.organization_id = ${organizationId} and p.id = ${id} ${scopeSql(sql, scope)}`;
  return row ? toPerson(row) : null;
}

export async function lockPerson(tx: Db, organizationId: string, id: string): Promise<void> {
  await tx`select 1 from persons where organization_id = ${organizationId} and id = ${id} for no key update`;
}

function values(f: PersonFields) {
  return {
    kind: f.kind, first_name: f.firstName, last_name: f.lastName, company_name: f.companyName,
    enterprise_number: f.enterpriseNumber, email: f.email, phone: f.phone,
    street: f.address?.street ?? null, postal_code: f.address?.postalCode ?? null, city: f.address?.city ?? null,
    country: f.address?.country ?? null, language: f.language,
    email_consent_given_on: f.emailConsent?.givenOn ?? null, email_consent_proof: f.emailConsent?.proof ?? null,
    email_consent_revoked_on: f.emailConsent?.revokedOn ?? null,
  };
}

export async function insertPerson(tx: Db, organizationId: string, f: PersonFields, at: Date): Promise<string> {
  const v = { ...values(f), organization_id: organizationId, created_at: at, updated_at: at };
  const [row] = await tx<{ id: string }[]>`insert into persons ${tx(v)} returning id`;
  return row!.id;
}

export async function updatePerson(tx: Db, organizationId: string, id: string, f: PersonFields, at: Date): Promise<void> {
  const v = { ...values(f), updated_at: at };
  await tx`update persons set ${tx(v)} where organization_id = ${organizationId} and id = ${id}`;
}

export async function deletePerson(tx: Db, organizationId: string, id: string): Promise<void> {
  await tx`delete from persons where organization_id = ${organizationId} and id = ${id}`;
}

export async function hasHistory(sql: Db, organizationId: string, personId: string): Promise<boolean> {
  const rows = await sql`select 1 from holdings where organization_id = ${organizationId} and person_id = ${personId} limit 1`;
  return rows.length > 0;
}

/** Which of `ids` are persons of the organization. */
/**
 * The ids among `ids` that the caller may attach to a lot: with an organization-wide scope, any
 * person of the organization; with a building scope, persons already linked to one of those
 * buildings or not linked to any lot yet (so nobody reaches another building's persons this way).
 */
export async function existingPersonIds(sql: Db, organizationId: string, ids: readonly string[],
  scope: 'all' | string[] = 'all'): Promise<Set<string>> {
  const rows = await sql<{ id: string }[]>`select p.id from persons p where p.organization_id = ${organizationId}
    and p.id = any(${[...ids]}::uuid[])
    ${scope === 'all' ? sql`` : sql`and (not exists (select 1 from holdings h where h.organization_id = p.organization_id and h.person_id = p.id)
      or exists (select 1 from holdings h join lots l on l.organization_id = h.organization_id and l.id = h.lot_id
        where h.organization_id = p.organization_id and h.person_id = p.id and l.building_id = any(${scope}::uuid[])))`}`;
  return new Set(rows.map((r) => r.id));
}

export interface PersonFilter { q?: string | undefined; kind?: PersonKind | undefined; scope: 'all' | string[] }

export async function listPersons(sql: Db, organizationId: string, filter: PersonFilter, page: ResolvedPage) {
  const q = filter.q ? likePattern(filter.q) : null;
  const filtered = sql`select ${sql.unsafe(COLUMNS)}, p.sort_name, p.created_at from persons p
    where p.organization_id = ${organizationId} ${scopeSql(sql, filter.scope)}
    ${filter.kind ? sql`and p.kind = ${filter.kind}` : sql``}
    ${q ? sql`and (p.display_name ilike ${q} or p.email ilike ${q})` : sql``}`;
  const result = await keysetPage<PersonRow>(sql, filtered, page);
  return { items: result.rows.map(toPerson), total: result.total, nextCursor: result.nextCursor };
}

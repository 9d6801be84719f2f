import type { Db } from '../../platform/db.ts';
import type { EmailConsent } from '../persons/persons.domain.ts';

/** SQL of the reminder settings, the building and person facts the ladder reads. Every statement filters by organization. */

export interface SettingsRow {
  autoSendGentle: boolean; consumerSafe: boolean; offReason: string | null; offReference: string | null; offDecidedOn: string | null;
  formalFeeCents: number; finalNoticeFeeCents: number; legalActionFeeCents: number; postageCents: number; registeredPostageCents: number;
  clauseRateBp: number | null;
}

export const DEFAULT_SETTINGS: SettingsRow = {
  autoSendGentle: false, consumerSafe: true, offReason: null, offReference: null, offDecidedOn: null, formalFeeCents: 0,
  finalNoticeFeeCents: 0, legalActionFeeCents: 0, postageCents: 0, registeredPostageCents: 0, clauseRateBp: null,
};

export async function findSettings(sql: Db, org: string, buildingId: string, lock = false): Promise<SettingsRow | null> {
  const [row] = await sql<SettingsRow[]>`select auto_send_gentle as "autoSendGentle", consumer_safe as "consumerSafe",
      consumer_safe_off_reason as "offReason", consumer_safe_off_reference as "offReference",
      consumer_safe_off_decided_on::text as "offDecidedOn", formal_fee_cents as "formalFeeCents",
      final_notice_fee_cents as "finalNoticeFeeCents", legal_action_fee_cents as "legalActionFeeCents",
      postage_cents as "postageCents", registered_postage_cents as "registeredPostageCents", clause_rate_bp as "clauseRateBp"
    from reminder_settings where organization_id = ${org} and building_id = ${buildingId} ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

export async function saveSettings(tx: Db, org: string, buildingId: string, s: SettingsRow, at: Date): Promise<void> {
  const row = {
    organization_id: org, building_id: buildingId, auto_send_gentle: s.autoSendGentle, consumer_safe: s.consumerSafe,
    consumer_safe_off_reason: s.offReason, consumer_safe_off_reference: s.offReference, consumer_safe_off_decided_on: s.offDecidedOn,
    formal_fee_cents: s.formalFeeCents, final_notice_fee_cents: s.finalNoticeFeeCents, legal_action_fee_cents: s.legalActionFeeCents,
    postage_cents: s.postageCents, registered_postage_cents: s.registeredPostageCents, clause_rate_bp: s.clauseRateBp, updated_at: at,
  };
  const { organization_id: _o, building_id: _b, ...changes } = row;
  await tx`insert into reminder_settings ${tx(row)} on conflict (organization_id, building_id) do update set ${tx(changes)}`;
}

export interface BuildingInfo {
  id: string; name: string; enterpriseNumber: string | null; street: string; postalCode: string; city: string;
  currentAccountIban: string | null; reserveAccountIban: string | null;
}

export async function findBuilding(sql: Db, org: string, buildingId: string): Promise<BuildingInfo | null> {
  const [row] = await sql<BuildingInfo[]>`select id, name, enterprise_number as "enterpriseNumber", street, postal_code as "postalCode",
      city, current_account_iban as "currentAccountIban", reserve_account_iban as "reserveAccountIban"
    from buildings where organization_id = ${org} and id = ${buildingId}`;
  return row ?? null;
}

/** What the delivery channel rule reads: the e-mail address and the written acceptance of e-mail. */
export async function channelFacts(sql: Db, org: string, personId: string): Promise<{ email: string | null; consent: EmailConsent | null }> {
  const [r] = await sql<{ email: string | null; given: string | null; proof: string | null; revoked: string | null }[]>`
    select email, email_consent_given_on::text as given, email_consent_proof as proof, email_consent_revoked_on::text as revoked
    from persons where organization_id = ${org} and id = ${personId}`;
  if (!r) return { email: null, consent: null };
  return { email: r.email, consent: r.given ? { givenOn: r.given, proof: r.proof ?? '', revokedOn: r.revoked } : null };
}

/**
 * Who hears of a sent reminder: the organization's admins and the building's syndics; for a Formal
 * reminder also the council members (rules doc §7.1: the council is informed, need-to-know).
 */
export async function recipientsOf(sql: Db, org: string, buildingId: string, withCouncil: boolean): Promise<string[]> {
  const roles = withCouncil ? ['admin', 'syndic', 'council_member'] : ['admin', 'syndic'];
  const rows = await sql<{ id: string }[]>`select distinct user_id as id from role_grants where organization_id = ${org}
    and role = any(${roles}::text[]) and (building_id is null or building_id = ${buildingId})`;
  return rows.map((r) => r.id);
}

/** Buildings of every organization, for the daily fan-out. */
export async function allBuildings(sql: Db): Promise<{ organizationId: string; buildingId: string }[]> {
  return sql`select organization_id as "organizationId", id as "buildingId" from buildings order by organization_id, id`;
}


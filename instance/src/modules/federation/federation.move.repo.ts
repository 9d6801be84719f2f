import type { Db } from '../../platform/db.ts';
import { BUNDLE_PARTS, type PartName } from './federation.move.domain.ts';

/**
 * SQL of the building move: reads every row of one building's file (export) and writes them into
 * another organization (import). Rows travel as JSON objects of their columns; generated columns
 * are left out and recomputed by the receiver.
 */

/** Columns the database computes (generated, identity, bookkeeping): never exported, never imported. */
const COMPUTED: Partial<Record<PartName, string[]>> = {
  persons: ['display_name', 'sort_name'],
  journal_entries: ['created_xact', 'posting_order'],
};
/**
 * Organization-wide rows copied with a building: a second building of the same source organization
 * may bring the same person or supplier again (kept as first imported; if that id lives in another
 * organization here, the foreign keys refuse the import).
 */
const SHARED: PartName[] = ['persons', 'suppliers'];
/** References to this instance's users: they do not exist on the receiver. */
const LOCAL_USERS: Partial<Record<PartName, string[]>> = { fiscal_years: ['closed_by'], journal_entries: ['created_by'] };
/** Credentials valid on this instance only (an attendee's live voter token): emptied on import. */
const LOCAL_SECRETS: Partial<Record<PartName, string[]>> = { attendance: ['voter_token_hash'] };

/** The rows of each part, `organization_id` included (the receiver replaces it). Run in a repeatable-read transaction. */
export async function exportBuildingRows(tx: Db, org: string, building: string): Promise<Record<PartName, Record<string, unknown>[]>> {
  const lotIds = tx`select id from lots where organization_id = ${org} and building_id = ${building}`;
  const fyIds = tx`select id from fiscal_years where organization_id = ${org} and building_id = ${building}`;
  const meetingIds = tx`select id from meetings where organization_id = ${org} and building_id = ${building}`;
  const itemIds = tx`select id from agenda_items where organization_id = ${org} and meeting_id in (${meetingIds})`;
  const procedureIds = tx`select id from written_procedures where organization_id = ${org} and building_id = ${building}`;
  const inMeetings: ReturnType<Db> = tx`organization_id = ${org} and meeting_id in (${meetingIds})`;
  const where: Record<PartName, ReturnType<Db>> = {
    buildings: tx`organization_id = ${org} and id = ${building}`,
    persons: tx`organization_id = ${org} and id in (select person_id from holdings where organization_id = ${org} and lot_id in (${lotIds})
      union select person_id from journal_lines where organization_id = ${org} and building_id = ${building} and person_id is not null
      union select person_id from archived_documents where organization_id = ${org} and building_id = ${building} and person_id is not null
      union select syndic_person_id from assembly_settings where organization_id = ${org} and building_id = ${building} and syndic_person_id is not null
      union select requested_by_person_id from agenda_items where organization_id = ${org} and id in (${itemIds}) and requested_by_person_id is not null
      union select person_id from agenda_requests where organization_id = ${org} and building_id = ${building}
      union select unnest(array[principal_person_id, holder_person_id]) from proxies where ${inMeetings}
      union select person_id from meeting_voters where ${inMeetings}
      union select unnest(array[person_id, holder_person_id]) from attendance where ${inMeetings}
      union select person_id from votes where organization_id = ${org} and agenda_item_id in (${itemIds})
      union select person_id from written_answers where organization_id = ${org} and procedure_id in (${procedureIds}))`,
    suppliers: tx`organization_id = ${org} and id in (select supplier_id from journal_lines where organization_id = ${org} and building_id = ${building})`,
    lots: tx`organization_id = ${org} and building_id = ${building}`,
    holdings: tx`organization_id = ${org} and lot_id in (${lotIds})`,
    chart_accounts: tx`organization_id = ${org} and building_id = ${building}`,
    fiscal_years: tx`organization_id = ${org} and building_id = ${building}`,
    journal_sequences: tx`organization_id = ${org} and fiscal_year_id in (${fyIds})`,
    journal_entries: tx`organization_id = ${org} and building_id = ${building}`,
    journal_lines: tx`organization_id = ${org} and building_id = ${building}`,
    archived_documents: tx`organization_id = ${org} and building_id = ${building}`,
    assembly_settings: tx`organization_id = ${org} and building_id = ${building}`,
    assembly_requests: tx`organization_id = ${org} and building_id = ${building}`,
    meetings: tx`organization_id = ${org} and building_id = ${building}`,
    agenda_items: inMeetings,
    agenda_requests: tx`organization_id = ${org} and building_id = ${building}`,
    proxies: inMeetings,
    meeting_voters: inMeetings,
    attendance: inMeetings,
    votes: tx`organization_id = ${org} and agenda_item_id in (${itemIds})`,
    minutes: inMeetings,
    written_procedures: tx`organization_id = ${org} and building_id = ${building}`,
    written_answers: tx`organization_id = ${org} and procedure_id in (${procedureIds})`,
  };
  const order: Partial<Record<PartName, ReturnType<Db>>> = {
    journal_entries: tx`posting_order`, journal_sequences: tx`fiscal_year_id, journal`, journal_lines: tx`entry_id, line_no`,
    // A second session points at its first meeting: first meetings are inserted before.
    assembly_settings: tx`building_id`, meetings: tx`first_meeting_id is not null, id`, meeting_voters: tx`meeting_id, person_id`,
    attendance: tx`meeting_id, person_id`, votes: tx`agenda_item_id, person_id`, minutes: tx`meeting_id`, written_answers: tx`procedure_id, person_id`,
  };
  const out = {} as Record<PartName, Record<string, unknown>[]>;
  for (const part of BUNDLE_PARTS) {
    const rows = await tx<{ row: Record<string, unknown> }[]>`select to_jsonb(t) - ${COMPUTED[part] ?? []}::text[] as row
      from ${tx(part)} t where ${where[part]} order by ${order[part] ?? tx`id`}`;
    out[part] = rows.map((r) => r.row);
  }
  return out;
}

async function columnsOf(tx: Db, table: PartName): Promise<string[]> {
  const rows = await tx<{ name: string }[]>`select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER' and identity_generation is null
    order by ordinal_position`;
  return rows.map((r) => r.name).filter((c) => !(COMPUTED[table] ?? []).includes(c));
}

/**
 * Writes every part into `org` (inside the caller's transaction). Closed fiscal years are inserted
 * open and closed after their entries: the journal refuses entries in a closed year.
 */
export async function importBuildingRows(tx: Db, org: string, rows: Record<PartName, Record<string, unknown>[]>): Promise<void> {
  for (const part of BUNDLE_PARTS) {
    const list = rows[part].map((r) => {
      const copy: Record<string, unknown> = { ...r, organization_id: org };
      for (const c of [...LOCAL_USERS[part] ?? [], ...LOCAL_SECRETS[part] ?? []]) copy[c] = null;
      if (part === 'fiscal_years') Object.assign(copy, { status: 'open', closed_at: null });
      return copy;
    });
    if (list.length === 0) continue;
    const cols = await columnsOf(tx, part);
    await tx`insert into ${tx(part)} (${tx(cols)})
      select ${tx(cols)} from jsonb_populate_recordset(null::${tx(part)}, ${tx.json(list as never)}::jsonb) with ordinality as r order by r.ordinality
      ${SHARED.includes(part) ? tx`on conflict (id) do nothing` : tx``}`;
  }
  for (const fy of rows.fiscal_years.filter((f) => f.status !== 'open')) {
    await tx`update fiscal_years set status = ${String(fy.status)}, closed_at = ${String(fy.closed_at)}::timestamptz where organization_id = ${org} and id = ${String(fy.id)}`;
  }
}

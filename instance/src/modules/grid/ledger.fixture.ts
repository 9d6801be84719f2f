import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../../platform/deps.ts';

/**
 * Test rows the ledger's foreign keys need, written straight into migration 0009's tables: an
 * organization with one building, enrolled nodes (with their used enrolment token) and approved drafts.
 */
export async function ledgerFixture(deps: Pick<Deps, 'sql' | 'clock'>) {
  const at = deps.clock.now();
  const [org] = await deps.sql<{ id: string }[]>`insert into organizations (name, kind, created_at)
    values (${`Ledger ${randomBytes(3).toString('hex')}`}, 'syndic_office', ${at}) returning id`;
  const [building] = await deps.sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language, created_at, updated_at)
    values (${org!.id}, 'Ledger building', 'Rue 1', '1000', 'Bruxelles', 1000, 'fr', ${at}, ${at}) returning id`;

  async function node(peerId = `12D3KooW${randomBytes(16).toString('hex').replace(/[0lIO]/g, 'x')}`): Promise<string> {
    const [token] = await deps.sql<{ id: string }[]>`insert into grid_enrolment_tokens (token_hash, created_at, expires_at, used_at, used_by_peer_id)
      values (${randomBytes(32).toString('hex')}, ${at}, ${at}, ${at}, ${peerId}) returning id`;
    await deps.sql`insert into grid_nodes (peer_id, enrolment_token_id, terms_version, consent_at, enrolled_at)
      values (${peerId}, ${token!.id}, 'test', ${at}, ${at})`;
    return peerId;
  }

  async function draft(): Promise<string> {
    const id = randomUUID();
    await deps.sql`insert into grid_drafts (id, organization_id, building_id, document_type, locale, tone, template_version, status,
        approved_at, created_at, updated_at)
      values (${id}, ${org!.id}, ${building!.id}, 'convocation', 'fr', 'neutral', 'test', 'approved', ${at}, ${at}, ${at})`;
    return id;
  }

  return { organizationId: org!.id, buildingId: building!.id, node, draft };
}

/**
 * Real values for the ledger routes' path parameters (route fixtures of the no-500 test): the
 * current period and one credited work entry (its own node and approved draft in the building).
 */
export async function ledgerRouteIds(deps: Pick<Deps, 'sql' | 'clock'>, orgId: string, buildingId: string): Promise<{ period: string; workId: string }> {
  const at = deps.clock.now();
  const peerId = `12D3KooW${randomBytes(16).toString('hex').replace(/0/g, 'x')}`;
  const [token] = await deps.sql<{ id: string }[]>`insert into grid_enrolment_tokens (token_hash, created_at, expires_at, used_at, used_by_peer_id)
    values (${randomBytes(32).toString('hex')}, ${at}, ${at}, ${at}, ${peerId}) returning id`;
  await deps.sql`insert into grid_nodes (peer_id, enrolment_token_id, terms_version, consent_at, enrolled_at)
    values (${peerId}, ${token!.id}, 'fixture', ${at}, ${at})`;
  const draftId = randomUUID();
  await deps.sql`insert into grid_drafts (id, organization_id, building_id, document_type, locale, tone, template_version, status,
      approved_at, created_at, updated_at)
    values (${draftId}, ${orgId}, ${buildingId}, 'convocation', 'fr', 'neutral', 'fixture', 'approved', ${at}, ${at}, ${at})`;
  const period = deps.clock.today().slice(0, 7);
  const [work] = await deps.sql<{ id: number }[]>`insert into grid_work (period, peer_id, job_id, units, tokens_in, tokens_out, price_cents, recorded_at)
    values (${period}, ${peerId}, ${draftId}, 10, 100, 100, 5, ${at}) returning id`;
  return { period, workId: String(work!.id) };
}

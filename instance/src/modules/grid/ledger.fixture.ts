import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../../platform/deps.ts';

type FixtureDeps = Pick<Deps, 'sql' | 'clock'>;

/** An enrolled node (with its spent enrolment token), straight into migration 0013's tables. */
async function insertNode(deps: FixtureDeps, peerId = `12D3KooW${randomBytes(16).toString('hex').replace(/0/g, 'x')}`): Promise<string> {
  const at = deps.clock.now();
  const [token] = await deps.sql<{ id: string }[]>`insert into grid_enrolment_tokens (token_hash, created_at, expires_at, used_at, used_by_peer_id)
    values (${randomBytes(32).toString('hex')}, ${at}, ${at}, ${at}, ${peerId}) returning id`;
  await deps.sql`insert into grid_nodes (peer_id, enrolment_token_id, terms_version, consent_at, enrolled_at)
    values (${peerId}, ${token!.id}, 'fixture', ${at}, ${at})`;
  return peerId;
}

/** An approved draft (the job a work entry credits) in the building. */
async function insertApprovedDraft(deps: FixtureDeps, orgId: string, buildingId: string): Promise<string> {
  const at = deps.clock.now();
  const id = randomUUID();
  // A reminder (a convocation draft names its meeting since migration 0016): only the job id matters to the ledger.
  await deps.sql`insert into grid_drafts (id, organization_id, building_id, document_type, level, locale, tone, template_version, status,
      approved_at, created_at, updated_at)
    values (${id}, ${orgId}, ${buildingId}, 'reminder', 'Gentle', 'fr', 'neutral', 'fixture', 'approved', ${at}, ${at}, ${at})`;
  return id;
}

/**
 * Test rows the ledger's foreign keys need: an organization with one building, then enrolled nodes
 * and approved drafts on demand.
 */
export async function ledgerFixture(deps: FixtureDeps) {
  const at = deps.clock.now();
  const [org] = await deps.sql<{ id: string }[]>`insert into organizations (name, kind, created_at)
    values (${`Ledger ${randomBytes(3).toString('hex')}`}, 'syndic_office', ${at}) returning id`;
  const [building] = await deps.sql<{ id: string }[]>`insert into buildings (organization_id, name, street, postal_code, city, total_shares, language, created_at, updated_at)
    values (${org!.id}, 'Ledger building', 'Rue 1', '1000', 'Bruxelles', 1000, 'fr', ${at}, ${at}) returning id`;
  return {
    organizationId: org!.id, buildingId: building!.id,
    node: (peerId?: string) => insertNode(deps, peerId),
    draft: () => insertApprovedDraft(deps, org!.id, building!.id),
  };
}

/**
 * Real values for the ledger routes' path parameters (route fixtures of the no-500 test): the
 * current period and one credited work entry (its own node and approved draft in the building).
 */
export async function ledgerRouteIds(deps: FixtureDeps, orgId: string, buildingId: string): Promise<{ period: string; workId: string }> {
  const peerId = await insertNode(deps);
  const draftId = await insertApprovedDraft(deps, orgId, buildingId);
  const period = deps.clock.today().slice(0, 7);
  const [work] = await deps.sql<{ id: number }[]>`insert into grid_work (period, peer_id, job_id, units, tokens_in, tokens_out, price_cents, recorded_at)
    values (${period}, ${peerId}, ${draftId}, 10, 100, 100, 5, ${deps.clock.now()}) returning id`;
  return { period, workId: String(work!.id) };
}

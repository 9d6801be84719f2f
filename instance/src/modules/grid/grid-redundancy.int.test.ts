import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOOD_FR_DRAFT } from './grid-node.fixture.ts';
import { gridTestInstance, waitFor } from './grid-setup.fixture.ts';

/**
 * Sampled redundant runs (grid-design §7.7) at 100 %: the same job on a second node, compared on facts
 * (the placeholder multiset), not bytes.
 */
const root = resolve(import.meta.dirname, '../../../../');
const modelPath = [resolve(root, '../shared/models/stories260K.gguf'), resolve(root, '../../shared/models/stories260K.gguf')].find(existsSync);
if (!modelPath && process.env.KOPROGO_REQUIRE_TEST_MODEL === '1') throw new Error('stories260K.gguf not found');

describe.skipIf(!modelPath)('grid redundancy at 100 %', async () => {
  const g = await gridTestInstance(modelPath!, { GRID_REDUNDANCY_PERCENT: '100' });
  afterAll(() => g.close());
  const { deps, inOrg, buildingId, ownerCalls, enrolNode, requestDraft, status } = g;
  const attempts = (id: string) => deps.sql<{ peer_id: string; state: string; fault: string | null }[]>`
    select peer_id, state, fault from grid_attempts where job_id = ${id} order by attempt`;

  it('two honest nodes agree on the facts: one draft kept, both credited on approval', async () => {
    const a = await enrolNode({ delayMs: 300 });
    const b = await enrolNode({ delayMs: 300, draft: () => ({ ...GOOD_FR_DRAFT, subject: 'Paiement attendu pour le {{DUE_DATE}}' }) });
    const id = await requestDraft(ownerCalls[0]!.id);
    await status(id, 'ready');
    const rows = await waitFor(async () => { const r = await attempts(id); return r.length === 2 && r.every((x) => x.state !== 'running') ? r : null; });
    expect(rows.map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
    expect(new Set(rows.map((r) => r.peer_id))).toEqual(new Set([a.peerId, b.peerId]));
    await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`);
    expect((await deps.sql`select peer_id from grid_work where job_id = ${id}`).map((r) => r.peer_id).sort()).toEqual([a.peerId, b.peerId].sort());
    await a.stop();
    await b.stop();
  });

  it('a second node with other facts disagrees: its run fails, both lose reputation, the draft is flagged for review', async () => {
    const honest = await enrolNode({ delayMs: 500 });
    const id = await requestDraft(ownerCalls[1]!.id);
    await waitFor(async () => honest.calls.length > 0);
    const liar = await enrolNode({ draft: () => ({ ...GOOD_FR_DRAFT, body: `${GOOD_FR_DRAFT.body} Retard : {{DAYS_OVERDUE}} jours.` }) });
    const rows = await waitFor(async () => { const r = await attempts(id); return r.length === 2 && r.every((x) => x.state !== 'running') ? r : null; });
    expect(rows).toEqual([{ peer_id: honest.peerId, state: 'succeeded', fault: null }, { peer_id: liar.peerId, state: 'failed', fault: 'redundancy_disagreement' }]);
    const draft = await status(id, 'ready');
    expect(draft.flags).toContain('redundancy_disagreement');
    const reps = await deps.sql<{ peer_id: string; reputation: number }[]>`select peer_id, reputation from grid_nodes where peer_id in (${honest.peerId}, ${liar.peerId})`;
    for (const r of reps) expect(r.reputation).toBeLessThan(500);
    await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`);
    expect((await deps.sql`select peer_id from grid_work where job_id = ${id}`).map((r) => r.peer_id)).toEqual([honest.peerId]);
  });
});

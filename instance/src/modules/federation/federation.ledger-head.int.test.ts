import { describe, expect, it } from 'vitest';
import { createOrganization } from '../../../test/support/actors.ts';
import { insertLedgerBuilding } from '../accounting/accounting.fixture.ts';
import { ledgerRouteIds } from '../grid/ledger.fixture.ts';
import { closePeriod } from '../grid/ledger.service.ts';
import { adminCall, eventually, peer, signedPost, startFedInstance } from './federation.test-fixture.ts';

/** A publishes its revenue ledger's head to B (two real instances); B keeps it and refuses an equivocating head. */
const A = await startFedInstance('Ledger A');
const B = await startFedInstance('Ledger B');
await peer(A, B);
await peer(B, A);

describe('revenue ledger heads', () => {
  it('publishes the head of a closed period to peers, who store it and refuse another hash for the same size', async () => {
    const { id: orgId } = await createOrganization(A.deps);
    const { buildingId } = await insertLedgerBuilding(A.deps.sql, orgId, { lots: 1 });
    const { period } = await ledgerRouteIds(A.deps, orgId, buildingId);
    A.clock.advance(40 * 86_400_000);
    const { close } = await closePeriod(A.deps, { period, by: null });
    A.clock.advance(-40 * 86_400_000);
    const [chain] = await A.deps.sql<{ size: number }[]>`select count(*)::int as size from grid_ledger`;
    expect(chain!.size).toBeGreaterThan(0);

    const res = await adminCall(A).post('/federation/ledger-head');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ size: chain!.size, headHash: close.headHash });
    const heads = await eventually(async () => (await adminCall(B).get('/federation/ledger-heads')).json().items, (l: unknown[]) => l.length === 1);
    expect(heads[0]).toMatchObject({ host: A.host, size: chain!.size, headHash: close.headHash, lastPeriod: period });

    // A forged head of the same size with another hash (signed by A's key: an equivocation, not a forgery by a third party).
    const id = `${A.url}/fed/activities/${crypto.randomUUID()}`;
    const forged = { '@context': ['https://www.w3.org/ns/activitystreams', 'https://koprogo.org/ns/copro/v1'], id, type: 'Update', actor: `${A.url}/fed/actor`,
      published: A.deps.clock.now().toISOString(),
      object: { type: 'copro:LedgerHead', id: `${A.url}/fed/ledger/heads/${chain!.size}`, ledger: `${A.url}/fed/ledger`, size: chain!.size, headHash: 'f'.repeat(64), lastPeriod: period } };
    expect((await signedPost(A, B, Buffer.from(JSON.stringify(forged)))).status).toBe(202);
    const alert = await eventually(async () => (await adminCall(B).get('/federation/alerts')).json().items
      .filter((a: { kind: string }) => a.kind === 'ledger_head_equivocation'), (l: unknown[]) => l.length === 1);
    expect(alert[0]).toMatchObject({ peerHost: A.host, details: { kept: close.headHash, refused: 'f'.repeat(64) } });
    expect((await adminCall(B).get('/federation/ledger-heads')).json().items).toEqual([expect.objectContaining({ headHash: close.headHash })]);
  });
});

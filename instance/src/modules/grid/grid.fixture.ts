import { randomBytes, randomUUID } from 'node:crypto';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Deps } from '../../platform/deps.ts';
import { sha256 } from '../auth/tokens.ts';
import { insertDraft } from './drafts.repo.ts';
import { consumeEnrolmentToken, insertEnrolmentToken, insertModel, insertNode } from './grid.repo.ts';
import { TEMPLATE_VERSION } from './templates.domain.ts';

/**
 * Real rows for the grid routes' path parameters (route fixtures of the matrix and no-500 tests): a
 * registered model, an enrolled node (a real Ed25519 peer id, with its spent token) and a queued reminder
 * draft on one of the building's owner calls.
 */
export async function gridRouteIds(deps: Pick<Deps, 'sql' | 'clock'>, orgId: string, buildingId: string, createdBy: string) {
  const at = deps.clock.now();
  const model = await insertModel(deps.sql, { name: `fixture-${randomBytes(3).toString('hex')}`, sha256: randomBytes(32).toString('hex'),
    paramsMillions: 1, role: 'reminder', promptTemplateVersion: TEMPLATE_VERSION, enabled: true }, at);
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const token = randomBytes(16).toString('hex');
  await insertEnrolmentToken(deps.sql, { tokenHash: sha256(token), label: 'fixture', createdBy, expiresAt: new Date(at.getTime() + 60_000) }, at);
  const used = await consumeEnrolmentToken(deps.sql, sha256(token), peerId, at);
  await insertNode(deps.sql, { peerId, operatorAccountId: null, tokenId: used!.id, termsVersion: 'fixture' }, at);
  const [oc] = await deps.sql<{ id: string }[]>`select id from owner_calls where organization_id = ${orgId} and building_id = ${buildingId}
    order by created_at, id limit 1`;
  if (!oc) throw new Error('gridRouteIds needs an owner call in the building (send a call for funds first)');
  const draft = await insertDraft(deps.sql, { id: randomUUID(), organizationId: orgId, buildingId, documentType: 'reminder',
    ownerCallId: oc.id, level: 'Gentle', locale: 'fr', tone: 'neutral', templateVersion: TEMPLATE_VERSION, requestedBy: createdBy }, at);
  return { modelId: model!.id, peerId, draftId: draft.id, ownerCallId: oc.id };
}

import { FED_CONTEXT, InstanceDocument, type InstanceDocumentDto } from '@koprogo/protocols';
import { fingerprint, OutboundRefused, safeRequest } from '@koprogo/federation';
import { AppError } from '../../platform/errors.ts';
import { hostOf } from './federation.domain.ts';
import { originFor, type FedDeps } from './federation.identity.ts';
import { enqueueActivity, newActivityId } from './federation.outbox.ts';
import * as repo from './federation.repo.ts';

/** Fetches a peer's instance document (SSRF-safe, 1 MiB cap, no redirects). */
export async function fetchInstanceDocument(deps: FedDeps, baseUrl: string): Promise<InstanceDocumentDto> {
  const url = `${baseUrl.replace(/\/+$/, '')}/.well-known/koprogo-federation`;
  let res;
  try {
    res = await safeRequest(url, { method: 'GET', headers: { accept: 'application/json' }, allowPrivate: deps.config.federation.allowPrivateAddresses });
  } catch (e) {
    const reason = e instanceof OutboundRefused ? e.reason : 'network';
    if (reason === 'private_address') {
      throw new AppError('federation.private_address', 'The peer URL resolves to a private address (allowed only with FEDERATION_ALLOW_PRIVATE_ADDRESSES)', { field: 'url' }, { cause: e });
    }
    if (reason === 'bad_url') throw new AppError('federation.invalid_url', 'Peers are reached over https only', { field: 'url' }, { cause: e });
    throw new AppError('federation.peer_unreachable', `The peer's instance document could not be fetched (${reason})`, { reason }, { cause: e });
  }
  if (res.status !== 200) throw new AppError('federation.peer_unreachable', `The peer answered ${res.status} for its instance document`, { status: res.status });
  let doc: unknown;
  try { doc = JSON.parse(res.body.toString('utf8')); } catch { doc = null; }
  const parsed = InstanceDocument.safeParse(doc);
  if (!parsed.success) throw new AppError('federation.peer_document_invalid', 'The peer\'s instance document is not a KoproGo federation document');
  return parsed.data;
}

/**
 * Adds a peer to the allow-list: its document is fetched, and its current key is pinned only if
 * its fingerprint equals the one the administrators compared out of band.
 */
export async function addPeer(deps: FedDeps, input: { url: string; fingerprint: string }): Promise<repo.PeerRow> {
  const baseHost = hostOf(input.url);
  if (!baseHost) throw new AppError('federation.invalid_url', 'Not a URL', { field: 'url' });
  if (baseHost === originFor(deps).host) throw new AppError('federation.self_peer', 'An instance does not peer with itself');
  if (await repo.findPeerByHost(deps.sql, baseHost)) throw new AppError('fed_peer.already_added', 'This instance is already in the list');
  const doc = await fetchInstanceDocument(deps, input.url);
  const host = hostOf(doc.id);
  if (host !== baseHost || hostOf(doc.inbox) !== host) throw new AppError('federation.peer_document_invalid', 'The document\'s actor and inbox are not on the peer\'s host');
  const now = deps.clock.now();
  const key = doc.assertionMethod.find((k) => fingerprint(k.publicKeyJwk.x) === input.fingerprint);
  if (!key) throw new AppError('federation.fingerprint_mismatch', 'No key of this instance has that fingerprint: compare it again with its operators', { field: 'fingerprint' });
  if (key.revoked || (key.expires && new Date(key.expires) <= now) || hostOf(key.id) !== host) {
    throw new AppError('federation.fingerprint_mismatch', 'The key with that fingerprint is revoked or expired', { field: 'fingerprint' });
  }
  return deps.sql.begin(async (tx) => {
    const id = await repo.insertPeer(tx, { host, baseUrl: input.url.replace(/\/+$/, ''), inboxUrl: doc.inbox, actorId: doc.id, name: doc.name, country: doc.country }, now);
    if (!id) throw new AppError('fed_peer.already_added', 'This instance is already in the list');
    await repo.insertPeerKey(tx, { keyId: key.id, peerId: id, publicKey: key.publicKeyJwk.x, learned: 'pinned', state: 'active', validFrom: new Date(key.validFrom) }, now);
    return (await repo.findPeer(tx, id))!;
  }) as Promise<repo.PeerRow>;
}

/**
 * Defederation: inbound requests get 403 before any verification, queued deliveries are suspended,
 * cached keys purged, and the block is announced to the other peers.
 */
export async function blockPeer(deps: FedDeps, peerId: string, reasons: string[]): Promise<string | null> {
  return deps.sql.begin(async (tx) => {
    const peer = await repo.lockPeer(tx, peerId);
    if (!peer) throw new AppError('fed_peer.not_found', 'Peer not found', { id: peerId });
    if (peer.status === 'blocked') throw new AppError('fed_peer.already_blocked', 'This peer is already blocked');
    const now = deps.clock.now();
    await repo.setPeerStatus(tx, peerId, 'blocked', reasons.join(','), now);
    await repo.deletePeerKeys(tx, peerId);
    await tx`update fed_deliveries set state = 'suspended', next_attempt_at = null where peer_id = ${peerId} and state in ('pending', 'held', 'in_flight', 'parked')`;
    const others = (await repo.listPeers(tx)).filter((p) => p.status === 'allowed').map((p) => p.host);
    if (others.length === 0) return null;
    const o = originFor(deps);
    return enqueueActivity(tx, deps, { '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Block', actor: o.actorId,
      published: now.toISOString(), object: peer.actorId, 'copro:reasons': reasons }, others);
  }) as Promise<string | null>;
}

/**
 * Lifting a block: the peer's key must be pinned again (fingerprint compared out of band), then
 * the suspended deliveries resume.
 */
export async function unblockPeer(deps: FedDeps, peerId: string, fp: string): Promise<string[]> {
  const peer = await repo.findPeer(deps.sql, peerId);
  if (!peer) throw new AppError('fed_peer.not_found', 'Peer not found', { id: peerId });
  if (peer.status !== 'blocked') throw new AppError('fed_peer.not_blocked', 'This peer is not blocked');
  const doc = await fetchInstanceDocument(deps, peer.baseUrl);
  const key = doc.assertionMethod.find((k) => fingerprint(k.publicKeyJwk.x) === fp && !k.revoked && hostOf(k.id) === peer.host);
  if (!key) throw new AppError('federation.fingerprint_mismatch', 'No valid key of this instance has that fingerprint', { field: 'fingerprint' });
  return deps.sql.begin(async (tx) => {
    const now = deps.clock.now();
    await repo.setPeerStatus(tx, peerId, 'allowed', null, now);
    await repo.insertPeerKey(tx, { keyId: key.id, peerId, publicKey: key.publicKeyJwk.x, learned: 'pinned', state: 'active', validFrom: new Date(key.validFrom) }, now);
    const rows = await tx<{ id: string }[]>`update fed_deliveries set state = 'pending', attempts = 0, next_attempt_at = ${now}
      where peer_id = ${peerId} and state = 'suspended' returning id`;
    return rows.map((r) => r.id);
  }) as Promise<string[]>;
}

/** Local, immediate revocation of a peer's key (e.g. after an incident notice out of band). */
export async function revokePeerKey(deps: FedDeps, peerId: string, keyId: string): Promise<void> {
  if (!(await repo.setPeerKeyState(deps.sql, peerId, keyId, 'revoked', deps.clock.now()))) {
    throw new AppError('fed_peer_key.not_found', 'This peer has no such key', { keyId });
  }
}

/** An administrator accepts a quarantined key (after checking its fingerprint with the peer). */
export async function approvePeerKey(deps: FedDeps, peerId: string, keyId: string): Promise<void> {
  const key = await repo.findPeerKey(deps.sql, keyId);
  if (!key || key.peerId !== peerId) throw new AppError('fed_peer_key.not_found', 'This peer has no such key', { keyId });
  if (key.state !== 'quarantined') throw new AppError('fed_peer_key.illegal_transition', 'Only a quarantined key can be approved');
  await repo.setPeerKeyState(deps.sql, peerId, keyId, 'active', deps.clock.now());
}

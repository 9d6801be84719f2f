import { hostOf } from './federation.domain.ts';
import type { FedDeps } from './federation.identity.ts';
import { fetchInstanceDocument } from './federation.peers.ts';
import * as repo from './federation.repo.ts';

/** At most one document re-fetch per peer in this window (per process). */
export const REFETCH_INTERVAL_MS = 5 * 60_000;
const lastFetch = new WeakMap<object, Map<string, number>>();

/**
 * An allow-listed peer signed with a key we do not know: re-fetch its instance document (rate
 * limited, never for unknown hosts). A key found there came without a continuity proof, so it is
 * stored **quarantined** with an alert until an administrator approves it. Returns true when the
 * key is now known (quarantined).
 */
export async function refetchUnknownKey(deps: FedDeps, host: string, keyId: string): Promise<boolean> {
  const now = deps.clock.now();
  const seen = lastFetch.get(deps.config) ?? new Map<string, number>();
  lastFetch.set(deps.config, seen);
  const last = seen.get(host);
  if (last !== undefined && now.getTime() - last < REFETCH_INTERVAL_MS) return false;
  seen.set(host, now.getTime());
  const peer = await repo.findPeerByHost(deps.sql, host);
  if (!peer || peer.status !== 'allowed') return false;
  let doc;
  try {
    doc = await fetchInstanceDocument(deps, peer.baseUrl);
  } catch (err) {
    deps.logger.info({ err, host }, 'federation: key re-fetch failed');
    return false;
  }
  const key = doc.id === peer.actorId ? doc.assertionMethod.find((k) => k.id === keyId && hostOf(k.id) === host && !k.revoked) : undefined;
  if (!key) return false;
  const inserted = await repo.insertPeerKey(deps.sql, { keyId, peerId: peer.id, publicKey: key.publicKeyJwk.x, learned: 'fetched', state: 'quarantined',
    validFrom: new Date(key.validFrom) }, now);
  if (inserted) await repo.insertAlert(deps.sql, 'peer_key_quarantined', host, { keyId, via: 'refetch' }, now);
  return true;
}

import { fingerprint } from '@koprogo/federation';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { FedDeps } from './federation.identity.ts';
import * as repo from './federation.repo.ts';
import { sendDeliverJob } from './federation.outbox.ts';

/** Read models and operator actions of the administrators' federation screen (and the CLI). */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function peerViews(db: Db) {
  const peers = await repo.listPeers(db);
  const counts = await db<{ peerId: string; state: string; n: number }[]>`select peer_id as "peerId", state, count(*)::int as n from fed_deliveries group by 1, 2`;
  return Promise.all(peers.map(async (p) => {
    const c = (s: string) => counts.find((x) => x.peerId === p.id && x.state === s)?.n ?? 0;
    return {
      id: p.id, host: p.host, baseUrl: p.baseUrl, inboxUrl: p.inboxUrl, name: p.name, country: p.country, status: p.status,
      circuitState: p.circuitState, lastSuccessAt: iso(p.lastSuccessAt), addedAt: p.addedAt.toISOString(), blockedAt: iso(p.blockedAt),
      keys: (await repo.peerKeys(db, p.id)).map((k) => ({ keyId: k.keyId, fingerprint: fingerprint(k.publicKey), learned: k.learned, state: k.state,
        validFrom: iso(k.validFrom), expiresAt: iso(k.expiresAt), revokedAt: iso(k.revokedAt) })),
      deliveries: { pending: c('pending') + c('held') + c('in_flight'), parked: c('parked'), dead: c('dead'), delivered: c('delivered') },
    };
  }));
}

export async function ownKeyViews(db: Db) {
  return (await repo.listOwnKeys(db)).map((k) => ({ keyId: k.keyId, fingerprint: fingerprint(k.publicKey), validFrom: k.validFrom.toISOString(),
    signingFrom: k.signingFrom.toISOString(), expiresAt: iso(k.expiresAt), revokedAt: iso(k.revokedAt) }));
}

export async function outboxViews(db: Db, state: string | undefined, limit: number) {
  const rows = await db<{ id: string; activityId: string; activityType: string; peerHost: string; state: string; attempts: number;
    nextAttemptAt: Date | null; lastStatus: number | null; lastReason: string | null; hasReceipt: boolean; deliveredAt: Date | null; createdAt: Date }[]>`
    select d.id, d.activity_id as "activityId", o.activity_type as "activityType", p.host as "peerHost", d.state, d.attempts,
      d.next_attempt_at as "nextAttemptAt", d.last_status as "lastStatus", d.last_reason as "lastReason", (d.receipt is not null) as "hasReceipt",
      d.delivered_at as "deliveredAt", d.created_at as "createdAt"
    from fed_deliveries d join fed_outbox o using (activity_id) join fed_peers p on p.id = d.peer_id
    where ${state ?? null}::text is null or d.state = ${state ?? null}
    order by d.created_at desc, d.id limit ${limit}`;
  return rows.map((r) => ({ ...r, nextAttemptAt: iso(r.nextAttemptAt), deliveredAt: iso(r.deliveredAt), createdAt: r.createdAt.toISOString() }));
}

/** Re-sends a parked, dead or expired delivery from scratch (attempt counter reset). */
export async function resendDelivery(deps: FedDeps, deliveryId: string): Promise<void> {
  const [row] = await deps.sql<{ host: string; state: string; status: string }[]>`update fed_deliveries d set state = 'pending', attempts = 0,
      next_attempt_at = ${deps.clock.now()}
    from fed_peers p where d.id = ${deliveryId} and p.id = d.peer_id and d.state in ('parked', 'dead', 'expired') and p.status = 'allowed'
    returning p.host, d.state, p.status`;
  if (!row) {
    const [exists] = await deps.sql<{ state: string }[]>`select state from fed_deliveries where id = ${deliveryId}`;
    if (!exists) throw new AppError('fed_delivery.not_found', 'Delivery not found', { id: deliveryId });
    throw new AppError('fed_delivery.illegal_transition', `A ${exists.state} delivery (or one to a blocked peer) cannot be re-sent`);
  }
  if (deps.boss) await sendDeliverJob(deps, deliveryId, row.host, 0, 0);
}

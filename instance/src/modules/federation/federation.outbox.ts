import { createHash, randomUUID } from 'node:crypto';
import type { FedActivityDto } from '@koprogo/protocols';
import { sha256Hex } from '@koprogo/federation';
import type { Deps } from '../../platform/deps.ts';
import type { Db } from '../../platform/db.ts';
import { inTransaction } from '../../platform/queue.ts';
import type { Origin } from './federation.domain.ts';

export const FANOUT_QUEUE = 'fed.fanout';
export const DELIVER_QUEUE = 'fed.deliver';
export const INBOX_QUEUE = 'fed.inbox.process';
export const MAINTENANCE_QUEUE = 'fed.maintenance';

/**
 * Jobs written with the outbox row are the safety net of the post-commit fast path (dispatchSoon):
 * they start a few seconds later, so the fast path normally does the work and the jobs find it done.
 */
export const SAFETY_NET_DELAY_SECONDS = 5;

export const newActivityId = (o: Origin) => `${o.base}/fed/activities/${randomUUID()}`;

/** A stable UUID from a name (UUIDv5 layout over SHA-1): delivery ids and job ids, so re-enqueueing is idempotent. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update('koprogo-federation:').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Transactional outbox: call inside the transaction of the change the activity announces. The
 * bytes stored are the bytes sent; the fan-out job is written by the same transaction.
 */
export async function enqueueActivity(tx: Db, deps: Pick<Deps, 'boss' | 'clock'>, activity: FedActivityDto,
  recipients: string[] | null = null): Promise<string> {
  const payload = Buffer.from(JSON.stringify(activity));
  const at = deps.clock.now();
  await tx`insert into fed_outbox (activity_id, activity_type, payload, body_sha256, recipients, expires_at, created_at)
    values (${activity.id}, ${activity.type}, ${payload}, ${sha256Hex(payload)}, ${recipients}, ${activity.expires ? new Date(activity.expires) : null}, ${at})`;
  if (deps.boss) {
    await deps.boss.send(FANOUT_QUEUE, { activityId: activity.id }, { id: nameUuid(`fanout ${activity.id}`), db: inTransaction(tx), startAfter: SAFETY_NET_DELAY_SECONDS });
  }
  return activity.id;
}

/** Expands an outbox row into one delivery per recipient peer (allowed now) and enqueues them. */
export async function fanOut(deps: Pick<Deps, 'sql' | 'boss' | 'clock'>, activityId: string): Promise<number> {
  return deps.sql.begin(async (tx) => {
    const [row] = await tx<{ recipients: string[] | null; fannedOutAt: Date | null }[]>`
      select recipients, fanned_out_at as "fannedOutAt" from fed_outbox where activity_id = ${activityId} for update`;
    if (!row || row.fannedOutAt) return 0;
    const peers = await tx<{ id: string; host: string }[]>`select id, host from fed_peers where status = 'allowed'
      and (${row.recipients}::text[] is null or host = any(${row.recipients}::text[]))`;
    const at = deps.clock.now();
    const ids: Array<{ id: string; host: string }> = [];
    for (const p of peers) {
      const id = nameUuid(`delivery ${activityId} ${p.id}`);
      const inserted = await tx`insert into fed_deliveries (id, activity_id, peer_id, state, next_attempt_at, created_at)
        values (${id}, ${activityId}, ${p.id}, 'pending', ${at}, ${at}) on conflict do nothing returning id`;
      if (inserted.length) ids.push({ id, host: p.host });
    }
    await tx`update fed_outbox set fanned_out_at = ${at} where activity_id = ${activityId}`;
    if (deps.boss) {
      for (const d of ids) await sendDeliverJob(deps, d.id, d.host, 0, SAFETY_NET_DELAY_SECONDS, inTransaction(tx));
    }
    return ids.length;
  });
}

export async function sendDeliverJob(deps: Pick<Deps, 'boss'>, deliveryId: string, peerHost: string, attempt: number, delaySeconds: number,
  db?: ReturnType<typeof inTransaction>): Promise<void> {
  await deps.boss!.send(DELIVER_QUEUE, { deliveryId }, {
    id: nameUuid(`deliver ${deliveryId} ${attempt} ${Date.now()}`),
    group: { id: peerHost },
    ...(delaySeconds > 0 ? { startAfter: Math.ceil(delaySeconds) } : {}),
    ...(db ? { db } : {}),
  });
}

/** Outbox rows written without a job queue (CLI, crash between commit and send) are fanned out by maintenance. */
export async function relayPending(deps: Pick<Deps, 'sql' | 'boss' | 'clock'>): Promise<number> {
  const rows = await deps.sql<{ activityId: string }[]>`select activity_id as "activityId" from fed_outbox where fanned_out_at is null order by created_at limit 500`;
  let n = 0;
  for (const r of rows) n += await fanOut(deps, r.activityId);
  return n;
}

/**
 * Fast path after the commit of an outbox row: fan out and attempt each delivery now, in this
 * process, instead of waiting for the queue's polling. The queue stays the reliable path: both are
 * idempotent (fan-out locks the outbox row, each attempt claims its delivery). Errors are logged only.
 */
export function dispatchSoon(deps: FedDeliveryDeps, activityId: string): void {
  dispatchNow(deps, activityId).catch((err: unknown) => deps.logger.warn({ err, activityId }, 'federation: immediate dispatch failed; the queue will retry'));
}

/** Fan-out and one attempt per pending delivery, awaited (the fast path; benchmarks time it). */
export async function dispatchNow(deps: FedDeliveryDeps, activityId: string): Promise<string[]> {
  await fanOut(deps, activityId);
  const rows = await deps.sql<{ id: string }[]>`select id from fed_deliveries where activity_id = ${activityId} and state = 'pending'`;
  const { deliverOnce } = await import('./federation.delivery.ts');
  return Promise.all(rows.map((r) => deliverOnce(deps, r.id)));
}

type FedDeliveryDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'logger' | 'boss' | 'version'>;

/** Deliveries whose claim lapsed (a crashed attempt) go back to pending and into the queue. */
export async function releaseLapsedClaims(deps: Pick<Deps, 'sql' | 'boss' | 'clock'>): Promise<number> {
  const rows = await deps.sql<{ id: string; host: string; attempts: number }[]>`update fed_deliveries d set state = 'pending'
    from fed_peers p where p.id = d.peer_id and d.state = 'in_flight' and d.next_attempt_at < ${deps.clock.now()}
    returning d.id, p.host, d.attempts`;
  if (deps.boss) for (const r of rows) await sendDeliverJob(deps, r.id, r.host, r.attempts, 0);
  return rows.length;
}

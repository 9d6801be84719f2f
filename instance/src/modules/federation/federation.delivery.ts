import {
  afterFailure, afterSuccess, classifyAnswer, MAX_RETRIES, OutboundRefused, parseSignatureInput, publicKeyFromRaw,
  retryDelayMs, safeRequest, signRequest, verifyReceipt, CIRCUIT_COOL_OFF_MS, type CircuitState,
} from '@koprogo/federation';
import { signingIdentity, type FedDeps } from './federation.identity.ts';
import * as repo from './federation.repo.ts';
import { sendDeliverJob } from './federation.outbox.ts';

/** After this many attempts answered 401 (re-signing did not help), an admin alert is raised. */
const PERSISTENT_401_ATTEMPTS = 3;
/** Clock difference with a peer (from its signed receipts) above which an admin alert is raised. */
export const SKEW_ALERT_SECONDS = 10;

/** Distinct days with failures (and no success) after which an admin alert says the peer looks unavailable. */
const UNAVAILABLE_AFTER_DAYS = 7;

/** How long an attempt holds its claim (connect 5 s + total 15 s, twice with a re-sign, plus margin). */
export const CLAIM_MS = 2 * 60_000;

interface DeliveryRow {
  id: string; state: string; attempts: number; activityId: string; payload: Buffer; expiresAt: Date | null; peerId: string;
}

/**
 * One delivery attempt (the `fed.deliver` job). Remote failures never throw: the outcome is
 * recorded and the next attempt scheduled on the n⁴ + 15 s curve; after 16 retries the delivery
 * is parked (never dropped). Signed at send time: every attempt has a fresh created and nonce.
 */
export async function deliverOnce(deps: FedDeps, deliveryId: string): Promise<string> {
  // Claim: one attempt at a time per delivery (the job and the post-commit fast path may race).
  // A claim left by a crashed process lapses after CLAIM_MS and maintenance re-queues it.
  const claimUntil = new Date(deps.clock.now().getTime() + CLAIM_MS);
  const [d] = await deps.sql<DeliveryRow[]>`update fed_deliveries d set state = 'in_flight', next_attempt_at = ${claimUntil}
    from fed_outbox o where d.id = ${deliveryId} and o.activity_id = d.activity_id and d.state in ('pending', 'held')
    returning d.id, d.state, d.attempts, d.activity_id as "activityId", o.payload, o.expires_at as "expiresAt", d.peer_id as "peerId"`;
  if (!d) return 'not_claimed';
  const peer = await repo.findPeer(deps.sql, d.peerId);
  const now = deps.clock.now();
  if (!peer || peer.status === 'blocked') return setState(deps, d.id, 'suspended', { reason: 'peer_blocked' });
  if (d.expiresAt && d.expiresAt <= now) return setState(deps, d.id, 'expired', { reason: 'activity_expired' });

  const circuit: CircuitState = { state: peer.circuitState, failures: peer.circuitFailures,
    firstFailureAt: peer.circuitFirstFailureAt?.getTime() ?? null, openedAt: peer.circuitOpenedAt?.getTime() ?? null };
  if (circuit.state !== 'closed' && !(await claimTrial(deps, peer.id, now))) {
    // Held: the attempt counter does not move while the circuit is open (or another attempt is its trial).
    const until = circuit.state === 'open' && circuit.openedAt !== null ? circuit.openedAt + CIRCUIT_COOL_OFF_MS : now.getTime() + CLAIM_MS;
    const wait = Math.max(1, (until - now.getTime()) / 1000);
    await setState(deps, d.id, 'held', { next: new Date(now.getTime() + wait * 1000) });
    if (deps.boss) await sendDeliverJob(deps, d.id, peer.host, d.attempts, wait);
    return 'held';
  }

  let answer = await attempt(deps, peer.inboxUrl, d.payload);
  let outcome = classifyAnswer(answer.status, answer.reason, answer.retryAfter);
  if (outcome.kind === 'resign_once') {
    answer = await attempt(deps, peer.inboxUrl, d.payload);
    outcome = classifyAnswer(answer.status, answer.reason, answer.retryAfter);
    if (outcome.kind === 'resign_once') outcome = { kind: 'retry', reason: outcome.reason, countsForCircuit: true };
  }
  const at = deps.clock.now();
  if (outcome.kind === 'delivered') {
    const receipt = await checkReceipt(deps, peer.id, answer, at);
    if (circuit.state !== 'closed' || circuit.failures > 0) await repo.saveCircuit(deps.sql, peer.id, afterSuccess(), at);
    if (circuit.state !== 'closed') await releaseHeld(deps, peer.id, peer.host, at);
    await deps.sql`update fed_peers set last_success_at = ${at}, failure_days = '{}' where id = ${peer.id}
      and (last_success_at is null or last_success_at < ${new Date(at.getTime() - 60_000)} or failure_days <> '{}')`;
    await deps.sql`update fed_deliveries set state = 'delivered', attempts = attempts + 1, last_status = ${answer.status}, last_reason = null,
      receipt = ${deps.sql.json(receipt as never)}, delivered_at = ${at}, next_attempt_at = null where id = ${d.id} and state = 'in_flight'`;
    return 'delivered';
  }
  if (outcome.kind === 'permanent') {
    await repo.insertAlert(deps.sql, 'delivery_refused', peer.host, { activityId: d.activityId, status: answer.status, reason: outcome.reason }, at);
    return setState(deps, d.id, 'dead', { status: answer.status, reason: outcome.reason, attempted: true });
  }
  if (outcome.kind === 'retry' && outcome.countsForCircuit) {
    await repo.saveCircuit(deps.sql, peer.id, afterFailure(circuit.state === 'open' ? { ...circuit, state: 'half_open' } : circuit, at.getTime()), null);
    await recordFailureDay(deps, peer.id, peer.host, at);
  }
  if (answer.status === 401 && d.attempts + 1 === PERSISTENT_401_ATTEMPTS) {
    // Usually a key or configuration problem on one side: an administrator should look.
    await repo.insertAlert(deps.sql, 'persistent_401', peer.host, { activityId: d.activityId, reason: outcome.reason }, at);
  }
  const retries = d.attempts; // attempts made before this one = index of the retry to come
  if (retries >= MAX_RETRIES) return setState(deps, d.id, 'parked', { status: answer.status, reason: outcome.reason, attempted: true });
  const delayMs = outcome.kind === 'retry' && outcome.retryAfterMs ? outcome.retryAfterMs
    : retryDelayMs(retries) * deps.config.federation.retryDelayFactor;
  await setState(deps, d.id, 'pending', { status: answer.status, reason: outcome.reason, attempted: true, next: new Date(at.getTime() + delayMs) });
  if (deps.boss) await sendDeliverJob(deps, d.id, peer.host, retries + 1, delayMs / 1000);
  return 'pending';
}

interface Answer { status: number; reason?: string; retryAfter?: string; headers: Record<string, string>; body: Buffer;
  request: { method: string; url: string; headers: Record<string, string> } }

/** A key rotation travels signed by the previous key: the receiver does not know the new one yet. */
function announcedWith(payload: Buffer): string | undefined {
  const a = JSON.parse(payload.toString('utf8')) as { object?: { 'copro:keyAdded'?: { continuity?: { previousKeyId?: string } } } };
  return a.object?.['copro:keyAdded']?.continuity?.previousKeyId;
}

async function attempt(deps: FedDeps, inboxUrl: string, payload: Buffer): Promise<Answer> {
  const id = await signingIdentity(deps, announcedWith(payload));
  const headers = await signRequest({ method: 'POST', url: inboxUrl, headers: { 'content-type': 'application/activity+json' }, body: payload }, id, deps.clock.now());
  const request = { method: 'POST', url: inboxUrl, headers };
  try {
    const res = await safeRequest(inboxUrl, { method: 'POST', headers, body: payload, allowPrivate: deps.config.federation.allowPrivateAddresses,
      maxResponseBytes: 64 * 1024 });
    let reason: string | undefined;
    try { reason = (JSON.parse(res.body.toString('utf8')) as { error?: { details?: { reason?: string } } }).error?.details?.reason; } catch { reason = undefined; }
    return { status: res.status, reason, retryAfter: res.headers['retry-after'], headers: res.headers, body: res.body, request };
  } catch (e) {
    const reason = e instanceof OutboundRefused ? e.reason : 'network';
    return { status: 0, reason, headers: {}, body: Buffer.alloc(0), request };
  }
}

/** The receiver's signed answer, bound to our request: verified against its pinned key and kept as evidence. */
async function checkReceipt(deps: FedDeps, peerId: string, a: Answer, now: Date) {
  const keyId = parseSignatureInput(a.headers['signature-input'] ?? '')?.[0]?.params.keyid;
  const key = typeof keyId === 'string' ? await repo.findPeerKey(deps.sql, keyId) : null;
  const verified = !!key && key.peerId === peerId && key.state === 'active'
    && (await verifyReceipt({ status: a.status, headers: a.headers, body: a.body }, a.request, publicKeyFromRaw(key.publicKey), key.keyId, now));
  if (verified) await recordSkew(deps, peerId, a.headers, now);
  const pick = (h: Record<string, string>, names: string[]) => Object.fromEntries(names.filter((n) => h[n]).map((n) => [n, h[n]]));
  return { verified, status: a.status, keyId: keyId ?? null,
    response: pick(a.headers, ['signature-input', 'signature', 'content-digest', 'content-type']),
    request: pick(a.request.headers, ['signature-input', 'signature', 'content-digest']), body: a.body.toString('utf8').slice(0, 2000) };
}

/**
 * After the cool-off exactly one attempt is the half-open trial: it moves the circuit to half_open
 * (a trial whose process died is taken over after CLAIM_MS). The others stay held.
 */
async function claimTrial(deps: FedDeps, peerId: string, now: Date): Promise<boolean> {
  const rows = await deps.sql`update fed_peers set circuit_state = 'half_open', circuit_opened_at = ${now}
    where id = ${peerId} and ((circuit_state = 'open' and circuit_opened_at <= ${new Date(now.getTime() - CIRCUIT_COOL_OFF_MS)})
      or (circuit_state = 'half_open' and circuit_opened_at <= ${new Date(now.getTime() - CLAIM_MS)})) returning id`;
  return rows.length === 1;
}

/** The trial succeeded: the held backlog goes out again, oldest first. */
async function releaseHeld(deps: FedDeps, peerId: string, host: string, at: Date): Promise<void> {
  const rows = await deps.sql<{ id: string; attempts: number; createdAt: Date }[]>`update fed_deliveries set state = 'pending', next_attempt_at = ${at}
    where peer_id = ${peerId} and state = 'held' returning id, attempts, created_at as "createdAt"`;
  rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  if (deps.boss) for (const r of rows) await sendDeliverJob(deps, r.id, host, r.attempts, 0);
}

/** Failures on 7 distinct days without a success in between: the peer looks gone; never silently skipped. */
async function recordFailureDay(deps: FedDeps, peerId: string, host: string, at: Date): Promise<void> {
  const [row] = await deps.sql<{ days: number }[]>`update fed_peers set failure_days = array_append(failure_days, ${deps.clock.today()})
    where id = ${peerId} and not (${deps.clock.today()} = any(failure_days)) returning cardinality(failure_days) as days`;
  if (row?.days === UNAVAILABLE_AFTER_DAYS) await repo.insertAlert(deps.sql, 'peer_unavailable', host, { days: row.days }, at);
}

/** The peer's clock as its receipt's `created` shows it; an alert when the difference first exceeds 10 s. */
async function recordSkew(deps: FedDeps, peerId: string, headers: Record<string, string>, now: Date): Promise<void> {
  const created = parseSignatureInput(headers['signature-input'] ?? '')?.[0]?.params.created;
  if (typeof created !== 'number') return;
  const skew = created - Math.floor(now.getTime() / 1000);
  const [row] = await deps.sql<{ host: string; before: number | null }[]>`update fed_peers p set skew_seconds = ${skew}
    from (select id, skew_seconds as before from fed_peers where id = ${peerId}) old
    where p.id = old.id and (p.skew_seconds is null or abs(p.skew_seconds - ${skew}) >= 2) returning p.host, old.before`; // whole seconds jitter by 1: no write for that
  if (row && Math.abs(skew) > SKEW_ALERT_SECONDS && Math.abs(row.before ?? 0) <= SKEW_ALERT_SECONDS) {
    await repo.insertAlert(deps.sql, 'peer_clock_skew', row.host, { skewSeconds: skew }, now);
  }
}

async function setState(deps: FedDeps, id: string, state: string, o: { status?: number; reason?: string; next?: Date; attempted?: boolean }): Promise<string> {
  await deps.sql`update fed_deliveries set state = ${state}, attempts = attempts + ${o.attempted ? 1 : 0},
    last_status = coalesce(${o.status ?? null}, last_status), last_reason = coalesce(${o.reason ?? null}, last_reason),
    next_attempt_at = ${o.next ?? null} where id = ${id} and state = 'in_flight'`; // a block may have suspended it meanwhile
  return state;
}

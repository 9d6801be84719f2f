import { FedActivity } from '@koprogo/protocols';
import {
  keyIdHost, MAX_BODY_BYTES, parseBoundedJson, parseSignatureInput, publicKeyFromRaw, sha256Hex, signReceipt, verifyRequest,
  BODY_COMPONENTS, PROFILE_TAG, type KeyDirectory, type NonceStore, type PinnedKey,
} from '@koprogo/federation';
import type { Db } from '../../platform/db.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/http.ts';
import { originBound, TokenBuckets } from './federation.domain.ts';
import { originFor, signingIdentity, type FedDeps } from './federation.identity.ts';
import { federationSecret } from './federation.crypto.ts';
import * as repo from './federation.repo.ts';
import { kickInboxDrain } from './federation.drain.ts';
import { refetchUnknownKey } from './federation.refetch.ts';

/**
 * Adapter of the library's KeyDirectory port: allow-list and pinned keys in one query. The only
 * network fetch is the rate-limited re-fetch of an allow-listed peer's document for a key it does
 * not know yet (the key is then quarantined); never anything for an unknown host.
 */
export function keyDirectory(deps: FedDeps): KeyDirectory {
  const lookup = async (keyId: string, host: string) => {
    const [row] = await deps.sql<{ status: string; peerHost: string; publicKey: string | null; state: PinnedKey['state'] | null; expiresAt: Date | null }[]>`
      select p.status, p.host as "peerHost", k.public_key as "publicKey", k.state, k.expires_at as "expiresAt"
      from fed_peers p left join fed_peer_keys k on k.key_id = ${keyId} and k.peer_id = p.id where p.host = ${host}`;
    if (!row) return { kind: 'unknown_peer' } as const;
    if (row.status === 'blocked') return { kind: 'blocked_peer' } as const;
    if (!row.publicKey || !row.state) return { kind: 'unknown_key' } as const;
    const expired = row.state === 'active' && row.expiresAt !== null && row.expiresAt <= deps.clock.now();
    return { kind: 'key', key: { keyId, peerHost: row.peerHost, publicKey: publicKeyFromRaw(row.publicKey), state: expired ? 'expired' : row.state } } as const;
  };
  return {
    async resolve(keyId, host) {
      const found = await lookup(keyId, host);
      if (found.kind === 'unknown_key' && (await refetchUnknownKey(deps, host, keyId))) return lookup(keyId, host);
      return found;
    },
  };
}

export const nonceStore = (deps: { sql: Db }): NonceStore => ({ remember: (k, n, at) => repo.rememberNonce(deps.sql, k, n, at) });

interface Refusal { status: number; reason: string; extra?: Record<string, unknown> }
interface Stored { stored: 'stored' | 'duplicate' | 'equivocation'; activityId: string; peerHost: string; digest: string }

const ACCEPT_SIGNATURE = `sig1=(${BODY_COMPONENTS.map((c) => `"${c}"`).join(' ')});tag="${PROFILE_TAG}"`;

function refuse(req: FastifyRequest, reply: FastifyReply, status: number, reason: string, now: Date, extra: Record<string, unknown> = {}) {
  if (reason === 'insufficient_coverage') reply.header('accept-signature', ACCEPT_SIGNATURE);
  req.log.info({ reason, status }, 'federation inbox refused a request');
  return reply.status(status).header('date', now.toUTCString()).send({
    error: { code: `federation.${reason}`, message: `Refused: ${reason.replaceAll('_', ' ')}`, details: { reason, serverTime: now.toISOString(), ...extra }, requestId: req.id },
  });
}

/**
 * POST /fed/inbox (design §2.2): per-address limit → 256 KiB cap → signature pipeline (allow-list,
 * pinned key, window, coverage, digest over the raw bytes, signature, nonce) → per-peer limit →
 * bounded JSON → schema → origin binding → dedup by activity id (409 on equivocation) → stored and
 * stored with the nonce in one statement (then drained in the background) → 202 with a receipt signed over our answer and bound to the request.
 */
export async function inboxRoute(app: App, deps: FedDeps): Promise<void> {
  const f = deps.config.federation;
  const byAddress = new TokenBuckets(f.inboxRatePerSecond * 5, f.inboxBurst * 5);
  const byPeer = new TokenBuckets(f.inboxRatePerSecond, f.inboxBurst);
  const directory = keyDirectory(deps);
  await app.register(async (inbox) => {
    inbox.removeContentTypeParser(['application/json']);
    inbox.addContentTypeParser(['application/json', 'application/activity+json'], { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
      (_req, body, done) => done(null, body));
    inbox.post('/fed/inbox', {
      bodyLimit: MAX_BODY_BYTES,
      schema: { tags: ['federation'], summary: 'Federation inbox: signed activities from allow-listed instances (profile copro-fed/1)', security: [], hide: false },
      onRequest: async (req, reply) => {
        const wait = byAddress.take(req.ip, deps.clock.now().getTime());
        if (wait > 0) await refuse(req, reply.header('retry-after', String(wait)), 429, 'rate_limited', deps.clock.now());
      },
    }, async (req, reply) => {
      const now = deps.clock.now();
      if (!(await federationSecret(deps))) return refuse(req, reply, 404, 'disabled', now);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const claimedHost = keyIdHost(String(parseSignatureInput(headers['signature-input'] ?? '')?.[0]?.params.keyid ?? ''));
      if (claimedHost) {
        const wait = byPeer.take(claimedHost, now.getTime());
        if (wait > 0) return refuse(req, reply.header('retry-after', String(wait)), 429, 'rate_limited', now);
      }
      const origin = originFor(deps);
      // Two statements per request: the key lookup, then one atomic statement recording the nonce and
      // inserting the activity (no explicit transaction: fewer round trips, one commit).
      const outcome = await (async (): Promise<Refusal | Stored> => {
        const v = await verifyRequest({ method: 'POST', targetUri: `${origin.base}${req.url}`, headers, body },
          { keys: directory, nonces: 'checked-by-caller', now });
        if (!v.ok) return { status: v.status, reason: v.reason };
        const json = parseBoundedJson(body);
        const parsed = json.ok ? FedActivity.safeParse(json.value) : null;
        const activity = parsed?.success ? parsed.data : null;
        const digest = sha256Hex(body);
        const [r] = await deps.sql<{ nonceNew: boolean; inserted: boolean; prevSha: string | null }[]>`
          with n as (insert into fed_nonces (key_id, nonce, seen_at) values (${v.keyId}, ${v.nonce}, ${now}) on conflict do nothing returning 1),
          i as (insert into fed_inbox (activity_id, sender_host, signer_key_id, activity_type, body_sha256, body, received_at)
            select ${activity?.id ?? ''}, ${v.peerHost}, ${v.keyId}, ${activity?.type ?? ''}, ${digest}, ${deps.sql.json((activity ?? {}) as never)}, ${now}
            where exists (select 1 from n) and ${activity !== null && originBound(activity, v.peerHost)}
            on conflict (activity_id) do nothing returning 1)
          select exists (select 1 from n) as "nonceNew", exists (select 1 from i) as inserted,
            (select body_sha256 from fed_inbox where activity_id = ${activity?.id ?? ''}) as "prevSha"`;
        if (!r!.nonceNew) return { status: 401, reason: 'replayed' };
        if (!json.ok) return { status: 400, reason: json.reason };
        if (!activity) {
          return { status: 422, reason: 'invalid_activity', extra: { issues: parsed!.error!.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) } };
        }
        if (!originBound(activity, v.peerHost)) return { status: 401, reason: 'origin_mismatch' };
        const found = { activityId: activity.id, peerHost: v.peerHost, digest };
        if (r!.inserted) return { ...found, stored: 'stored' };
        return { ...found, stored: r!.prevSha === digest ? 'duplicate' : 'equivocation' };
      })();
      if ('reason' in outcome) return refuse(req, reply, outcome.status, outcome.reason, now, outcome.extra);
      if (outcome.stored === 'equivocation') {
        await repo.insertAlert(deps.sql, 'equivocation', outcome.peerHost, { activityId: outcome.activityId, bodySha256: outcome.digest }, now);
        return refuse(req, reply, 409, 'equivocation', now);
      }
      const activity = { id: outcome.activityId };
      const stored = outcome.stored;
      if (stored === 'stored') kickInboxDrain(deps);
      return sendReceipt(deps, req, reply, origin.base, { status: stored === 'stored' ? 'accepted' : 'duplicate', activityId: activity.id });
    });
  });
}

async function sendReceipt(deps: FedDeps, req: FastifyRequest, reply: FastifyReply, base: string, answer: Record<string, string>) {
  const body = Buffer.from(JSON.stringify(answer));
  const requestHeaders = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const headers = await signReceipt({ status: 202, headers: { 'content-type': 'application/json' }, body },
    { method: req.method, url: `${base}${req.url}`, headers: requestHeaders }, await signingIdentity(deps), deps.clock.now());
  return reply.status(202).headers(headers).send(body);
}

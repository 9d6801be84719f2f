import { fingerprint } from '@koprogo/federation';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Pool } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { outboxViews, peerViews } from './federation.admin.ts';
import { ensureIdentity, originFor, rotateKey, type FedDeps } from './federation.identity.ts';
import { acceptTransfer, listIncoming } from './federation.move.ts';
import { addPeer, blockPeer } from './federation.peers.ts';
import { findPeerByHost } from './federation.repo.ts';

/**
 * `koprogo federation …`: the operator's commands, on the database directly. Activities they
 * create (rotation, block notices) are fanned out by the running instance's maintenance job
 * (within a minute), since the CLI runs no job queue.
 */
export interface CliDeps { sql: Pool; clock: Clock; config: Config; logger: Logger; version: string }

const fed = (d: CliDeps): FedDeps => ({ ...d, boss: null });

export async function identityLines(d: CliDeps): Promise<string[]> {
  const keys = await ensureIdentity(fed(d));
  const o = originFor(d);
  return [`Actor ${o.actorId}  inbox ${o.inboxUrl}`, ...keys.map((k) =>
    `  ${k.keyId}  ${fingerprint(k.publicKey)}  ${k.revokedAt ? 'revoked' : k.expiresAt ? `expires ${k.expiresAt.toISOString()}` : 'valid'}  signs from ${k.signingFrom.toISOString()}`)];
}

export async function peersLines(d: CliDeps): Promise<string[]> {
  const peers = await peerViews(d.sql);
  if (peers.length === 0) return ['No peers. Add one with: koprogo federation add <url> --fingerprint SHA256:…'];
  return peers.flatMap((p) => [
    `${p.host}  ${p.status}  circuit ${p.circuitState}  ${p.name ?? ''} (${p.country ?? '?'})  pending ${p.deliveries.pending} parked ${p.deliveries.parked} dead ${p.deliveries.dead} delivered ${p.deliveries.delivered}`,
    ...p.keys.map((k) => `    ${k.keyId}  ${k.fingerprint}  ${k.learned}  ${k.state}`),
  ]);
}

export async function addPeerLines(d: CliDeps, url: string, fp: string): Promise<string[]> {
  const p = await addPeer(fed(d), { url, fingerprint: fp });
  return [`Peer ${p.host} (${p.name ?? ''}) added; key pinned. It must add this instance as well (koprogo federation identity prints our fingerprint).`];
}

export async function blockPeerLines(d: CliDeps, host: string, reasons: string[]): Promise<string[]> {
  const p = await findPeerByHost(d.sql, host);
  if (!p) throw new AppError('fed_peer.not_found', `No peer ${host}`);
  await blockPeer(fed(d), p.id, reasons);
  return [`Peer ${host} blocked: its requests get 403, deliveries to it are suspended; the other peers are told.`];
}

export async function rotateKeyLines(d: CliDeps, overlapHours: number): Promise<string[]> {
  if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > 720) {
    throw new AppError('federation.invalid_overlap', '--overlap-hours takes a whole number of hours between 0 and 720');
  }
  const r = await rotateKey(fed(d), overlapHours);
  return [`New key ${r.keyId}; it signs from ${r.signingFrom.toISOString()}. The previous key stays valid 7 days beyond that.`,
    'Peers learn it from the announcement signed by the previous key (sent by the running instance).'];
}

export async function outboxLines(d: CliDeps, state: string | undefined): Promise<string[]> {
  const rows = await outboxViews(d.sql, state, 200);
  if (rows.length === 0) return ['No deliveries.'];
  return rows.map((r) => `${r.id}  ${r.state.padEnd(9)}  ${r.peerHost}  ${r.activityType}  attempts ${r.attempts}  ${r.lastStatus ?? ''} ${r.lastReason ?? ''}  ${r.activityId}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function transfersLines(d: CliDeps): Promise<string[]> {
  const rows = await listIncoming(d.sql);
  if (rows.length === 0) return ['No building transfer offered to this instance.'];
  return rows.map((r) => `${r.id}  ${r.state.padEnd(8)}  from ${r.peerHost}  "${r.buildingName}"  ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}${r.organizationId ? `  → org ${r.organizationId}` : ''}${r.lastError ? `  last error: ${r.lastError}` : ''}`);
}

export async function acceptTransferLines(d: CliDeps, id: string, orgId: string): Promise<string[]> {
  if (!UUID.test(id) || !UUID.test(orgId)) throw new AppError('fed_transfer.invalid_id', 'The transfer id and --org are UUIDs (koprogo federation transfers lists them)');
  const r = await acceptTransfer(fed(d), id, orgId);
  return [`Building "${r.row.buildingName}" imported into organization ${orgId} (every part's SHA-256 verified).`,
    'The receipt goes to the source instance with the running instance\'s next maintenance run.'];
}

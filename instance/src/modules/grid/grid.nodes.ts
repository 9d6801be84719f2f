import type { Connection } from '@libp2p/interface';
import type { GridCapabilityAd } from '@koprogo/protocols';

/**
 * The instance's live view of the grid: which enrolled nodes are connected and said hello, what they
 * advertise (only registry models count), and how busy they are. The database keeps the durable part
 * (status, ads, reputation); this book is rebuilt from hellos after a restart.
 */
export interface OnlineNode {
  peerId: string;
  connection: Connection;
  ad: GridCapabilityAd;
  /** Model hashes of the ad that the registry knows and enables. */
  models: Set<string>;
  active: number;
  reputation: number;
  lastUsedAt: number;
}

/** Nodes whose reputation fell below this (forged receipts, repeated faults) are not scheduled (0..1000 scale). */
export const SUSPENDED_BELOW = 200;

export class NodeBook {
  readonly #nodes = new Map<string, OnlineNode>();

  get(peerId: string): OnlineNode | undefined {
    return this.#nodes.get(peerId);
  }

  all(): OnlineNode[] {
    return [...this.#nodes.values()];
  }

  upsert(peerId: string, connection: Connection, ad: GridCapabilityAd, models: Set<string>, reputation: number): OnlineNode {
    const prev = this.#nodes.get(peerId);
    const node: OnlineNode = { peerId, connection, ad, models, reputation, active: prev?.active ?? 0, lastUsedAt: prev?.lastUsedAt ?? 0 };
    this.#nodes.set(peerId, node);
    return node;
  }

  /** Reputation moves in the database (faults, approvals); the dispatcher refreshes it before each pick. */
  setReputations(rows: ReadonlyArray<{ peerId: string; reputation: number }>): void {
    for (const r of rows) { const n = this.#nodes.get(r.peerId); if (n) n.reputation = r.reputation; }
  }

  remove(peerId: string): boolean {
    return this.#nodes.delete(peerId);
  }

  /** Free slots over every online node that can run one of `models` (what the dispatcher may fetch). */
  idleSlots(models: ReadonlySet<string>): number {
    return this.all().filter((n) => n.connection.status === 'open' && n.reputation >= SUSPENDED_BELOW && [...n.models].some((m) => models.has(m)))
      .reduce((a, n) => a + Math.max(0, n.ad.maxConcurrent - n.active), 0);
  }

  /**
   * The node for a job (grid-design §5.1): online, idle, advertising an enabled model of the role, not
   * excluded for the job; best decode speed × reliability × free share, ties to the least recently used.
   */
  pick(models: ReadonlySet<string>, excluded: ReadonlySet<string>): { node: OnlineNode; modelSha256: string } | null {
    let best: { node: OnlineNode; modelSha256: string; score: number } | null = null;
    for (const n of this.all()) {
      if (excluded.has(n.peerId) || n.connection.status !== 'open' || n.active >= n.ad.maxConcurrent || n.reputation < SUSPENDED_BELOW) continue;
      for (const m of n.models) {
        if (!models.has(m)) continue;
        const decode = n.ad.bench.find((b) => b.modelSha256 === m)?.decodeTokPerSec ?? 1;
        // Least loaded, fastest, most reliable.
        const score = decode * (n.reputation / 1000) * (1 - n.active / n.ad.maxConcurrent);
        if (!best || score > best.score || (score === best.score && n.lastUsedAt < best.node.lastUsedAt)) best = { node: n, modelSha256: m, score };
      }
    }
    return best ? { node: best.node, modelSha256: best.modelSha256 } : null;
  }
}

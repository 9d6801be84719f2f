import type { Logger } from 'pino';
import type { Pool } from '../../platform/db.ts';

export const REVOCATIONS_CHANNEL = 'koprogo_revocations';
/** Safety net behind the NOTIFY: every open socket re-checks its session and membership this often. */
export const SOCKET_RECHECK_MS = 60_000;

export interface Watched { sessionId: string; userId: string; organizationId: string; recheck: () => Promise<void> }
/** A periodic round uses at most this many pool connections, so requests are not stuck behind thousands of re-checks. */
export const RECHECK_CONCURRENCY = 2;

type Notice = { kind: 'session'; sessionId: string; userId: string } | { kind: 'grant'; userId: string; organizationId: string };

function parseNotice(text: string): Notice | null {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  const n = v as Partial<{ kind: string; sessionId: string; userId: string; organizationId: string }> | null;
  if (n?.kind === 'session' && typeof n.sessionId === 'string' && typeof n.userId === 'string') return { kind: 'session', sessionId: n.sessionId, userId: n.userId };
  if (n?.kind === 'grant' && typeof n.userId === 'string' && typeof n.organizationId === 'string') return { kind: 'grant', userId: n.userId, organizationId: n.organizationId };
  return null;
}

/**
 * Closes live sockets whose right to exist ended. Migration 0010's triggers send a
 * `koprogo_revocations` NOTIFY at commit whenever a session is revoked (logout, password change,
 * refresh-token reuse — whatever code path does it) or a role grant is removed; the matching sockets
 * re-check at once (a removed grant may leave others: the check, not the notice, decides).
 * A notice sent while the LISTEN connection was down is lost, so every socket also re-checks
 * when the listener (re)connects and every SOCKET_RECHECK_MS: one indexed query per socket per
 * minute, against a revocation that could otherwise go unseen until the socket closes.
 */
export class RevocationWatch {
  readonly #sql: Pool;
  readonly #logger: Logger;
  readonly #watched = new Set<Watched>();
  #listening: Promise<{ unlisten(): Promise<void> }> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(sql: Pool, logger: Logger) {
    this.#sql = sql;
    this.#logger = logger;
  }

  async watch(w: Watched): Promise<() => void> {
    this.#watched.add(w);
    const stop = () => { this.#watched.delete(w); };
    try {
      this.#listening ??= this.#sql.listen(REVOCATIONS_CHANNEL, (text) => this.#dispatch(text), () => this.#recheckAll())
        .catch((e: unknown) => { this.#listening = null; throw e; });
      await this.#listening;
    } catch (e) {
      stop();
      throw e;
    }
    this.#timer ??= setInterval(() => this.#recheckAll(), SOCKET_RECHECK_MS).unref();
    return stop;
  }

  watchedCount(): number {
    return this.#watched.size;
  }

  #round: Promise<void> | null = null;
  #recheckAll(): void {
    this.#round ??= (async () => {
      const queue = [...this.#watched];
      const lane = async () => { for (let w = queue.shift(); w; w = queue.shift()) if (this.#watched.has(w)) await w.recheck(); };
      await Promise.all(Array.from({ length: RECHECK_CONCURRENCY }, lane));
    })().finally(() => { this.#round = null; });
  }

  #dispatch(text: string): void {
    const n = parseNotice(text);
    if (!n) {
      this.#logger.warn('ignored a malformed koprogo_revocations notification');
      return;
    }
    for (const w of this.#watched) {
      if (n.kind === 'session' ? w.sessionId === n.sessionId : w.userId === n.userId && w.organizationId === n.organizationId) void w.recheck();
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#watched.clear();
    const l = this.#listening;
    this.#listening = null;
    if (l) await (await l.catch(() => null))?.unlisten().catch(() => {});
  }
}

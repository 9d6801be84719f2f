import { signAccessToken } from '../../src/modules/auth/tokens.ts';
import type { Actor } from './actors.ts';
import type { TestApp } from './test-app.ts';

export interface Res { statusCode: number; body: string; json(): any }

/**
 * Requests as one actor inside one organization, each with an access token signed at the test
 * clock's current time (tests that move the clock across months would otherwise see it expire).
 */
export function syndicClient(t: TestApp, orgId: string, actor: Actor) {
  async function send(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Res> {
    const token = await signAccessToken(t.deps.secrets.jwtKey, { userId: actor.userId, sessionId: actor.sessionId }, t.clock.now(),
      t.deps.config.accessTokenTtlSeconds);
    return t.app.inject({ method, url: `/api/v1/orgs/${orgId}${path}`, headers: { authorization: `Bearer ${token}`, ...extra },
      ...(body === undefined ? {} : { payload: body as object }) });
  }
  async function ok(res: Promise<Res>, status = 200): Promise<any> {
    const r = await res;
    if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
    return r.json();
  }
  return {
    send, ok,
    get: (path: string) => ok(send('GET', path)),
    post: (path: string, body: unknown = {}, status = 200) => ok(send('POST', path, body), status),
  };
}

/** belgian-rules.md §8, checked independently of the application: check digits = base mod 97, or 97 when 0. */
export function isValidStructuredCommunication(text: string): boolean {
  const m = /^\+\+\+(\d{3})\/(\d{4})\/(\d{5})\+\+\+$/.exec(text);
  if (!m) return false;
  const digits = m.slice(1).join('');
  const remainder = Number(BigInt(digits.slice(0, 10)) % 97n);
  return Number(digits.slice(10)) === (remainder === 0 ? 97 : remainder);
}

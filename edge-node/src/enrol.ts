import { GridEnrolmentResponseSchema, type GridEnrolmentClaim, type GridEnrolmentRequest } from '@koprogo/protocols';
import { signGridPayload } from './grid-signing.ts';
import type { Identity } from './identity.ts';
import type { EnrolmentState } from './state.ts';

/**
 * Enrolment over the instance's HTTPS API (grid-design §3): POST /api/v1/grid/enrol with the signed
 * claim `{peerId, token, operatorAccountId?, ts}`; the answer is the bootstrap address carrying the
 * instance's peer id, stored in node.json.
 */
export class EnrolError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnrolError';
    this.code = code;
  }
}

export function enrolUrl(instanceUrl: string): string {
  const base = new URL(instanceUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new EnrolError('enrol.bad_url', `Not an http(s) URL: ${instanceUrl}`);
  return new URL('api/v1/grid/enrol', base.href.endsWith('/') ? base.href : `${base.href}/`).href;
}

export async function enrol(
  identity: Identity,
  input: { instanceUrl: string; token: string; operatorAccountId?: string },
  options: { fetch?: typeof fetch; now?: () => Date; timeoutMs?: number } = {},
): Promise<EnrolmentState> {
  const claim: GridEnrolmentClaim = {
    peerId: identity.peerId,
    token: input.token,
    ...(input.operatorAccountId ? { operatorAccountId: input.operatorAccountId } : {}),
    ts: (options.now?.() ?? new Date()).toISOString(),
  };
  const body: GridEnrolmentRequest = { ...claim, signature: await signGridPayload(identity.privateKey, 'enrol', claim) };
  const url = enrolUrl(input.instanceUrl);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body), signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new EnrolError('enrol.unreachable', `Cannot reach the instance at ${new URL(url).origin} (${reason}). Check the URL and your network.`, { cause: err });
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (response.status === 404 && !error?.code) throw new EnrolError('enrol.not_a_koprogo_instance', `${url} answered 404: is this a KoproGo instance with the grid enabled?`);
    const hint = /token/i.test(error?.code ?? '') || response.status === 401 || response.status === 403
      ? ' Ask the instance administrator for a new enrolment token (they are single-use and valid 15 minutes).' : '';
    throw new EnrolError(error?.code ?? `enrol.http_${response.status}`, `Enrolment refused (${error?.code ?? `HTTP ${response.status}`}): ${error?.message ?? text.slice(0, 200)}.${hint}`);
  }
  const parsed = GridEnrolmentResponseSchema.safeParse(json);
  if (!parsed.success) throw new EnrolError('enrol.bad_response', `The instance answered something that is not an enrolment response: ${parsed.error.message}`);
  const res = parsed.data;
  if (res.peerId !== identity.peerId) throw new EnrolError('enrol.bad_response', 'The instance enrolled another peer id');
  if (!res.bootstrapAddr.endsWith(`/p2p/${res.instancePeerId}`)) throw new EnrolError('enrol.bad_response', 'The bootstrap address does not name the instance peer id');
  return { instanceUrl: input.instanceUrl, peerId: res.peerId, instancePeerId: res.instancePeerId, bootstrapAddr: res.bootstrapAddr, enrolledAt: res.enrolledAt };
}

/**
 * A thin client of the instance's public HTTP API, acting with the caller's API token: every rule
 * about roles, buildings and tenants is the instance's, never re-implemented here.
 */

/** The subset of `fetch` the client uses, so the instance can hand in an in-process adapter. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) =>
  Promise<{ status: number; text(): Promise<string> }>;

export interface ApiClientOptions {
  /** The instance's base URL, e.g. https://koprogo.example.be (no trailing /api/v1). */
  baseUrl: string;
  /** An API token (kpg_…) or access JWT; sent as "Authorization: Bearer …". */
  token: string;
  fetch?: FetchLike;
}

/** An error answer of the instance: `{ error: { code, message, details } }` and its status. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ApiClient {
  get(path: string, query?: Record<string, string | number | undefined>): Promise<unknown>;
  post(path: string, body?: unknown): Promise<unknown>;
}

export function createApiClient(opts: ApiClientOptions): ApiClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));

  async function request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.status >= 200 && res.status < 300) return json;
    const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, typeof err?.code === 'string' ? err.code : `http.${res.status}`,
      typeof err?.message === 'string' ? err.message : `The instance answered HTTP ${res.status}`, err?.details);
  }

  return {
    get: (path, query) => {
      const q = Object.entries(query ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
      return request('GET', q.length ? `${path}?${q.join('&')}` : path);
    },
    post: (path, body) => request('POST', path, body ?? {}),
  };
}

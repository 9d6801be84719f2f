import { MAX_AGE_SECONDS, MAX_FUTURE_SECONDS, MAX_VALIDITY_SECONDS } from './profile.ts';

/**
 * Our own time window (design §3). The signing library's checks are not used: its tolerance
 * shrinks maxAge and it refuses any future `created`.
 */
export function withinWindow(params: { created?: unknown; expires?: unknown }, now: Date): boolean {
  const { created, expires } = params;
  if (typeof created !== 'number' || typeof expires !== 'number') return false;
  const t = Math.floor(now.getTime() / 1000);
  if (created > t + MAX_FUTURE_SECONDS) return false;
  if (t - created > MAX_AGE_SECONDS) return false;
  if (expires > created + MAX_VALIDITY_SECONDS || expires < created) return false;
  return t <= expires;
}
